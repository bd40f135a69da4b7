namespace Flume.Logging.Rpc.Clients;

/// <summary>
/// <c>random</c>: each call tries the available hosts in a fresh uniformly random order, drawn with
/// <see cref="Random.Shuffle{T}(Span{T})"/> from the injected <see cref="Random"/>. Thread-safe.
/// </summary>
internal sealed class RandomHostOrder : IHostOrder
{
    private readonly Random _random;
    private readonly Lock _lock = new();

    /// <summary>Draws from <paramref name="random"/>, which is used by this instance only under its lock.</summary>
    internal RandomHostOrder(Random random)
    {
        _random = random;
    }

    /// <inheritdoc/>
    public void Order(Span<int> hosts)
    {
        lock (_lock)
        {
            _random.Shuffle(hosts);
        }
    }
}
