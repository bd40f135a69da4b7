using System.ComponentModel;

namespace Flume.Logging.Relay.Sources.Spooling;

/// <summary><c>trackingPolicy</c>: how a completed file is marked when <c>deletePolicy</c> is <c>never</c>.</summary>
public enum SpoolTrackingPolicy
{
    /// <summary>Rename it to its name plus <c>fileSuffix</c>.</summary>
    Rename,

    /// <summary>Leave it, and create an empty <c>&lt;name&gt;&lt;fileSuffix&gt;</c> in the tracker directory.</summary>
    [Description("tracker_dir")]
    TrackerDir,
}
