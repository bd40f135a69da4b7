using Flume.Logging.Protocol;
using Flume.Logging.Relay.Channels;

namespace Flume.Logging.Relay.Tests.Sources.Spooling;

/// <summary>
/// A channel that passes everything to another and counts commits begun, so a test knows a commit is in flight;
/// with <paramref name="commitGate"/>, each commit also waits for that task, so a test sees what happens before it ends.
/// </summary>
internal sealed class CommitCountingChannel(IChannel inner, Task? commitGate = null) : IChannel
{
    private readonly Task? _commitGate = commitGate;
    private int _commitsStarted;

    public int CommitsStarted => Volatile.Read(ref _commitsStarted);

    public string Name => inner.Name;

    public IChannelTransaction BeginTransaction() => new Transaction(this, inner.BeginTransaction());

    public ValueTask WaitForEventsAsync(TimeSpan timeout, CancellationToken cancellationToken) => inner.WaitForEventsAsync(timeout, cancellationToken);

    public Task StartAsync(CancellationToken cancellationToken) => inner.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => inner.StopAsync(cancellationToken);

    private sealed class Transaction(CommitCountingChannel owner, IChannelTransaction inner) : IChannelTransaction
    {
        public void Put(FlumeEvent flumeEvent) => inner.Put(flumeEvent);

        public FlumeEvent? Take() => inner.Take();

        public async ValueTask CommitAsync(CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref owner._commitsStarted);
            if (owner._commitGate is { } gate)
            {
                await gate.WaitAsync(cancellationToken);
            }

            await inner.CommitAsync(cancellationToken);
        }

        public void Rollback() => inner.Rollback();

        public void Dispose() => inner.Dispose();
    }
}
