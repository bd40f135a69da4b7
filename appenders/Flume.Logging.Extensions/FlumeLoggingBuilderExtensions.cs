using Flume.Logging.Appenders;
using Flume.Logging.Extensions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Configuration;
using Microsoft.Extensions.Options;

// In MEL's own namespace, like AddConsole: the extension is found wherever logging is configured.
#pragma warning disable IDE0130 // Namespace does not match folder structure
namespace Microsoft.Extensions.Logging;
#pragma warning restore IDE0130

/// <summary>Adds the Flume logger provider to a logging builder.</summary>
public static class FlumeLoggingBuilderExtensions
{
    /// <summary>
    /// Adds the Flume provider, configured from the <c>Logging:Flume</c> section (option names as in
    /// <see cref="FlumeAppenderOptions"/>, e.g. <c>Hosts</c>, <c>Protocol</c>, <c>BatchSize</c>). Structured state and
    /// scopes are sent as headers (<see cref="FlumeAppenderOptions.PropertiesAsHeaders"/> defaults to true here). In a
    /// generic host, the host's stop flushes what was logged, and its disposal closes the provider.
    /// </summary>
    public static ILoggingBuilder AddFlume(this ILoggingBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.AddConfiguration();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IConfigureOptions<FlumeAppenderOptions>, FlumeLoggerDefaults>());
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ILoggerProvider, FlumeLoggerProvider>(CreateProvider));

        // Only a generic host runs hosted services; with LoggerFactory.Create this registration is never used.
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, FlumeHostedFlush>());
        LoggerProviderOptions.RegisterProviderOptions<FlumeAppenderOptions, FlumeLoggerProvider>(builder.Services);
        return builder;
    }

    /// <summary>Adds the Flume provider, configured from <c>Logging:Flume</c> and then by <paramref name="configure"/>.</summary>
    public static ILoggingBuilder AddFlume(this ILoggingBuilder builder, Action<FlumeAppenderOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        builder.AddFlume();
        builder.Services.Configure(configure);
        return builder;
    }

    /// <summary>
    /// Adds the Flume provider, configured from <c>Logging:Flume</c> and then by <paramref name="configure"/>, reporting
    /// drops and delivery problems to <paramref name="selfLog"/> instead of standard error.
    /// </summary>
    public static ILoggingBuilder AddFlume(this ILoggingBuilder builder, Action<FlumeAppenderOptions> configure, Action<string> selfLog)
    {
        ArgumentNullException.ThrowIfNull(selfLog);
        builder.AddFlume(configure);
        builder.Services.AddSingleton(new FlumeSelfLog(selfLog));
        return builder;
    }

    private static FlumeLoggerProvider CreateProvider(IServiceProvider services) =>
        new(services.GetRequiredService<IOptions<FlumeAppenderOptions>>().Value, services.GetService<FlumeSelfLog>()?.Write);
}
