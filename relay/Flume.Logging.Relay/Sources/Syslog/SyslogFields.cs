namespace Flume.Logging.Relay.Sources.Syslog;

/// <summary>
/// Which parsed header fields <c>keepFields</c> puts back in front of the event body. <see cref="All"/> keeps the
/// message exactly as sent.
/// </summary>
[Flags]
internal enum SyslogFields
{
    /// <summary>The body is the message after the host name (Flume's <c>none</c>/<c>false</c>, the default).</summary>
    None = 0,

    /// <summary><c>priority</c>: the <c>&lt;PRI&gt;</c>.</summary>
    Priority = 1,

    /// <summary><c>version</c>: the RFC 5424 version digit.</summary>
    Version = 2,

    /// <summary><c>timestamp</c>: the timestamp as sent.</summary>
    Timestamp = 4,

    /// <summary><c>hostname</c>: the host name.</summary>
    Hostname = 8,

    /// <summary><c>all</c>/<c>true</c>: the whole message as sent.</summary>
    All = 16,
}
