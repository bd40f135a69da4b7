using Flume.Logging.Protocol;
using Flume.Logging.Relay.Channels;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flume.Logging.Benchmarks.Channels;

/// <summary>
/// Sets a memory channel's level between measured iterations, so puts never wait for room and takes never find
/// the channel empty while the clock runs.
/// </summary>
internal static class ChannelFill
{
    /// <summary>
    /// Invocations in each measured iteration of a benchmark that fills or empties a channel by one batch each time:
    /// enough for the 100 ms iterations BenchmarkDotNet asks for, and one iteration's batches (4 million
    /// references to the same 100 events) still fit in memory easily.
    /// </summary>
    public const int InvocationsPerIteration = 40_000;

    /// <summary>A memory channel holding every batch of one iteration, with byte capacity unbounded.</summary>
    public static MemoryChannel CreateChannel(int capacity) =>
        new(
            "c1",
            new MemoryChannelOptions { Capacity = capacity, TransactionCapacity = Batches.Size, ByteCapacity = 0 },
            TimeProvider.System,
            NullLogger<MemoryChannel>.Instance);

    /// <summary>Takes and commits everything in the channel.</summary>
    public static void Drain(MemoryChannel channel)
    {
        while (channel.Size > 0)
        {
            using var transaction = channel.BeginTransaction();
            var taken = 0;
            while (taken < Batches.Size && transaction.Take() is not null)
            {
                taken++;
            }

            Complete(transaction.CommitAsync(CancellationToken.None));
        }
    }

    /// <summary>Puts and commits <paramref name="batches"/> copies of <paramref name="events"/>.</summary>
    public static void Fill(MemoryChannel channel, FlumeEvent[] events, int batches)
    {
        for (var b = 0; b < batches; b++)
        {
            using var transaction = channel.BeginTransaction();
            foreach (var flumeEvent in events)
            {
                transaction.Put(flumeEvent);
            }

            Complete(transaction.CommitAsync(CancellationToken.None));
        }
    }

    // Setup runs outside the measured code and must finish before the iteration starts; with room in the channel
    // a commit never waits, so this does not block.
    private static void Complete(ValueTask commit) => commit.AsTask().GetAwaiter().GetResult();
}
