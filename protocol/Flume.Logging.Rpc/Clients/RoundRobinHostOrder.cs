namespace Flume.Logging.Rpc.Clients;

/// <summary>
/// <c>round_robin</c>: each call starts one host further along the available hosts than the call before, then
/// goes on in configured order, wrapping around. Thread-safe without locking.
/// </summary>
internal sealed class RoundRobinHostOrder : IHostOrder
{
    private uint _next;

    /// <inheritdoc/>
    public void Order(Span<int> hosts)
    {
        if (hosts.Length < 2)
        {
            return;
        }

        var start = (int)((Interlocked.Increment(ref _next) - 1) % (uint)hosts.Length);
        hosts[..start].Reverse();
        hosts[start..].Reverse();
        hosts.Reverse();
    }
}
