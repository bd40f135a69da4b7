using Flume.Logging.Protocol;

namespace Flume.Logging.Relay.Sinks.Serialization;

/// <summary>
/// Writes events to one output stream in a file format, as Flume's <c>EventSerializer</c>: a sink creates one per
/// file, calls <see cref="AfterCreate"/> (or <see cref="AfterReopen"/> when appending to an existing file), then
/// <see cref="Write"/> per event and <see cref="Flush"/> per batch, and <see cref="BeforeClose"/> before closing the
/// stream. The serializer never closes the stream: the sink owns it.
/// </summary>
public interface IEventSerializer
{
    /// <summary>Whether the serializer can continue a file it did not create (<see cref="AfterReopen"/>).</summary>
    bool SupportsReopen { get; }

    /// <summary>Called once on a new, empty stream: writes any file header.</summary>
    void AfterCreate();

    /// <summary>Called once on a stream that continues an existing file.</summary>
    /// <exception cref="NotSupportedException">The serializer does not support reopening.</exception>
    void AfterReopen();

    /// <summary>Writes one event (it may be buffered until <see cref="Flush"/>).</summary>
    void Write(FlumeEvent flumeEvent);

    /// <summary>Writes everything buffered to the stream, so the batch is in it once the sink flushes the stream.</summary>
    void Flush();

    /// <summary>Called once before the sink closes the stream: writes any file trailer.</summary>
    void BeforeClose();
}
