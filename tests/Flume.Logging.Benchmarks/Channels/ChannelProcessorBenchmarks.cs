using BenchmarkDotNet.Attributes;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Interceptors;
using Flume.Logging.Relay.Selectors;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flume.Logging.Benchmarks.Channels;

/// <summary>
/// A source's hot path after decoding: <see cref="ChannelProcessor.ProcessBatchAsync"/> of 100 events through the
/// replicating selector into one memory channel, emptied outside the measurement before each iteration.
/// </summary>
[MemoryDiagnoser]
[InvocationCount(ChannelFill.InvocationsPerIteration)]
public class ChannelProcessorBenchmarks
{
    private MemoryChannel _channel = null!;
    private ChannelProcessor _processor = null!;
    private FlumeEvent[] _events = [];

    /// <summary>Headers per event.</summary>
    [Params(0, 3)]
    public int Headers { get; set; }

    /// <summary>Builds the processor over a channel big enough for one iteration's batches.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _events = Batches.Create(Headers);
        _channel = ChannelFill.CreateChannel(ChannelFill.InvocationsPerIteration * Batches.Size);
        _processor = new ChannelProcessor(
            new ReplicatingChannelSelector([_channel], []),
            Array.Empty<IInterceptor>(),
            NullLogger<ChannelProcessor>.Instance);
    }

    /// <summary>Empties the channel.</summary>
    [IterationSetup]
    public void Empty() => ChannelFill.Drain(_channel);

    /// <summary>Processes one batch of 100 events.</summary>
    [Benchmark(OperationsPerInvoke = Batches.Size)]
    public ValueTask ProcessBatch() => _processor.ProcessBatchAsync(_events, CancellationToken.None);
}
