using System.Net;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Channels;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Relay.Sources.Syslog;

/// <summary>
/// Flume's <c>syslogudp</c> source: each datagram is one syslog message (up to its first newline, as Flume reads
/// it), parsed into Flume's syslog headers. An empty datagram makes no event and counts as a read failure.
/// </summary>
internal sealed class SyslogUdpSource : UdpSource
{
    /// <summary>Flume's class name for this source type.</summary>
    public const string FlumeClass = "org.apache.flume.source.SyslogUDPSource";

    private readonly SyslogUdpSourceOptions _options;
    private readonly SyslogClientHeaders _clientHeaders;

    public SyslogUdpSource(string name, SyslogUdpSourceOptions options, ChannelProcessor processor, TimeProvider timeProvider, ILoggerFactory loggerFactory)
        : base("syslogudp", name, options?.Host ?? "", options?.Port ?? -1, processor, timeProvider, CreateLogger(loggerFactory))
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options;
        _clientHeaders = new SyslogClientHeaders(options.ClientIPHeader, options.ClientHostnameHeader);
    }

    protected override async ValueTask<FlumeEvent?> CreateEventAsync(ReadOnlyMemory<byte> datagram, IPEndPoint remote, DateTimeOffset now)
    {
        // Flume skips newlines before the message, then reads up to the next one.
        var start = datagram.Span.IndexOfAnyExcept((byte)'\n');
        if (start < 0)
        {
            return null;
        }

        var line = FirstLine(datagram[start..]);
        var extra = _clientHeaders.IsEmpty ? [] : await _clientHeaders.ForAsync(remote, portHeader: null, localPort: 0);
        return SyslogEventBuilder.Build(line.Span, incomplete: false, _options.KeepFields, now, TimeProvider.LocalTimeZone, extra);
    }

    private static ILogger CreateLogger(ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(loggerFactory);
        return loggerFactory.CreateLogger<SyslogUdpSource>();
    }
}
