using System.Net;
using System.Net.Sockets;
using System.Text;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Config;
using Flume.Logging.Relay.Interceptors;
using Flume.Logging.Relay.Selectors;
using Flume.Logging.Relay.Sources;
using Flume.Logging.Relay.Sources.Syslog;
using Flume.Logging.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flume.Logging.Relay.Tests.Sources.Syslog;

/// <summary>The syslog and netcat UDP sources on 127.0.0.1, from socket to channel.</summary>
public sealed class SyslogSourceTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private static MemoryChannel Channel(int capacity) =>
        new("c1", new MemoryChannelOptions { Capacity = capacity, TransactionCapacity = capacity, KeepAlive = TimeSpan.Zero },
            TimeProvider.System, NullLogger<MemoryChannel>.Instance);

    private static ChannelProcessor Processor(IChannel channel) =>
        new(new ReplicatingChannelSelector([channel], []), [], NullLogger<ChannelProcessor>.Instance);

    private static List<FlumeEvent> Drain(IChannel channel)
    {
        var events = new List<FlumeEvent>();
        while (true)
        {
            using var tx = channel.BeginTransaction();
            if (tx.Take() is not { } e)
            {
                return events;
            }

            events.Add(e);
            tx.CommitAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
        }
    }

    /// <summary>Drains until <paramref name="count"/> events have come, within the timeout.</summary>
    private static async Task<List<FlumeEvent>> DrainAsync(IChannel channel, int count)
    {
        var events = new List<FlumeEvent>();
        await Eventually.TrueAsync(() => { events.AddRange(Drain(channel)); return events.Count >= count; }, $"{count} events", Timeout);
        return events;
    }

    private static string Body(FlumeEvent e) => Encoding.UTF8.GetString(e.Body.Span);

    private static async Task<SyslogTcpSource> StartTcpAsync(IChannel channel, SyslogTcpSourceOptions options, bool multiport = false)
    {
        var source = new SyslogTcpSource("r1", options, multiport, Processor(channel), TimeProvider.System, NullLoggerFactory.Instance);
        await source.StartAsync(CancellationToken.None);
        return source;
    }

    private static async Task SendTcpAsync(IPEndPoint endPoint, string text)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(endPoint);
        await client.GetStream().WriteAsync(Encoding.UTF8.GetBytes(text));
    }

    [Fact]
    public async Task Newline_and_octet_counted_messages_on_one_connection_become_events_with_the_client_address()
    {
        var channel = Channel(100);
        await using var source = await StartTcpAsync(channel, new SyslogTcpSourceOptions
        {
            Host = "127.0.0.1", Ports = [0], ClientIPHeader = "clientip", ClientHostnameHeader = "clientname",
        });

        await SendTcpAsync(source.LocalEndPoints[0], "<13>Dec  5 05:35:10 vm app: one\n7 <13>two<11>3 x\nnot syslog\n");

        var events = await DrainAsync(channel, 4);
        Assert.Equal(["app: one", "<13>two", "<11>3 x", "not syslog"], events.Select(Body));
        Assert.All(events, e => Assert.Equal("127.0.0.1", e.Headers["clientip"]));
        var name = (await Dns.GetHostEntryAsync(IPAddress.Loopback)).HostName;
        Assert.All(events, e => Assert.Equal(name, e.Headers["clientname"]));
        Assert.Equal("vm", events[0].Headers["host"]);
        Assert.Equal("Invalid", events[3].Headers[SyslogEventBuilder.StatusHeader]);
        await Eventually.TrueAsync(() => source.Counter.EventAcceptedCount == 4, "4 accepted", Timeout);
        Assert.Equal(4, source.Counter.EventReceivedCount);
    }

    [Fact]
    public async Task A_full_channel_pauses_the_connection_and_every_message_read_is_delivered_once_there_is_room()
    {
        const int total = 300;
        var channel = Channel(7);
        await using var source = await StartTcpAsync(channel, new SyslogTcpSourceOptions { Host = "127.0.0.1", Ports = [0] });
        var text = string.Concat(Enumerable.Range(0, total).Select(i => $"<13>Dec  5 05:35:10 vm app: m{i}\n"));

        var send = SendTcpAsync(source.LocalEndPoints[0], text);
        await Eventually.TrueAsync(() => source.Counter.ChannelWriteFail > 0, "the channel to refuse a batch", Timeout);
        var events = await DrainAsync(channel, total);
        await send;

        Assert.Equal(Enumerable.Range(0, total).Select(i => $"app: m{i}"), events.Select(Body));
        await Eventually.TrueAsync(() => source.Counter.EventAcceptedCount == total, "all accepted", Timeout);
    }

    [Fact]
    public async Task Multiport_listens_on_every_port_and_tags_events_with_the_port_and_its_charset()
    {
        var channel = Channel(100);
        var ascii = SyslogCharset.TryGet("US-ASCII", out _)!;
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var asciiPort = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        await using var source = await StartTcpAsync(channel, new SyslogTcpSourceOptions
        {
            Host = "127.0.0.1", Ports = [0, asciiPort], PortHeader = "port",
            PortCharsets = new Dictionary<int, SyslogCharset> { [asciiPort] = ascii },
        }, multiport: true);

        await SendTcpAsync(source.LocalEndPoints[0], "<13>Dec  5 05:35:10 vm app: caf\u00e9\n");
        var first = Assert.Single(await DrainAsync(channel, 1));
        await SendTcpAsync(source.LocalEndPoints[1], "<13>Dec  5 05:35:10 vm app: caf\u00e9\n");
        var second = Assert.Single(await DrainAsync(channel, 1));

        Assert.Equal("app: caf\u00e9", Body(first));
        Assert.Equal(source.LocalEndPoints[0].Port.ToString(System.Globalization.CultureInfo.InvariantCulture), first.Headers["port"]);
        Assert.False(first.Headers.ContainsKey(SyslogEventBuilder.StatusHeader));
        Assert.Equal("Invalid", second.Headers[SyslogEventBuilder.StatusHeader]);
        Assert.Equal("<13>Dec  5 05:35:10 vm app: caf\u00e9", Body(second));
        Assert.Equal(1, source.Counter.EventReadFail);
    }

    [Fact]
    public async Task Multiport_parses_with_Flumes_multiport_parser_and_frames_by_newline_only()
    {
        var channel = Channel(100);
        await using var source = await StartTcpAsync(channel, new SyslogTcpSourceOptions { Host = "127.0.0.1", Ports = [0], EventSize = 40 }, multiport: true);

        await SendTcpAsync(
            source.LocalEndPoints[0],
            "<13>1 - - app - - nil\r\n7 <13>two\n<13>Dec  5 05:35:10 vm app: a line longer than forty bytes\nno priority\n");

        var events = await DrainAsync(channel, 5);
        Assert.Equal(["app - - nil\r", "7 <13>two", "app: a line longe", "r than forty bytes", "no priority"], events.Select(Body));
        Assert.Equal("-", events[0].Headers["host"]);
        Assert.True(events[0].Headers.ContainsKey("timestamp"));
        Assert.Equal("Invalid", events[1].Headers[SyslogEventBuilder.StatusHeader]);
        Assert.Equal("Incomplete", events[2].Headers[SyslogEventBuilder.StatusHeader]);
        Assert.Equal("vm", events[2].Headers["host"]);
        Assert.Equal(["flume.syslog.status"], events[3].Headers.Keys);
        Assert.Equal(["flume.syslog.status"], events[4].Headers.Keys);
    }

    [Fact]
    public async Task Syslog_UDP_makes_one_event_per_datagram_and_counts_what_a_full_channel_drops()
    {
        var channel = Channel(2);
        await using var source = new SyslogUdpSource(
            "r1", new SyslogUdpSourceOptions { Host = "127.0.0.1", Port = 0, ClientIPHeader = "ip" }, Processor(channel), TimeProvider.System, NullLoggerFactory.Instance);
        await source.StartAsync(CancellationToken.None);
        using var client = new UdpClient(AddressFamily.InterNetwork);

        for (var i = 0; i < 5; i++)
        {
            await client.SendAsync(Encoding.UTF8.GetBytes($"<165>1 2003-10-11T22:14:15.003Z mymachine app - - msg{i}\ndropped tail"), source.LocalEndPoint);
            await Eventually.TrueAsync(() => source.Counter.EventReceivedCount == i + 1, $"datagram {i}", Timeout);
        }

        var events = Drain(channel);
        Assert.Equal(["app - - msg0", "app - - msg1"], events.Select(Body));
        Assert.Equal("20", events[0].Headers["Facility"]);
        Assert.Equal("127.0.0.1", events[0].Headers["ip"]);
        Assert.Equal(2, source.Counter.EventAcceptedCount);
        Assert.Equal(3, source.Counter.ChannelWriteFail);
    }

    [Fact]
    public async Task Netcat_UDP_takes_each_datagrams_first_line_and_names_the_sender_as_Java_prints_it()
    {
        var channel = Channel(100);
        await using var source = new NetcatUdpSource(
            "r1", new NetcatUdpSourceOptions { Bind = "127.0.0.1", Port = 0, RemoteAddressHeader = "from" }, Processor(channel), TimeProvider.System, NullLoggerFactory.Instance);
        await source.StartAsync(CancellationToken.None);
        using var client = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));

        await client.SendAsync("hello\nnot this"u8.ToArray(), source.LocalEndPoint);
        await client.SendAsync(Array.Empty<byte>(), source.LocalEndPoint);

        var events = await DrainAsync(channel, 2);
        Assert.Equal(["hello", ""], events.Select(Body));
        Assert.Equal($"/127.0.0.1:{((IPEndPoint)client.Client.LocalEndPoint!).Port}", events[0].Headers["from"]);
    }

    [Fact]
    public async Task A_UDP_burst_beyond_the_channels_transactionCapacity_is_stored_one_datagram_at_a_time_as_in_Flume()
    {
        // The first datagram's commit is held, so the next 20 wait in the socket and are read as one batch.
        var channel = new MemoryChannel("c1", new MemoryChannelOptions { Capacity = 100, TransactionCapacity = 5, KeepAlive = TimeSpan.Zero },
            TimeProvider.System, NullLogger<MemoryChannel>.Instance);
        using var gate = new HoldFirstEvent();
        var processor = new ChannelProcessor(new ReplicatingChannelSelector([channel], []), [gate], NullLogger<ChannelProcessor>.Instance);
        await using var source = new NetcatUdpSource("r1", new NetcatUdpSourceOptions { Bind = "127.0.0.1", Port = 0 }, processor, TimeProvider.System, NullLoggerFactory.Instance);
        await source.StartAsync(CancellationToken.None);
        using var client = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));

        await client.SendAsync("first"u8.ToArray(), source.LocalEndPoint);
        Assert.True(gate.Held.Wait(Timeout), "the first datagram never reached the channel processor");
        var burst = Enumerable.Range(1, 20).Select(i => $"burst {i}").ToList();
        foreach (var line in burst)
        {
            await client.SendAsync(Encoding.ASCII.GetBytes(line), source.LocalEndPoint);
        }

        // A datagram sent on loopback is in the receiving socket's buffer once the send returns.
        gate.Release.Set();

        var events = await DrainAsync(channel, 21);
        Assert.Equal(["first", .. burst], events.Select(Body));
        Assert.Equal(0, source.Counter.ChannelWriteFail);
    }

    [Theory]
    [InlineData("keepFields", "hostname hots", "a1.sources.r1.keepFields 'hots' is not a field")]
    [InlineData("charset.default", "UTF-16", "a1.sources.r1.charset.default 'UTF-16' is not supported")]
    [InlineData("charset.port.x1", "UTF-8", "a1.sources.r1.charset.port.x1 names no port")]
    [InlineData("ports", "514 five", "a1.sources.r1.ports must be space-separated ports 0-65535 ('five' is not)")]
    [InlineData("ssl", "true", "a1.sources.r1.keystore is required when ssl = true")]
    public void Bad_multiport_properties_are_refused_naming_the_key(string key, string value, string message)
    {
        var properties = new Dictionary<string, string> { ["host"] = "127.0.0.1", ["ports"] = "0", [key] = value };

        var error = Assert.Throws<ConfigurationException>(() => SyslogTcpSourceOptions.From(new ComponentContext("r1", "a1.sources.r1.", properties), multiport: true));

        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Multiport_properties_take_Flumes_defaults()
    {
        var options = SyslogTcpSourceOptions.From(
            new ComponentContext("r1", "a1.sources.r1.", new Dictionary<string, string> { ["host"] = "0.0.0.0", ["ports"] = "10001 10002 10003", ["charset.port.10002"] = "ISO-8859-1" }),
            multiport: true);

        Assert.Equal([10001, 10002, 10003], options.Ports);
        Assert.Equal(2500, options.EventSize);
        Assert.Equal(100, options.BatchSize);
        Assert.Equal(1024, options.ReadBufferSize);
        Assert.Equal(SyslogFields.None, options.KeepFields);
        Assert.Equal("UTF-8", options.DefaultCharset.Name);
        Assert.Equal("ISO-8859-1", options.PortCharsets[10002].Name);
    }

    /// <summary>Holds the source's first event until released, as a slow channel would.</summary>
    private sealed class HoldFirstEvent : IInterceptor, IDisposable
    {
        private int _seen;

        public ManualResetEventSlim Held { get; } = new();

        public ManualResetEventSlim Release { get; } = new();

        public FlumeEvent? Intercept(FlumeEvent flumeEvent)
        {
            if (Interlocked.Increment(ref _seen) == 1)
            {
                Held.Set();
                Release.Wait(Timeout);
            }

            return flumeEvent;
        }

        public void Dispose()
        {
            Held.Dispose();
            Release.Dispose();
        }
    }
}
