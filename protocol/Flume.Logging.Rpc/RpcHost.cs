using System.Globalization;

namespace Flume.Logging.Rpc;

/// <summary>A named <c>host:port</c> target, as in Flume's <c>hosts.h1 = host:port</c>.</summary>
/// <param name="Name">The alias used in configuration and log lines (for example <c>h1</c>).</param>
/// <param name="Host">Host name or IP address.</param>
/// <param name="Port">TCP port.</param>
public sealed record RpcHost(string Name, string Host, int Port)
{
    /// <summary>Parses <c>host:port</c> (IPv6 as <c>[::1]:port</c>). Throws <see cref="FormatException"/> naming the text.</summary>
    public static RpcHost Parse(string name, string hostAndPort)
    {
        ArgumentNullException.ThrowIfNull(hostAndPort);
        var text = hostAndPort.Trim();
        var colon = text.LastIndexOf(':');
        if (colon <= 0 || colon == text.Length - 1)
        {
            throw new FormatException($"'{hostAndPort}' is not host:port");
        }

        var host = text[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }

        if (!int.TryParse(text.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new FormatException($"'{hostAndPort}' has no valid port (1-65535)");
        }

        return new RpcHost(name, host, port);
    }

    /// <inheritdoc/>
    public override string ToString() => $"{Name} ({Host}:{Port})";
}
