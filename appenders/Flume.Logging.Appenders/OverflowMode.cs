namespace Flume.Logging.Appenders;

/// <summary>What a log call does when the in-memory queue is full (the relays are slow or unreachable).</summary>
public enum OverflowMode
{
    /// <summary>Wait up to <see cref="FlumeAppenderOptions.BlockTimeout"/> for room, then drop the new event.</summary>
    Block,

    /// <summary>Drop the new event at once.</summary>
    DropNewest,

    /// <summary>Drop the oldest queued events to make room for the new one.</summary>
    DropOldest,
}
