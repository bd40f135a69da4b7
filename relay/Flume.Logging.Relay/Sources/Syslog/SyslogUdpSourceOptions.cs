using Flume.Logging.Relay.Agent;
using Flume.Logging.Relay.Config;

namespace Flume.Logging.Relay.Sources.Syslog;

/// <summary>Settings of the <c>syslogudp</c> source, with Flume's property names and defaults.</summary>
internal sealed class SyslogUdpSourceOptions
{
    /// <summary><c>host</c>: host name or address to listen on. Required.</summary>
    public string Host { get; set; } = "";

    /// <summary><c>port</c>: UDP port to listen on; 0 picks a free one. Required.</summary>
    public int Port { get; set; }

    /// <summary><c>keepFields</c>: header fields kept in the body. Default: false (none).</summary>
    public SyslogFields KeepFields { get; set; } = SyslogFields.None;

    /// <summary><c>clientIPHeader</c>: header that receives the sender's address. Default: none.</summary>
    public string? ClientIPHeader { get; set; }

    /// <summary><c>clientHostnameHeader</c>: header that receives the sender's host name (reverse lookup). Default: none.</summary>
    public string? ClientHostnameHeader { get; set; }

    /// <summary>Reads a <c>syslogudp</c> source's properties; errors name the exact key.</summary>
    internal static SyslogUdpSourceOptions From(ComponentContext properties) => new()
    {
        Host = properties.GetRequiredString("host").Trim(),
        Port = BuiltInComponents.Port(properties, "port"),
        KeepFields = SyslogSourceProperties.KeepFields(properties, "false"),
        ClientIPHeader = SyslogSourceProperties.HeaderName(properties, "clientIPHeader"),
        ClientHostnameHeader = SyslogSourceProperties.HeaderName(properties, "clientHostnameHeader"),
    };
}
