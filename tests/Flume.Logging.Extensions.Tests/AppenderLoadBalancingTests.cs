using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Flume.Logging.Testing;

namespace Flume.Logging.Extensions.Tests;

/// <summary>
/// The example app load-balancing over three relays, one of which is killed mid-run and restarted later: every
/// line arrives, and the dead relay is backed off rather than hammered. The relays keep their events in file
/// channels, so what the killed one acknowledged survives.
/// </summary>
public sealed class AppenderLoadBalancingTests
{
    private const int Lines = 1_000_000;

    private static string AppDll => Path.Combine(AppContext.BaseDirectory, "ExtensionsLoggingApp.dll");

    [Fact]
    public async Task Every_line_arrives_when_one_of_three_relays_dies_mid_run_and_comes_back()
    {
        await using var relays = await FileChannelRelays.StartAsync(3);
        var received = relays.Received;
        var environment = new Dictionary<string, string>
        {
            ["Logging__Flume__Hosts"] = relays.Hosts,
            ["Logging__Flume__MaxBackoff"] = "00:00:05",

            // A million lines from one tight loop outrun any network: this app opts in to wait for room rather than
            // drop (Block never waits while every relay is down, and here two stay up).
            ["Logging__Flume__Overflow"] = "Block",
            ["Logging__Flume__BlockTimeout"] = "00:00:05",
        };
        using var app = PeerProcess.Start(RelayProcess.DotnetHost, [AppDll, Lines.ToString(CultureInfo.InvariantCulture)], AppContext.BaseDirectory, environment);

        await Eventually.TrueAsync(() => received.Events.Count >= 30_000, "the first lines at the receiver", TimeSpan.FromSeconds(60));
        relays.Kill(1);

        // While it is down, its port counts the app's attempts: each connection is accepted and closed at once,
        // so every attempt fails as it would against a crashed relay.
        var (attempts, deliveredMeanwhile) = await CountAttemptsAsync(relays.Ports[1], received, TimeSpan.FromSeconds(3));
        Assert.False(app.HasExited, "the app was still logging while the relay was down");
        Assert.True(deliveredMeanwhile > 1_000, $"only {deliveredMeanwhile} lines were delivered while the relay was down");

        // Backoff doubles from 1 s (capped by MaxBackoff): within 3 s that is at most about 3 attempts, where an
        // app without backoff would try the dead relay for every third of thousands of batches.
        Assert.True(attempts is >= 1 and <= 5, $"{attempts} attempts on the dead relay within 3 s");
        await relays.RestartAsync(1);

        await app.WaitForSuccessAsync(TimeSpan.FromSeconds(120));
        Assert.DoesNotContain("dropped", app.Output, StringComparison.Ordinal);
        await Eventually.TrueAsync(
            () => received.Events.Count >= Lines && received.Events.Select(e => Encoding.UTF8.GetString(e.Body.Span)).Distinct().Count() == Lines,
            "every line at the receiver",
            TimeSpan.FromSeconds(60));
        var bodies = received.Events.Select(e => Encoding.UTF8.GetString(e.Body.Span)).ToHashSet();
        Assert.All(Enumerable.Range(1, Lines), i => Assert.Contains($"line {i} of {Lines}", bodies));
    }

    /// <summary>Listens on a dead relay's port for <paramref name="window"/>, counting connections and refusing service.</summary>
    private static async Task<(int Attempts, int DeliveredMeanwhile)> CountAttemptsAsync(int port, RecordingReceiver received, TimeSpan window)
    {
        var attempts = 0;
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Start();
        using var stop = new CancellationTokenSource();
        var accepting = Task.Run(async () =>
        {
            try
            {
                while (true)
                {
                    using var connection = await listener.AcceptTcpClientAsync(stop.Token);
                    Interlocked.Increment(ref attempts);
                    connection.Client.LingerState = new LingerOption(enable: true, seconds: 0);
                }
            }
            catch (OperationCanceledException)
            {
                // The window is over.
            }
        });
        var before = received.Events.Count;
        await Task.Delay(window);
        await stop.CancelAsync();
        await accepting;
        listener.Stop();
        return (Volatile.Read(ref attempts), received.Events.Count - before);
    }
}
