using Flume.Logging.Protocol;
using Flume.Logging.Relay.Agent;

namespace Flume.Logging.Relay.Interceptors;

/// <summary>
/// Flume's <c>static</c> interceptor: sets one fixed header (<c>key</c> = <c>value</c>, defaults <c>key</c> and
/// <c>value</c>); with <c>preserveExisting</c> (default true) an existing header is kept.
/// </summary>
internal sealed class StaticInterceptor(string key, string value, bool preserveExisting) : IInterceptor
{
    /// <summary>Flume's builder class name, accepted as a type so Flume configurations work unchanged.</summary>
    public const string BuilderClass = "org.apache.flume.interceptor.StaticInterceptor$Builder";

    /// <summary>Builds the interceptor from <c>key</c>, <c>value</c> and <c>preserveExisting</c>.</summary>
    public static StaticInterceptor Create(InterceptorBuildContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new(
            context.Properties.GetString("key", "key"),
            context.Properties.GetString("value", "value"),
            context.Properties.GetBoolean("preserveExisting", true));
    }

    /// <inheritdoc />
    public FlumeEvent? Intercept(FlumeEvent flumeEvent)
    {
        ArgumentNullException.ThrowIfNull(flumeEvent);
        var headers = flumeEvent.Headers;
        if (!preserveExisting || !headers.ContainsKey(key))
        {
            headers[key] = value;
        }

        return flumeEvent;
    }
}
