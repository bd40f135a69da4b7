namespace Flume.Logging.Protocol;

/// <summary>
/// The answer a Flume source gives to <c>append</c> and <c>appendBatch</c>. Avro knows OK, FAILED and UNKNOWN;
/// Thrift adds ERROR. Anything but <see cref="Ok"/> means the events were not accepted and must be retried.
/// </summary>
public enum EventStatus
{
    /// <summary>The events were committed to the source's channels.</summary>
    Ok,

    /// <summary>The source could not accept the events now (for example a full channel); retry later.</summary>
    Failed,

    /// <summary>The source failed while handling the request (Thrift only).</summary>
    Error,

    /// <summary>The peer answered a status this side does not know.</summary>
    Unknown,
}
