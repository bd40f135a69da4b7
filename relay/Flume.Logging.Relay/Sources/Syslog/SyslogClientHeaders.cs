using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Flume.Logging.Relay.Sources.Syslog;

/// <summary>
/// The per-client headers of Flume's syslog sources: <c>clientIPHeader</c> (the address, as Java's
/// <c>getHostAddress</c>), <c>clientHostnameHeader</c> (a reverse lookup, the address when that fails, as Java's
/// <c>getHostName</c>) and the multiport source's <c>portHeader</c>. Reverse lookups are cached: they cost a DNS
/// round trip, and UDP would otherwise pay it for every datagram.
/// </summary>
internal sealed class SyslogClientHeaders
{
    private const int MaxCachedNames = 1024;

    private readonly string? _ipHeader;
    private readonly string? _hostnameHeader;
    private readonly ConcurrentDictionary<IPAddress, string> _names = new();

    public SyslogClientHeaders(string? ipHeader, string? hostnameHeader)
    {
        _ipHeader = ipHeader;
        _hostnameHeader = hostnameHeader;
    }

    /// <summary>The headers for a client at <paramref name="remote"/>, plus the port header when given.</summary>
    public async ValueTask<KeyValuePair<string, string>[]> ForAsync(IPEndPoint? remote, string? portHeader, int localPort)
    {
        var headers = new List<KeyValuePair<string, string>>(3);
        if (portHeader is not null)
        {
            headers.Add(new(portHeader, localPort.ToString(CultureInfo.InvariantCulture)));
        }

        if (_ipHeader is not null)
        {
            headers.Add(new(_ipHeader, remote is null ? "" : Address(remote.Address)));
        }

        if (_hostnameHeader is not null)
        {
            headers.Add(new(_hostnameHeader, remote is null ? "" : await HostNameAsync(remote.Address)));
        }

        return [.. headers];
    }

    /// <summary>True when no client header is configured, so callers can skip the lookup entirely.</summary>
    public bool IsEmpty => _ipHeader is null && _hostnameHeader is null;

    private static string Address(IPAddress address) =>
        (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();

    private async ValueTask<string> HostNameAsync(IPAddress address)
    {
        if (_names.TryGetValue(address, out var cached))
        {
            return cached;
        }

        string name;
        try
        {
            name = (await Dns.GetHostEntryAsync(address)).HostName;
        }
        catch (SocketException)
        {
            name = Address(address);
        }

        if (_names.Count >= MaxCachedNames)
        {
            _names.Clear();
        }

        _names[address] = name;
        return name;
    }
}
