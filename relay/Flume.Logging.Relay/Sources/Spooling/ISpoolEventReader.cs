namespace Flume.Logging.Relay.Sources.Spooling;

/// <summary>
/// Cuts one open file into event bodies (Flume's <c>EventDeserializer</c> over a resettable stream). Every
/// event ends on a byte boundary, so <see cref="Position"/> after an event is where reading resumes after a
/// rewind or a restart.
/// </summary>
internal interface ISpoolEventReader : IDisposable
{
    /// <summary>Where the next unread event is: a byte offset, or a record count for AVRO.</summary>
    long Position { get; }

    /// <summary>Continues reading from <paramref name="position"/>, a value <see cref="Position"/> had before.</summary>
    void Seek(long position);

    /// <summary>Headers this reader adds to every event of the file (the AVRO schema), or null.</summary>
    IReadOnlyDictionary<string, string>? Headers => null;

    /// <summary>Reads the next event's body; false at the end of the file.</summary>
    /// <exception cref="System.Text.DecoderFallbackException">Bad bytes for the charset under <c>decodeErrorPolicy</c> FAIL.</exception>
    bool TryReadEvent(out byte[] body);
}
