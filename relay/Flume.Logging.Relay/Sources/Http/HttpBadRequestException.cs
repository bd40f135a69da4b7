namespace Flume.Logging.Relay.Sources.Http;

/// <summary>
/// A request a handler cannot turn into events (Flume's <c>HTTPBadRequestException</c>); the source answers 400 with
/// the message, which names the cause.
/// </summary>
public sealed class HttpBadRequestException : Exception
{
    /// <summary>Creates an exception with no message.</summary>
    public HttpBadRequestException()
    {
    }

    /// <summary>Creates an exception whose message names the cause.</summary>
    public HttpBadRequestException(string message)
        : base(message)
    {
    }

    /// <summary>Creates an exception whose message names the cause, wrapping the parser's error.</summary>
    public HttpBadRequestException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
