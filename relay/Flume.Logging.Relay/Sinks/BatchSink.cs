using Flume.Logging.Protocol;
using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Metrics;

namespace Flume.Logging.Relay.Sinks;

/// <summary>
/// The transaction discipline every sink shares: take up to a batch in one transaction, deliver it, commit only
/// after delivery succeeded; on any failure roll back (the events return to the head of the channel) and rethrow
/// so the runner backs off. One runner calls a sink at a time, so the batch list is reused.
/// </summary>
internal abstract class BatchSink : ISink, IBatchSizeSupported, IMonitoredComponent
{
    private readonly List<FlumeEvent> _batch;

    protected BatchSink(string name, IChannel channel, int batchSize)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(batchSize, 1);
        Name = name;
        Channel = channel;
        BatchSize = batchSize;
        _batch = new List<FlumeEvent>(batchSize);
        Counter = new SinkCounter(name);
    }

    public string Name { get; }

    protected IChannel Channel { get; }

    public int BatchSize { get; }

    /// <summary>Flume's sink counters of this sink.</summary>
    public SinkCounter Counter { get; }

    CounterGroup IMonitoredComponent.Counters => Counter;

    public virtual Task StartAsync(CancellationToken cancellationToken)
    {
        Counter.Start();
        return Task.CompletedTask;
    }

    public virtual Task StopAsync(CancellationToken cancellationToken)
    {
        Counter.Stop();
        return Task.CompletedTask;
    }

    /// <inheritdoc cref="ISink.OnStopRequested"/>
    public virtual void OnStopRequested()
    {
    }

    public async ValueTask<SinkStatus> ProcessAsync(CancellationToken cancellationToken)
    {
        _batch.Clear();
        using var transaction = Channel.BeginTransaction();
        try
        {
            transaction.TakeBatch(_batch, BatchSize);

            if (_batch.Count > 0)
            {
                Counter.AddDrainAttempt(_batch.Count);
                await DeliverAsync(_batch, cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            Counter.AddDelivered(_batch.Count, BatchSize);
            return _batch.Count == 0 ? SinkStatus.Backoff : SinkStatus.Ready;
        }
        catch
        {
            transaction.Rollback();
            Counter.AddEventWriteFail(_batch.Count);
            throw;
        }
        finally
        {
            _batch.Clear();
        }
    }

    /// <summary>Delivers the batch, or throws; the batch is not kept after the call returns.</summary>
    protected abstract ValueTask DeliverAsync(IReadOnlyList<FlumeEvent> batch, CancellationToken cancellationToken);
}
