namespace Flume.Logging.Relay;

/// <summary>
/// A source or sink that puts or takes up to <see cref="BatchSize"/> events in one channel transaction (Flume's
/// <c>BatchSizeSupported</c>). The agent refuses a configuration where that batch exceeds the transaction capacity of
/// a channel the component uses, because such a batch could never commit.
/// </summary>
public interface IBatchSizeSupported
{
    /// <summary>Most events the component puts or takes in one transaction.</summary>
    int BatchSize { get; }
}
