namespace Flume.Logging.Appenders;

/// <summary>How a flush that gives way to dead relays ended.</summary>
internal enum FlushOutcome
{
    /// <summary>Everything queued before the flush is settled: sent, buffered to disk, or dropped and counted.</summary>
    Done,

    /// <summary>The timeout passed first.</summary>
    TimedOut,

    /// <summary>Every relay is known to be down: the events stay queued, for the close to send or buffer.</summary>
    RelaysDown,
}
