using System.Globalization;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Agent;

namespace Flume.Logging.Relay.Interceptors;

/// <summary>
/// Flume's <c>timestamp</c> interceptor: sets a header (<c>headerName</c>, default <c>timestamp</c>) to the time
/// the event passes, in milliseconds since the Unix epoch; with <c>preserveExisting</c> an existing header is kept.
/// </summary>
internal sealed class TimestampInterceptor(string headerName, bool preserveExisting, TimeProvider timeProvider) : IInterceptor
{
    /// <summary>Flume's builder class name, accepted as a type so Flume configurations work unchanged.</summary>
    public const string BuilderClass = "org.apache.flume.interceptor.TimestampInterceptor$Builder";

    /// <summary>Builds the interceptor from <c>headerName</c> and <c>preserveExisting</c>.</summary>
    public static TimestampInterceptor Create(InterceptorBuildContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new(
            context.Properties.GetString("headerName", "timestamp"),
            context.Properties.GetBoolean("preserveExisting", false),
            context.Services.TimeProvider);
    }

    /// <inheritdoc />
    public FlumeEvent? Intercept(FlumeEvent flumeEvent)
    {
        ArgumentNullException.ThrowIfNull(flumeEvent);
        var headers = flumeEvent.Headers;
        if (!preserveExisting || !headers.ContainsKey(headerName))
        {
            headers[headerName] = timeProvider.GetUtcNow().ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
        }

        return flumeEvent;
    }
}
