using System.Net;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Channels;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Relay.Sources;

/// <summary>
/// Flume's <c>netcatudp</c> source, like <c>nc -u -k -l</c>: each datagram becomes one event whose body is the
/// datagram up to its first newline (the rest is dropped, as Flume reads it), bytes as sent. An empty datagram is
/// an empty event. <c>remoteAddressHeader</c>, when set, names the sender as <c>/address:port</c>.
/// </summary>
internal sealed class NetcatUdpSource : UdpSource
{
    /// <summary>Flume's class name for this source type.</summary>
    public const string FlumeClass = "org.apache.flume.source.NetcatUdpSource";

    private readonly string? _remoteAddressHeader;

    public NetcatUdpSource(string name, NetcatUdpSourceOptions options, ChannelProcessor processor, TimeProvider timeProvider, ILoggerFactory loggerFactory)
        : base("netcatudp", name, options?.Bind ?? "", options?.Port ?? -1, processor, timeProvider, CreateLogger(loggerFactory))
    {
        ArgumentNullException.ThrowIfNull(options);
        _remoteAddressHeader = options.RemoteAddressHeader;
    }

    protected override ValueTask<FlumeEvent?> CreateEventAsync(ReadOnlyMemory<byte> datagram, IPEndPoint remote, DateTimeOffset now)
    {
        var body = FirstLine(datagram).ToArray();
        if (_remoteAddressHeader is null)
        {
            return ValueTask.FromResult<FlumeEvent?>(new FlumeEvent(body));
        }

        var address = remote.Address.IsIPv4MappedToIPv6 ? remote.Address.MapToIPv4() : remote.Address;
        var headers = new Dictionary<string, string>(1, StringComparer.Ordinal) { [_remoteAddressHeader] = $"/{address}:{remote.Port}" };
        return ValueTask.FromResult<FlumeEvent?>(new FlumeEvent(headers, body));
    }

    private static ILogger CreateLogger(ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        return loggerFactory.CreateLogger<NetcatUdpSource>();
    }
}
