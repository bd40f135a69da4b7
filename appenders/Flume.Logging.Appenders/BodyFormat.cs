namespace Flume.Logging.Appenders;

/// <summary>How a log record becomes the event body.</summary>
public enum BodyFormat
{
    /// <summary>The rendered message in UTF-8, followed by the exception (if any) on the next line.</summary>
    Message,

    /// <summary>
    /// One compact JSON object in UTF-8: <c>timestamp</c> (ISO 8601), <c>level</c>, <c>logger</c>, <c>message</c>, and
    /// <c>exception</c> and <c>properties</c> when present.
    /// </summary>
    Json,
}
