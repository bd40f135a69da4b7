using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Extensions;

/// <summary>
/// Flushes the Flume providers when a generic host has stopped (after every hosted service's StopAsync, so their last
/// log lines are included): an application that stops its host and exits without disposing it still delivers what it
/// logged. Bounded by each provider's ShutdownTimeout and by the host's own shutdown token, and cut short while every
/// relay is down: the provider's close (at the host's disposal, or at process exit) then buffers or counts what is left
/// within its own ShutdownTimeout, so an app whose relays are down does not wait twice.
/// </summary>
internal sealed class FlumeHostedFlush(IEnumerable<ILoggerProvider> providers) : IHostedLifecycleService
{
    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StoppedAsync(CancellationToken cancellationToken)
    {
        foreach (var provider in providers)
        {
            if (provider is FlumeLoggerProvider flume)
            {
                try
                {
                    await flume.FlushWhileReachableAsync(cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return;
                }
            }
        }
    }
}
