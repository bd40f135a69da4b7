namespace Flume.Logging.Rpc;

/// <summary>
/// Kestrel-style limits of a listening source, so idle or trickling peers cannot exhaust the relay: how many
/// connections may be open, how long a connection may go without a complete frame, and how slowly a frame in
/// progress may arrive. Set by the relay-specific properties <c>max-connections</c>, <c>idle-timeout</c>,
/// <c>min-data-rate</c> and <c>min-data-rate-grace-period</c>, which no Flume source uses.
/// </summary>
public sealed class ConnectionLimits
{
    /// <summary>Default of <see cref="MaxConnections"/>.</summary>
    public const int DefaultMaxConnections = 4096;

    /// <summary>Default of <see cref="MinDataRate"/>, Kestrel's MinRequestBodyDataRate.</summary>
    public const double DefaultMinDataRate = 240;

    /// <summary>
    /// <c>max-connections</c>: most connections open at once; a connection accepted over it is closed at once, logged
    /// (at most one line per 10 s) and counted. 0 means unlimited. Default: 4096.
    /// </summary>
    public int MaxConnections { get; set; } = DefaultMaxConnections;

    /// <summary>
    /// <c>idle-timeout</c> (seconds): a connection that has completed no frame (event, line or request) while the
    /// relay waited this long on its peer is closed. Time the relay spends handling a request does not count.
    /// Zero turns it off. Default: 300 s, so a client that logs rarely keeps its connection between batches.
    /// </summary>
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromSeconds(300);

    /// <summary>
    /// <c>min-data-rate</c> (bytes per second): once a frame has begun and <see cref="MinDataRateGracePeriod"/> has
    /// passed, a peer whose frame has brought fewer bytes than this rate times the time waited is closed (Kestrel's
    /// MinRequestBodyDataRate). Zero turns it off. Default: 240.
    /// </summary>
    public double MinDataRate { get; set; } = DefaultMinDataRate;

    /// <summary>
    /// <c>min-data-rate-grace-period</c> (seconds): how long a frame may arrive at any rate before
    /// <see cref="MinDataRate"/> applies. Default: 5 s, as Kestrel's.
    /// </summary>
    public TimeSpan MinDataRateGracePeriod { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>Whether any per-connection clock is set, so the server needs to watch its connections at all.</summary>
    internal bool WatchesConnections => IdleTimeout > TimeSpan.Zero || MinDataRate > 0;

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid property.</summary>
    public void Validate()
    {
        if (MaxConnections < 0)
        {
            throw new ArgumentException($"max-connections {MaxConnections} must be 0 (unlimited) or more", nameof(MaxConnections));
        }

        if (IdleTimeout < TimeSpan.Zero)
        {
            throw new ArgumentException($"idle-timeout {IdleTimeout} must not be negative", nameof(IdleTimeout));
        }

        if (!double.IsFinite(MinDataRate) || MinDataRate < 0)
        {
            throw new ArgumentException($"min-data-rate {MinDataRate} must be 0 (off) or more", nameof(MinDataRate));
        }

        if (MinDataRateGracePeriod < TimeSpan.Zero)
        {
            throw new ArgumentException($"min-data-rate-grace-period {MinDataRateGracePeriod} must not be negative", nameof(MinDataRateGracePeriod));
        }
    }
}
