using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Flume.Logging.Protocol;
using Flume.Logging.Rpc;

namespace Flume.Logging.Testing;

/// <summary>Load for "nothing acknowledged is lost" tests: a client that records exactly what a relay accepted.</summary>
public static class AcknowledgedSender
{
    /// <summary>
    /// Sends batches of 50 fresh events (<c>evt-0000042</c>, numbered by <paramref name="nextId"/>) to the avro source
    /// on <paramref name="port"/> until <paramref name="stop"/> fires. A batch counts as acknowledged only when the
    /// relay answered OK; one without an answer is not counted (the relay may or may not have it), so nothing is
    /// acknowledged that the relay did not take.
    /// </summary>
    public static async Task SendUntilStoppedAsync(int port, ConcurrentDictionary<string, bool> acknowledged, Func<int> nextId, CancellationToken stop)
    {
        ArgumentNullException.ThrowIfNull(acknowledged);
        ArgumentNullException.ThrowIfNull(nextId);
        var options = new RpcClientOptions { BatchSize = 50, ConnectTimeout = TimeSpan.FromSeconds(1), RequestTimeout = TimeSpan.FromSeconds(3) };
        options.Hosts.Add(new RpcHost("relay", "127.0.0.1", port));
        await using var client = RpcClients.Create(options);
        while (!stop.IsCancellationRequested)
        {
            var batch = Enumerable.Range(0, 50)
                .Select(_ => FlumeEvent.FromText($"evt-{nextId().ToString("D7", CultureInfo.InvariantCulture)}"))
                .ToList();
            try
            {
                await client.AppendBatchAsync(batch, CancellationToken.None);
                foreach (var e in batch)
                {
                    acknowledged[Encoding.UTF8.GetString(e.Body.Span)] = true;
                }
            }
            catch (EventDeliveryException)
            {
                await Task.Delay(20, CancellationToken.None);
            }
        }
    }

    /// <summary>
    /// Sends as <see cref="SendUntilStoppedAsync"/> for <paramref name="sendFor"/>, then kills the relay with SIGKILL
    /// mid-load and waits for the sender to give up: one round of a crash test.
    /// </summary>
    public static async Task SendThenKillAsync(RelayProcess relay, int port, ConcurrentDictionary<string, bool> acknowledged, Func<int> nextId, TimeSpan sendFor)
    {
        ArgumentNullException.ThrowIfNull(relay);
        using var stopSending = new CancellationTokenSource();
        var sender = SendUntilStoppedAsync(port, acknowledged, nextId, stopSending.Token);
        await Task.Delay(sendFor);
        relay.Process.Kill();
        await stopSending.CancelAsync();
        await sender;
    }

    /// <summary>Waits until every acknowledged event has reached <paramref name="received"/>; returns the distinct bodies seen.</summary>
    public static async Task<HashSet<string>> WaitUntilAllArrivedAsync(RecordingReceiver received, ConcurrentDictionary<string, bool> acknowledged, TimeSpan timeout)
    {
        ArgumentNullException.ThrowIfNull(received);
        ArgumentNullException.ThrowIfNull(acknowledged);
        var arrived = new HashSet<string>(StringComparer.Ordinal);
        await Eventually.TrueAsync(
            () =>
            {
                arrived.UnionWith(received.Events.Select(e => Encoding.UTF8.GetString(e.Body.Span)));
                return acknowledged.Keys.All(arrived.Contains);
            },
            "every acknowledged event at the receiver",
            timeout);
        return arrived;
    }
}
