using Flume.Logging.Relay.Agent;
using Flume.Logging.Relay.Config;

namespace Flume.Logging.Relay.Sources;

/// <summary>Settings of the <c>netcatudp</c> source, with Flume's property names and defaults.</summary>
internal sealed class NetcatUdpSourceOptions
{
    /// <summary><c>bind</c>: host name or address to listen on. Required.</summary>
    public string Bind { get; set; } = "";

    /// <summary><c>port</c>: UDP port to listen on; 0 picks a free one. Required.</summary>
    public int Port { get; set; }

    /// <summary>
    /// <c>remoteAddressHeader</c>: header that receives the sender as Java prints a socket address,
    /// <c>/127.0.0.1:40000</c>. Default: none.
    /// </summary>
    public string? RemoteAddressHeader { get; set; }

    /// <summary>Reads a <c>netcatudp</c> source's properties; errors name the exact key.</summary>
    internal static NetcatUdpSourceOptions From(ComponentContext properties) => new()
    {
        Bind = properties.GetRequiredString("bind").Trim(),
        Port = BuiltInComponents.Port(properties, "port"),
        RemoteAddressHeader = properties.GetString("remoteAddressHeader") is { } header && !string.IsNullOrWhiteSpace(header) ? header.Trim() : null,
    };
}
