using System.Buffers.Binary;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Flume.Logging.Protocol;
using Flume.Logging.Rpc;
using Flume.Logging.Testing;
using Xunit.Abstractions;

namespace Flume.Logging.Relay.Cli.Tests;

/// <summary>
/// A relay under a connection flood: a thousand idle connections, then slowloris frames, while a real client
/// still gets its events acknowledged within the limits and the relay's memory stays bounded.
/// </summary>
public sealed class ConnectionFloodTests
{
    private const int IdleConnections = 1000;
    private const int SlowConnections = 200;
    private const int MaxConnections = 300;
    private static readonly TimeSpan IdleTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan Grace = TimeSpan.FromSeconds(2);
    private readonly ITestOutputHelper _output;

    public ConnectionFloodTests(ITestOutputHelper output)
    {
        _output = output;
    }

    private static string Config() => $"""
        {RelayConfigs.AvroSource()}
        a1.sources.r1.max-connections = {MaxConnections}
        a1.sources.r1.idle-timeout = {IdleTimeout.TotalSeconds}
        a1.sources.r1.min-data-rate = 240
        a1.sources.r1.min-data-rate-grace-period = {Grace.TotalSeconds}
        a1.channels.c1.type = memory
        a1.channels.c1.capacity = 10000
        a1.sinks.k1.type = null
        a1.sinks.k1.channel = c1
        """;

    private static long RssBytes(int pid)
    {
        foreach (var line in File.ReadLines($"/proc/{pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var kb = line["VmRSS:".Length..].Trim().Split(' ')[0];
                return long.Parse(kb, CultureInfo.InvariantCulture) * 1024;
            }
        }

        throw new InvalidOperationException($"no VmRSS in /proc/{pid}/status");
    }

    /// <summary>The highest RSS seen, sampled every 100 ms until cancelled.</summary>
    private static async Task<long> PeakRssAsync(int pid, CancellationToken cancellationToken)
    {
        var peak = RssBytes(pid);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(100), cancellationToken);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            peak = Math.Max(peak, RssBytes(pid));
        }

        return peak;
    }

    private static async Task<List<TcpClient>> OpenAsync(int port, int count)
    {
        var clients = new List<TcpClient>(count);
        for (var i = 0; i < count; i++)
        {
            var client = new TcpClient();
            clients.Add(client);
            try
            {
                // Connects even when refused: the kernel completes the handshake before the relay accepts and closes.
                await client.ConnectAsync("127.0.0.1", port).WaitAsync(TimeSpan.FromSeconds(5));
            }
            catch (Exception e) when (e is SocketException or TimeoutException)
            {
                // A full accept backlog drops a handshake; the flood goes on without that one.
            }
        }

        return clients;
    }

    private static async Task TrickleAsync(List<TcpClient> clients, TimeSpan duration, CancellationToken cancellationToken)
    {
        // A Netty frame header announcing 1000 bytes, then one byte a second per connection.
        var header = new byte[12];
        BinaryPrimitives.WriteInt32BigEndian(header, 1);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), 1);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(8), 1000);
        await SendToAllAsync(clients, header);
        var seconds = (int)duration.TotalSeconds;
        for (var second = 0; second < seconds && !cancellationToken.IsCancellationRequested; second++)
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            await SendToAllAsync(clients, [0]);
        }
    }

    private static async Task SendToAllAsync(List<TcpClient> clients, byte[] bytes)
    {
        foreach (var client in clients)
        {
            try
            {
                if (client.Connected)
                {
                    await client.GetStream().WriteAsync(bytes);
                }
            }
            catch (Exception e) when (e is IOException or SocketException or InvalidOperationException)
            {
                // Closed by the relay: what is expected of a slowloris peer.
            }
        }
    }

    private static async Task<TimeSpan> ServeRealClientAsync(int port, TimeSpan bound)
    {
        var watch = Stopwatch.StartNew();
        var attempt = 0;
        while (true)
        {
            var options = new RpcClientOptions { ConnectTimeout = TimeSpan.FromSeconds(2), RequestTimeout = TimeSpan.FromSeconds(2) };
            options.Hosts.Add(new RpcHost("relay", "127.0.0.1", port));
            await using var client = RpcClients.Create(options);
            try
            {
                await client.AppendBatchAsync([.. Enumerable.Range(0, 10).Select(i => FlumeEvent.FromText($"real-{attempt}-{i}"))]);
                return watch.Elapsed;
            }
            catch (EventDeliveryException) when (watch.Elapsed < bound)
            {
                // Refused at accept while the flood holds every slot; the idle timeout frees them.
                attempt++;
                await Task.Delay(TimeSpan.FromMilliseconds(200));
            }
        }
    }

    [Fact]
    public async Task A_flood_of_idle_and_slowloris_connections_leaves_a_real_client_served_within_the_limits_and_rss_growth_under_100_MB()
    {
        using var relay = await RelayProcess.StartRunningAsync(Config());
        var port = await relay.ListeningPortAsync("r1");
        var pid = relay.Process.Id;

        // Warm the serving path first, so the baseline includes it and growth is what the flood costs.
        await ServeRealClientAsync(port, TimeSpan.FromSeconds(10));
        var baseline = RssBytes(pid);

        using var stopSampling = new CancellationTokenSource();
        var sampling = PeakRssAsync(pid, stopSampling.Token);
        var idle = await OpenAsync(port, IdleConnections);
        var slow = await OpenAsync(port, SlowConnections);
        using var stopTrickle = new CancellationTokenSource();
        var trickle = TrickleAsync(slow, TimeSpan.FromSeconds(10), stopTrickle.Token);
        try
        {
            var served = await ServeRealClientAsync(port, TimeSpan.FromSeconds(15));
            _output.WriteLine($"real client served after {served.TotalSeconds:0.0} s");

            // Slots held by idle peers free after idle-timeout; slowloris peers after the grace period. Headroom for a
            // 2-core machine shared with other builds.
            Assert.True(served < IdleTimeout + Grace + TimeSpan.FromSeconds(6), $"served after {served}");
        }
        finally
        {
            await stopTrickle.CancelAsync();
            try
            {
                await trickle;
            }
            catch (OperationCanceledException)
            {
                // Stopped on purpose.
            }

            foreach (var client in idle.Concat(slow))
            {
                client.Dispose();
            }
        }

        await stopSampling.CancelAsync();
        var peak = await sampling;
        _output.WriteLine($"RSS baseline {baseline / 1048576.0:0.0} MB, peak {peak / 1048576.0:0.0} MB");
        Assert.True(peak - baseline < 100L * 1024 * 1024, $"RSS grew {(peak - baseline) / 1048576.0:0.0} MB");
        await Eventually.TrueAsync(() => relay.Process.CountLines("(max-connections)") >= 1, "refusals logged");
        await Eventually.TrueAsync(() => relay.Process.CountLines("closed for idle-timeout or min-data-rate") >= 1, "timeouts logged");

        // Rate-limited: one line per 10 s at most for each kind, not one per connection.
        Assert.InRange(relay.Process.CountLines("(max-connections)"), 1, 4);
        Assert.InRange(relay.Process.CountLines("closed for idle-timeout or min-data-rate"), 1, 4);
    }
}
