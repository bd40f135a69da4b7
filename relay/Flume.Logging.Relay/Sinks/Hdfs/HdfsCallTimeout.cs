namespace Flume.Logging.Relay.Sinks.Hdfs;

/// <summary>
/// Bounds each HDFS call by <c>hdfs.callTimeout</c> on the sink's clock, as Flume runs every call on its pool
/// with a timeout: a hung NameNode or DataNode then fails the batch instead of stalling the sink.
/// </summary>
internal sealed class HdfsCallTimeout(TimeSpan timeout, TimeProvider time)
{
    /// <summary>Runs <paramref name="call"/> named <paramref name="what"/>; a call that takes too long throws <see cref="TimeoutException"/>.</summary>
    public async Task<T> RunAsync<T>(string what, Func<CancellationToken, Task<T>> call, CancellationToken cancellationToken)
    {
        if (timeout <= TimeSpan.Zero)
        {
            return await call(cancellationToken).ConfigureAwait(false);
        }

        using var expiry = new CancellationTokenSource(timeout, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, expiry.Token);
        try
        {
            return await call(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException e) when (expiry.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            // The client's retry loop puts its last failure (e.g. connection refused) in the cancellation; say it.
            var cause = e.InnerException is { } last ? $"; the last attempt failed: {last.Message}" : string.Empty;
            throw new TimeoutException($"HDFS {what} took longer than hdfs.callTimeout ({timeout.TotalMilliseconds:F0} ms){cause}", e);
        }
    }

    /// <summary>As <see cref="RunAsync{T}"/> for a call without a result.</summary>
    public Task RunAsync(string what, Func<CancellationToken, Task> call, CancellationToken cancellationToken) =>
        RunAsync(what, async token =>
        {
            await call(token).ConfigureAwait(false);
            return true;
        }, cancellationToken);
}
