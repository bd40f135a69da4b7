namespace Flume.Logging.Relay.Sources.Spooling;

/// <summary>
/// Cuts one open file into event bodies (Flume's <c>EventDeserializer</c> over a resettable stream). Every
/// event ends on a byte boundary, so <see cref="Position"/> after an event is where reading resumes after a
/// rewind or a restart.
/// </summary>
internal interface ISpoolEventReader : IDisposable
{
    /// <summary>The byte offset of the next unread event.</summary>
    long Position { get; }

    /// <summary>Continues reading from <paramref name="position"/>, a value <see cref="Position"/> had before.</summary>
    void Seek(long position);

    /// <summary>Reads the next event's body; false at the end of the file.</summary>
    /// <exception cref="System.Text.DecoderFallbackException">Bad bytes for the charset under <c>decodeErrorPolicy</c> FAIL.</exception>
    bool TryReadEvent(out byte[] body);
}
