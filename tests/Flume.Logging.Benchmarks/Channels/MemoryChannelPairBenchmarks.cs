using BenchmarkDotNet.Attributes;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Channels;

namespace Flume.Logging.Benchmarks.Channels;

/// <summary>
/// A producer and a consumer on their own threads through one memory channel of Flume's sizes (capacity 1000,
/// transactions of 100): the producer commits batches of 100, the consumer takes up to 100 per transaction and
/// waits when the channel is empty, as a sink runner does. Reports the cost per event moved.
/// </summary>
[MemoryDiagnoser]
public class MemoryChannelPairBenchmarks
{
    private const int BatchesPerInvocation = 100;
    private const int EventsPerInvocation = BatchesPerInvocation * Batches.Size;
    private static readonly TimeSpan EmptyWait = TimeSpan.FromSeconds(1);

    private MemoryChannel _channel = null!;
    private FlumeEvent[] _events = [];

    /// <summary>Builds the channel.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _events = Batches.Create(0);
        _channel = ChannelFill.CreateChannel(10 * Batches.Size);
    }

    /// <summary>Moves 100 batches from the producer to the consumer; returns the events the consumer took.</summary>
    [Benchmark(OperationsPerInvoke = EventsPerInvocation)]
    public async Task<int> ProducerConsumer()
    {
        var producer = Task.Run(ProduceAsync);
        var consumer = Task.Run(() => ConsumeAsync(producer));
        await Task.WhenAll(producer, consumer);
        var taken = await consumer;
        return taken == EventsPerInvocation
            ? taken
            : throw new InvalidOperationException($"the consumer took {taken} of {EventsPerInvocation} events");
    }

    private async Task ProduceAsync()
    {
        for (var b = 0; b < BatchesPerInvocation; b++)
        {
            using var transaction = _channel.BeginTransaction();
            foreach (var flumeEvent in _events)
            {
                transaction.Put(flumeEvent);
            }

            await transaction.CommitAsync(CancellationToken.None);
        }
    }

    private async Task<int> ConsumeAsync(Task producer)
    {
        var taken = 0;
        while (taken < EventsPerInvocation)
        {
            var got = 0;
            using (var transaction = _channel.BeginTransaction())
            {
                while (got < Batches.Size && transaction.Take() is not null)
                {
                    got++;
                }

                await transaction.CommitAsync(CancellationToken.None);
            }

            taken += got;
            if (got == 0)
            {
                // A failed producer would otherwise leave the consumer waiting for events that never come.
                if (producer.IsCompleted && _channel.Size == 0)
                {
                    break;
                }

                await _channel.WaitForEventsAsync(EmptyWait, CancellationToken.None);
            }
        }

        return taken;
    }
}
