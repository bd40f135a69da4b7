using Confluent.Kafka;

namespace Flume.Logging.Relay.Kafka;

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

    /// <summary>Once <see cref="AllSent"/> was called: records handed over and not reported yet.</summary>
    public int Unreported => Volatile.Read(ref _outstanding);

    /// <summary>Records that Kafka did not acknowledge.</summary>
    public int Failed => Volatile.Read(ref _failed);

    /// <summary>The first failure's reason.</summary>
    public string? FirstError => Volatile.Read(ref _firstError);

    /// <summary>Called once every record was handed over (or the batch was abandoned).</summary>
    public void AllSent() => Arrived();

    private void Sending() => Interlocked.Increment(ref _outstanding);

    private void NotSent() => Arrived();

    /// <summary>
    /// Hands <paramref name="message"/> to the producer as part of this batch, waiting while librdkafka's queue is
    /// full of records not yet acknowledged. Any other refusal is thrown as the producer threw it.
    /// </summary>
    public async ValueTask SendAsync(
        IProducer<string?, byte[]> producer, TopicPartition topicPartition, Message<string?, byte[]> message, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(producer);
        while (true)
        {
            Sending();
            try
            {
                producer.Produce(topicPartition, message, OnDelivered);
                return;
            }
            catch (ProduceException<string?, byte[]> e) when (e.Error.Code == ErrorCode.Local_QueueFull)
            {
                NotSent();
                await Task.Delay(10, cancellationToken);
            }
            catch
            {
                NotSent();
                throw;
            }
        }
    }

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
