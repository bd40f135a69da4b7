using Microsoft.Extensions.Logging;

namespace Flume.Logging.Relay.Interceptors;

/// <summary>What the built-in interceptors log.</summary>
internal static partial class InterceptorLog
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "{Interceptor}: the regular expression timed out after {Timeout} on an event; {Outcome}")]
    public static partial void RegexTimedOut(ILogger logger, string interceptor, TimeSpan timeout, string outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Interceptor}: could not resolve the local host ({Reason}); events will get no {Header} header")]
    public static partial void HostUnresolved(ILogger logger, string interceptor, string reason, string header);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Interceptor}: '{Value}' does not match the date pattern of {Key}; the {Header} header is not set")]
    public static partial void DateUnparsed(ILogger logger, string interceptor, string value, string key, string header);
}
