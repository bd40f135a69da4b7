namespace Flume.Logging.Relay.Sources.Spooling;

/// <summary><c>deletePolicy</c>: what happens to a file once all its events are committed.</summary>
public enum SpoolDeletePolicy
{
    /// <summary>Keep it, marked as completed by the <see cref="SpoolTrackingPolicy"/>.</summary>
    Never,

    /// <summary>Delete it.</summary>
    Immediate,
}
