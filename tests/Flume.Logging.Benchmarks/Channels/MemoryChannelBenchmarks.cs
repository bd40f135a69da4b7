using BenchmarkDotNet.Attributes;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Channels;

namespace Flume.Logging.Benchmarks.Channels;

/// <summary>
/// The memory channel on one thread: a source's transaction (put 100, commit) and a sink's (take 100, commit).
/// Each iteration starts from a channel emptied (puts) or filled (takes) outside the measurement.
/// </summary>
[MemoryDiagnoser]
[InvocationCount(ChannelFill.InvocationsPerIteration)]
public class MemoryChannelBenchmarks
{
    private MemoryChannel _channel = null!;
    private FlumeEvent[] _events = [];

    /// <summary>Builds a channel big enough for one iteration's batches.</summary>
    [GlobalSetup]
    public void Setup()
    {
        _events = Batches.Create(0);
        _channel = ChannelFill.CreateChannel(ChannelFill.InvocationsPerIteration * Batches.Size);
    }

    /// <summary>Empties the channel before the put benchmark's iterations.</summary>
    [IterationSetup(Target = nameof(PutCommit))]
    public void Empty() => ChannelFill.Drain(_channel);

    /// <summary>Fills the channel with one iteration's batches before the take benchmark's iterations.</summary>
    [IterationSetup(Target = nameof(TakeCommit))]
    public void Fill()
    {
        ChannelFill.Drain(_channel);
        ChannelFill.Fill(_channel, _events, ChannelFill.InvocationsPerIteration);
    }

    /// <summary>One put transaction of 100 events.</summary>
    [Benchmark(OperationsPerInvoke = Batches.Size)]
    public async ValueTask PutCommit()
    {
        using var transaction = _channel.BeginTransaction();
        foreach (var flumeEvent in _events)
        {
            transaction.Put(flumeEvent);
        }

        await transaction.CommitAsync(CancellationToken.None);
    }

    /// <summary>One take transaction of 100 events; returns how many it took.</summary>
    [Benchmark(OperationsPerInvoke = Batches.Size)]
    public async ValueTask<int> TakeCommit()
    {
        using var transaction = _channel.BeginTransaction();
        var taken = 0;
        while (taken < Batches.Size && transaction.Take() is not null)
        {
            taken++;
        }

        await transaction.CommitAsync(CancellationToken.None);
        return taken;
    }
}
