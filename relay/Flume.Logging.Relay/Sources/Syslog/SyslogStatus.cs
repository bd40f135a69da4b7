namespace Flume.Logging.Relay.Sources.Syslog;

/// <summary>How well a syslog frame parsed; Flume reports the last two in the <c>flume.syslog.status</c> header.</summary>
internal enum SyslogStatus
{
    /// <summary>A priority was read; headers hold whatever of the RFC 3164 / 5424 header matched.</summary>
    Valid,

    /// <summary>No <c>&lt;PRI&gt;</c> at the start: Flume's <c>Invalid</c>, the body is the frame as sent.</summary>
    Invalid,

    /// <summary>The frame reached eventSize and was cut there: Flume's <c>Incomplete</c>.</summary>
    Incomplete,
}
