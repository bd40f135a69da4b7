namespace Flume.Logging.Protocol.Avro;

/// <summary>A decoded call response: a <see cref="Status"/>, or a system error <see cref="Error"/> message.</summary>
internal sealed record AvroCallResponse(EventStatus Status, string? Error)
{
    // Shared answers without an error, so that a client reading one per request allocates nothing for it.
    private static readonly AvroCallResponse Ok = new(EventStatus.Ok, null);
    private static readonly AvroCallResponse Failed = new(EventStatus.Failed, null);
    private static readonly AvroCallResponse Unknown = new(EventStatus.Unknown, null);

    public bool IsError => Error is not null;

    /// <summary>The answer carrying <paramref name="status"/> and no error.</summary>
    public static AvroCallResponse Of(EventStatus status) => status switch
    {
        EventStatus.Ok => Ok,
        EventStatus.Failed => Failed,
        EventStatus.Unknown => Unknown,
        _ => new(status, null),
    };
}
