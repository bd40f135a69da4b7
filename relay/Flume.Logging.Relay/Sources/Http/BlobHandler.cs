using Flume.Logging.Protocol;
using Microsoft.AspNetCore.Http;

namespace Flume.Logging.Relay.Sources.Http;

/// <summary>
/// Flume's blob handlers: the whole body is one event and each query parameter (its first value) a header.
/// The morphline <c>BlobHandler</c> also records the request's <c>Content-Type</c> header and keeps at most
/// <c>maxBlobLength</c> bytes; the core <c>BLOBHandler</c> can insist on <c>mandatoryParameters</c>.
/// </summary>
/// <remarks>
/// Parameters come from the query string only. A servlet container would also parse a form-encoded body into
/// parameters (and so eat the blob); a blob source has no use for that, so the body is always the blob.
/// </remarks>
internal sealed class BlobHandler : IHttpSourceHandler
{
    /// <summary>The header Flume's morphline BlobHandler puts the Content-Type in (Tika's <c>Metadata.CONTENT_TYPE</c>).</summary>
    public const string ContentTypeHeader = "Content-Type";

    private readonly bool _recordContentType;
    private readonly IReadOnlyList<string> _mandatoryParameters;

    private BlobHandler(long truncateAt, bool recordContentType, IReadOnlyList<string> mandatoryParameters)
    {
        TruncateAt = truncateAt;
        _recordContentType = recordContentType;
        _mandatoryParameters = mandatoryParameters;
    }

    public long TruncateAt { get; }

    /// <summary>Flume's <c>org.apache.flume.sink.solr.morphline.BlobHandler</c>.</summary>
    public static BlobHandler Morphline(int maxBlobLength) => new(maxBlobLength, recordContentType: true, []);

    /// <summary>
    /// Flume's <c>org.apache.flume.source.http.BLOBHandler</c>. Flume splits an empty <c>mandatoryParameters</c>
    /// into one empty name and so refuses every request by default; here empty names are not required.
    /// </summary>
    public static BlobHandler Core(IReadOnlyList<string> mandatoryParameters) => new(long.MaxValue, recordContentType: false, mandatoryParameters);

    public IReadOnlyList<FlumeEvent> GetEvents(HttpRequest request, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(request);
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        if (_recordContentType && request.ContentType is { } contentType)
        {
            headers[ContentTypeHeader] = contentType;
        }

        foreach (var (name, values) in request.Query)
        {
            headers[name] = values.Count > 0 ? values[0] ?? "" : "";
        }

        foreach (var required in _mandatoryParameters)
        {
            if (!headers.ContainsKey(required))
            {
                // Flume's wording, so clients written against Flume see the message they expect.
                throw new HttpBadRequestException($"Please specify {required} parameter in the request.");
            }
        }

        return [new FlumeEvent(headers, body.ToArray())];
    }
}
