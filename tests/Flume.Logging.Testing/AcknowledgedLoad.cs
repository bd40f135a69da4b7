using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using Flume.Logging.Protocol;
using Flume.Logging.Rpc;

namespace Flume.Logging.Testing;

/// <summary>The load of the crash tests: fresh numbered events sent to an avro source, recording what it acknowledged.</summary>
public static class AcknowledgedLoad
{
    /// <summary>
    /// Sends batches of 50 fresh events (<c>evt-0000001</c> ...) until <paramref name="stop"/>; a batch counts as
    /// acknowledged only when the relay answered OK. A batch without an answer is not counted (the relay may or may
    /// not have it), and its numbers are not used again, so nothing is acknowledged twice as new.
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
}
