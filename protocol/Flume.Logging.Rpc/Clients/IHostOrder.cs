namespace Flume.Logging.Rpc.Clients;

/// <summary>Orders the hosts a load-balancing client tries for one call (Flume's host selector).</summary>
internal interface IHostOrder
{
    /// <summary>Reorders <paramref name="hosts"/> (indices of the hosts available now) in place, in trying order.</summary>
    void Order(Span<int> hosts);
}
