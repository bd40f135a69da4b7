using System.Buffers;
using System.Text;
using System.Text.RegularExpressions;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Agent;
using Flume.Logging.Relay.Config;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Relay.Interceptors;

/// <summary>
/// Flume's <c>regex_filter</c> interceptor: reads the body as UTF-8 text and keeps only events where
/// <c>regex</c> (default <c>.*</c>) is found anywhere in it, or, with <c>excludeEvents</c>, drops exactly those.
/// A match that times out counts as no match.
/// </summary>
internal sealed class RegexFilteringInterceptor(Regex regex, bool excludeEvents, string name, ILogger logger) : IInterceptor
{
    /// <summary>Flume's builder class name, accepted as a type so Flume configurations work unchanged.</summary>
    public const string BuilderClass = "org.apache.flume.interceptor.RegexFilteringInterceptor$Builder";

    /// <summary>Builds the interceptor from <c>regex</c> and <c>excludeEvents</c>.</summary>
    /// <exception cref="ConfigurationException"><c>regex</c> is not a valid expression.</exception>
    public static RegexFilteringInterceptor Create(InterceptorBuildContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var properties = context.Properties;
        return new(
            InterceptorRegex.Compile(properties, "regex", properties.GetString("regex", ".*")),
            properties.GetBoolean("excludeEvents", false),
            InterceptorRegex.Describe(properties),
            context.Services.LoggerFactory.CreateLogger<RegexFilteringInterceptor>());
    }

    /// <inheritdoc />
    public FlumeEvent? Intercept(FlumeEvent flumeEvent)
    {
        ArgumentNullException.ThrowIfNull(flumeEvent);
        return IsFound(flumeEvent.Body.Span) != excludeEvents ? flumeEvent : null;
    }

    private bool IsFound(ReadOnlySpan<byte> body)
    {
        // Decoded into a pooled buffer: filtering needs no per-event string.
        var buffer = ArrayPool<char>.Shared.Rent(Encoding.UTF8.GetMaxCharCount(body.Length));
        try
        {
            var length = Encoding.UTF8.GetChars(body, buffer);
            return regex.IsMatch(buffer.AsSpan(0, length));
        }
        catch (RegexMatchTimeoutException)
        {
            InterceptorLog.RegexTimedOut(logger, name, InterceptorRegex.MatchTimeout, excludeEvents ? "the event is kept" : "the event is dropped");
            return false;
        }
        finally
        {
            ArrayPool<char>.Shared.Return(buffer);
        }
    }
}
