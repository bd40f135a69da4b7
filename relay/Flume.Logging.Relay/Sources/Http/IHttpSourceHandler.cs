using Flume.Logging.Protocol;
using Microsoft.AspNetCore.Http;

namespace Flume.Logging.Relay.Sources.Http;

/// <summary>
/// Turns one HTTP request into the events committed together (Flume's <c>HTTPSourceHandler</c>). The source reads
/// the body, bounded, before calling the handler, so handlers never see a stream and never wait on a client.
/// </summary>
internal interface IHttpSourceHandler
{
    /// <summary>
    /// Most body bytes the handler takes: a longer body is cut there rather than refused (BlobHandler's
    /// <c>maxBlobLength</c>); <see cref="long.MaxValue"/> when the handler needs the whole body.
    /// </summary>
    long TruncateAt { get; }

    /// <summary>The events of <paramref name="request"/>, whose body is <paramref name="body"/>.</summary>
    /// <exception cref="HttpBadRequestException">The request is malformed; the message names the cause.</exception>
    IReadOnlyList<FlumeEvent> GetEvents(HttpRequest request, ReadOnlySpan<byte> body);
}
