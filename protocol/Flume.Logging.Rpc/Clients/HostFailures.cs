using System.Globalization;

namespace Flume.Logging.Rpc.Clients;

/// <summary>What happened at each host during one call, turned into the exception when no host took the events.</summary>
internal sealed class HostFailures
{
    private readonly List<string> _lines = [];
    private readonly List<Exception> _causes = [];

    /// <summary>Records that <paramref name="host"/> was tried and failed with <paramref name="cause"/>.</summary>
    internal void Failed(RpcHost host, Exception cause)
    {
        _lines.Add($"{host}: {cause.Message}");
        _causes.Add(cause);
    }

    /// <summary>Records that <paramref name="host"/> was not tried because it is backed off.</summary>
    internal void Skipped(RpcHost host, TimeSpan remaining) =>
        _lines.Add(string.Create(CultureInfo.InvariantCulture, $"{host}: backed off for {remaining.TotalSeconds:0.###} s more"));

    /// <summary>
    /// The exception for a call of <paramref name="eventCount"/> events that no host accepted, telling the caller
    /// to wait <paramref name="retryAfter"/> before the next call can reach a host.
    /// </summary>
    internal EventDeliveryException ToException(int eventCount, TimeSpan retryAfter)
    {
        var what = eventCount == 1 ? "1 event" : string.Create(CultureInfo.InvariantCulture, $"{eventCount} events");
        var hosts = string.Join("; ", _lines);
        return _causes.Count == 0
            ? new EventDeliveryException($"Could not deliver {what}: every host is backed off ({hosts})") { RetryAfter = retryAfter }
            : new EventDeliveryException(
                string.Create(CultureInfo.InvariantCulture, $"Could not deliver {what} after {_causes.Count} attempt(s): {hosts}"),
                new AggregateException(_causes)) { RetryAfter = retryAfter };
    }
}
