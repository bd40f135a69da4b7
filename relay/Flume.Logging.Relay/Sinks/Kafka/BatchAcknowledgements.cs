using Confluent.Kafka;

namespace Flume.Logging.Relay.Sinks.Kafka;

/// <summary>
/// Counts the acknowledgements of one batch of records: <see cref="Done"/> completes once every record sent has
/// been reported (acknowledged or failed) and <see cref="AllSent"/> was called. Reports arrive on librdkafka's thread.
/// </summary>
internal sealed class BatchAcknowledgements
{
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);

    // One more than the records in flight until all are handed over, so early reports cannot finish the batch.
    private int _outstanding = 1;
    private int _failed;
    private string? _firstError;

    public BatchAcknowledgements() => OnDelivered = Report;

    /// <summary>The delivery handler to give each record of this batch.</summary>
    public Action<DeliveryReport<string?, byte[]>> OnDelivered { get; }

    /// <summary>Completes when every record is reported.</summary>
    public Task Done => _done.Task;

    /// <summary>Records that Kafka did not acknowledge.</summary>
    public int Failed => Volatile.Read(ref _failed);

    /// <summary>The first failure's reason.</summary>
    public string? FirstError => Volatile.Read(ref _firstError);

    /// <summary>Called before a record is handed to the producer.</summary>
    public void Sending() => Interlocked.Increment(ref _outstanding);

    /// <summary>Called when the producer refused the record just counted by <see cref="Sending"/>.</summary>
    public void NotSent() => Arrived();

    /// <summary>Called once every record was handed over (or the batch was abandoned).</summary>
    public void AllSent() => Arrived();

    private void Report(DeliveryReport<string?, byte[]> report)
    {
        if (report.Error.IsError && Interlocked.Increment(ref _failed) == 1)
        {
            Volatile.Write(ref _firstError, $"{report.Error.Reason} (topic {report.Topic} partition {report.Partition.Value})");
        }

        Arrived();
    }

    private void Arrived()
    {
        if (Interlocked.Decrement(ref _outstanding) == 0)
        {
            _done.TrySetResult();
        }
    }
}
