using System.Collections.Concurrent;
using Flume.Logging.Appenders;
using Flume.Logging.Rpc;
using Flume.Logging.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Flume.Logging.Extensions.Tests;

public class AddFlumeTests
{
    private static IConfiguration Configuration(Dictionary<string, string?> values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values).Build();

    private static ServiceProvider Services(IConfiguration configuration, Action<ILoggingBuilder> addFlume)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging =>
        {
            logging.AddConfiguration(configuration.GetSection("Logging"));
            addFlume(logging);
        });
        return services.BuildServiceProvider();
    }

    [Fact]
    public async Task Binds_the_Logging_Flume_section_with_the_shared_option_names()
    {
        var configuration = Configuration(new()
        {
            ["Logging:Flume:Hosts"] = "127.0.0.1:5001 127.0.0.1:5002",
            ["Logging:Flume:Protocol"] = "Thrift",
            ["Logging:Flume:BatchSize"] = "250",
            ["Logging:Flume:Selector"] = "Random",
            ["Logging:Flume:MaxBackoff"] = "00:00:07",
            ["Logging:Flume:Overflow"] = "DropOldest",
            ["Logging:Flume:BufferPath"] = "/tmp/flume-buffer",
            ["Logging:Flume:Headers:application"] = "billing",
        });
        await using var services = Services(configuration, logging => logging.AddFlume());

        var options = services.GetRequiredService<IOptions<FlumeAppenderOptions>>().Value;

        Assert.Equal("127.0.0.1:5001 127.0.0.1:5002", options.Hosts);
        Assert.Equal(FlumeProtocol.Thrift, options.Protocol);
        Assert.Equal(250, options.BatchSize);
        Assert.Equal(HostSelectorKind.Random, options.Selector);
        Assert.Equal(TimeSpan.FromSeconds(7), options.MaxBackoff);
        Assert.Equal(OverflowMode.DropOldest, options.Overflow);
        Assert.Equal("/tmp/flume-buffer", options.BufferPath);
        Assert.Equal("billing", options.Headers["application"]);
        Assert.True(options.PropertiesAsHeaders);
    }

    [Fact]
    public async Task The_configure_action_overrides_the_configuration_and_PropertiesAsHeaders_can_be_turned_off()
    {
        var configuration = Configuration(new()
        {
            ["Logging:Flume:Hosts"] = "127.0.0.1:5001",
            ["Logging:Flume:BatchSize"] = "250",
            ["Logging:Flume:PropertiesAsHeaders"] = "false",
        });
        await using var services = Services(configuration, logging => logging.AddFlume(o => o.BatchSize = 10));

        var options = services.GetRequiredService<IOptions<FlumeAppenderOptions>>().Value;

        Assert.Equal("127.0.0.1:5001", options.Hosts);
        Assert.Equal(10, options.BatchSize);
        Assert.False(options.PropertiesAsHeaders);
    }

    [Fact]
    public async Task Adding_twice_registers_one_provider()
    {
        var configuration = Configuration(new() { ["Logging:Flume:Hosts"] = "127.0.0.1:5001" });
        await using var services = Services(configuration, logging => logging.AddFlume().AddFlume(o => o.BatchSize = 5));

        Assert.Single(services.GetServices<ILoggerProvider>().OfType<FlumeLoggerProvider>());
    }

    [Fact]
    public async Task Missing_hosts_fail_at_start_naming_the_setting()
    {
        await using var services = Services(Configuration([]), logging => logging.AddFlume());

        var error = Assert.Throws<ArgumentException>(() => services.GetRequiredService<ILoggerFactory>());
        Assert.Equal("Hosts", error.ParamName);
    }

    [Fact]
    public async Task The_chosen_self_log_receives_the_provider_reports()
    {
        var selfLog = new ConcurrentQueue<string>();
        var configuration = Configuration(new() { ["Logging:Flume:Hosts"] = "127.0.0.1:5001" });
        await using var services = Services(configuration, logging => logging.AddFlume(_ => { }, selfLog.Enqueue));

        services.GetRequiredService<ILoggerFactory>().CreateLogger("Broken")
            .Log<object?>(LogLevel.Error, default, null, null, (_, _) => throw new InvalidOperationException("no"));

        // The call that could not be rendered is counted as dropped; the report is written from the thread pool.
        Assert.Equal(1, services.GetServices<ILoggerProvider>().OfType<FlumeLoggerProvider>().Single().EventsDropped);
        await Eventually.TrueAsync(() => selfLog.Any(line => line.Contains("Broken", StringComparison.Ordinal)), "the report naming the logger");
    }

    [Fact]
    public async Task Filter_rules_of_the_Flume_section_apply_to_the_provider()
    {
        var configuration = Configuration(new()
        {
            ["Logging:Flume:Hosts"] = "127.0.0.1:5001",
            ["Logging:Flume:LogLevel:Default"] = "Warning",
        });
        await using var services = Services(configuration, logging => logging.AddFlume());
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger("c");

        Assert.False(logger.IsEnabled(LogLevel.Information));
        Assert.True(logger.IsEnabled(LogLevel.Warning));
    }
}
