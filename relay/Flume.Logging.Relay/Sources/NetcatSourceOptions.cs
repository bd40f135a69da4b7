using Flume.Logging.Relay.Agent;
using Flume.Logging.Relay.Config;
using Flume.Logging.Rpc;

namespace Flume.Logging.Relay.Sources;

/// <summary>Settings of the <c>netcat</c> source, with Flume's property names and defaults.</summary>
public sealed class NetcatSourceOptions
{
    /// <summary><c>bind</c>: host name or address to listen on. Required.</summary>
    public string Bind { get; set; } = "";

    /// <summary><c>port</c>: port to listen on. Required.</summary>
    public int Port { get; set; }

    /// <summary><c>max-line-length</c>: most bytes in one event body (one line without its newline). Default: 512.</summary>
    public int MaxLineLength { get; set; } = 512;

    /// <summary><c>ack-every-event</c>: answer <c>OK</c> for every event once committed. Default: true.</summary>
    public bool AckEveryEvent { get; set; } = true;

    /// <summary>
    /// <c>max-connections</c>, <c>idle-timeout</c>, <c>min-data-rate</c>, <c>min-data-rate-grace-period</c>: limits
    /// against idle or trickling peers (a frame is a line). Default: <see cref="ConnectionLimits"/>'s defaults.
    /// </summary>
    public ConnectionLimits Connections { get; set; } = new();

    /// <summary>Reads a <c>netcat</c> source's properties; errors name the exact key.</summary>
    internal static NetcatSourceOptions From(ComponentContext properties) => new()
    {
        Bind = properties.GetRequiredString("bind").Trim(),
        Port = BuiltInComponents.Port(properties, "port"),
        MaxLineLength = properties.GetInt32("max-line-length", 512, 1, int.MaxValue),
        AckEveryEvent = properties.GetBoolean("ack-every-event", true),
        Connections = RpcComponentProperties.Connections(properties),
    };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid property.</summary>
    public void Validate()
    {
        if (string.IsNullOrWhiteSpace(Bind))
        {
            throw new ArgumentException("bind is required", nameof(Bind));
        }

        if (Port is < 0 or > 65535)
        {
            throw new ArgumentException($"port must be 0-65535 (got {Port})", nameof(Port));
        }

        if (MaxLineLength < 1)
        {
            throw new ArgumentException($"max-line-length must be at least 1 (got {MaxLineLength})", nameof(MaxLineLength));
        }

        Connections.Validate();
    }
}
