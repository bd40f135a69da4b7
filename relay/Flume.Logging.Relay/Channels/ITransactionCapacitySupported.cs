namespace Flume.Logging.Relay.Channels;

/// <summary>
/// A channel whose transactions hold at most <see cref="TransactionCapacity"/> events (Flume's
/// <c>TransactionCapacitySupported</c>); see <see cref="IBatchSizeSupported"/>.
/// </summary>
public interface ITransactionCapacitySupported
{
    /// <summary>Most events one transaction may put or take.</summary>
    int TransactionCapacity { get; }
}
