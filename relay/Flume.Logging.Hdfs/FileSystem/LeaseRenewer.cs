using Microsoft.Extensions.Logging;

namespace Flume.Logging.Hdfs.FileSystem;

/// <summary>
/// Keeps a client's leases alive while it has files open for writing. The NameNode lets another client take over a
/// file whose writer has not renewed for the soft limit (60 s), so, as Hadoop's client does, this renews every half of
/// that while any file is open, and retries a failed renewal every second until one succeeds: a NameNode that is
/// briefly away (a failover) must not cost the writer its files.
/// </summary>
internal sealed partial class LeaseRenewer : IAsyncDisposable
{
    /// <summary>Half the NameNode's soft lease limit of 60 s.</summary>
    internal static readonly TimeSpan RenewInterval = TimeSpan.FromSeconds(30);

    /// <summary>How soon a failed renewal is tried again.</summary>
    internal static readonly TimeSpan RetryInterval = TimeSpan.FromSeconds(1);

    private readonly Func<CancellationToken, Task> _renew;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _lock = new();
    private readonly CancellationTokenSource _stopping = new();
    private ITimer? _timer;
    private Task _renewing = Task.CompletedTask;
    private int _openFiles;
    private bool _disposed;

    /// <param name="renew">Renews every lease of this client (the NameNode's <c>renewLease</c> with its client name).</param>
    /// <param name="time">The clock the renewals are timed by.</param>
    /// <param name="logger">Where failed renewals are reported.</param>
    public LeaseRenewer(Func<CancellationToken, Task> renew, TimeProvider time, ILogger logger)
    {
        _renew = renew;
        _time = time;
        _logger = logger;
    }

    /// <summary>Renewals that succeeded.</summary>
    public int Renewals { get; private set; }

    /// <summary>A file was opened for writing: renew from now on, if nothing else is open.</summary>
    public void FileOpened()
    {
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            if (_openFiles++ == 0)
            {
                _timer = _time.CreateTimer(_ => Tick(), null, RenewInterval, Timeout.InfiniteTimeSpan);
            }
        }
    }

    /// <summary>A file was closed or abandoned: stop renewing once none is open.</summary>
    public void FileClosed()
    {
        lock (_lock)
        {
            if (_openFiles > 0 && --_openFiles == 0)
            {
                _timer?.Dispose();
                _timer = null;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task renewing;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            _timer?.Dispose();
            _timer = null;
            renewing = _renewing;
        }

        await _stopping.CancelAsync().ConfigureAwait(false);
        try
        {
            await renewing.ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // Cut short by the disposal itself.
        }

        _stopping.Dispose();
    }

    private void Tick()
    {
        lock (_lock)
        {
            if (_timer is null)
            {
                return;
            }

            _renewing = RenewAsync(_timer);
        }
    }

    private async Task RenewAsync(ITimer timer)
    {
        TimeSpan next;
        try
        {
            await _renew(_stopping.Token).ConfigureAwait(false);
            Renewals++;
            next = RenewInterval;
        }
        catch (Exception failure) when (!_stopping.IsCancellationRequested)
        {
            RenewalFailed(_logger, failure, RetryInterval);
            next = RetryInterval;
        }

        lock (_lock)
        {
            // A timer replaced or dropped meanwhile (every file closed, or closed and reopened) owns the schedule now.
            if (ReferenceEquals(_timer, timer))
            {
                timer.Change(next, Timeout.InfiniteTimeSpan);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Renewing the HDFS leases failed; trying again in {Retry}")]
    private static partial void RenewalFailed(ILogger logger, Exception failure, TimeSpan retry);
}
