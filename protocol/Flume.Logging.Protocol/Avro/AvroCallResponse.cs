namespace Flume.Logging.Protocol.Avro;

/// <summary>A decoded call response: a <see cref="Status"/>, or a system error <see cref="Error"/> message.</summary>
internal sealed record AvroCallResponse(EventStatus Status, string? Error)
{
    public bool IsError => Error is not null;
}
