namespace Flume.Logging.Relay.Sources.Http;

/// <summary>The Flume handler classes the <c>http</c> source can be given in <c>handler</c>.</summary>
internal enum HttpHandlerKind
{
    /// <summary><c>org.apache.flume.source.http.JSONHandler</c>: a JSON array of <c>{"headers":{...},"body":"..."}</c>.</summary>
    Json,

    /// <summary><c>org.apache.flume.source.http.BLOBHandler</c>: the body as one event, query parameters as headers.</summary>
    CoreBlob,

    /// <summary><c>org.apache.flume.sink.solr.morphline.BlobHandler</c>: as <see cref="CoreBlob"/>, plus the Content-Type header, truncated at <c>maxBlobLength</c>.</summary>
    MorphlineBlob,
}
