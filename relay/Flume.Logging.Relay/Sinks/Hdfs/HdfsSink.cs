using System.Text;
using Flume.Logging.Hdfs;
using Flume.Logging.Hdfs.Config;
using Flume.Logging.Hdfs.FileSystem;
using Flume.Logging.Hdfs.Ipc;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Support;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Relay.Sinks.Hdfs;

/// <summary>
/// Flume's <c>hdfs</c> sink. Each take of up to <c>hdfs.batchSize</c> events is written to the files of the events'
/// buckets (formatted <c>hdfs.path</c> and <c>hdfs.filePrefix</c>), every file touched is flushed (<c>hflush</c>), and
/// only then does the take commit: any failure rolls it back and the events are written again (at-least-once). A
/// file whose stream failed is abandoned, its lease recovered and it is renamed; the next event opens a new one.
/// Files roll by count, size, interval and idleness, are closed then renamed from their in-use names, and a close
/// that fails is retried by <c>hdfs.closeTries</c> and <c>hdfs.retryInterval</c> with lease recovery. Unlike Flume,
/// in-use files a crash left under the path's fixed prefix are recovered and renamed before the first write, and
/// events without the timestamp their path needs are dropped and counted instead of wedging the sink.
/// </summary>
internal sealed partial class HdfsSink : BatchSink, IDisposable
{
    /// <summary>The sink's Flume class name, an alias of <c>hdfs</c>.</summary>
    internal const string FlumeClass = "org.apache.flume.sink.hdfs.HDFSEventSink";

    private const int LeaseRecoveryQuestions = 3;

    private static readonly TimeSpan TickPeriod = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan DropWarningInterval = TimeSpan.FromMinutes(1);

    private readonly HdfsSinkOptions _options;
    private readonly TimeProvider _time;
    private readonly ILoggerFactory _loggers;
    private readonly ILogger _logger;
    private readonly BucketPath _directory;
    private readonly BucketPath _prefix;
    private readonly Dictionary<string, BucketWriter> _buckets;
    private readonly Dictionary<string, BucketWriter>.AlternateLookup<ReadOnlySpan<char>> _bucketsBySpan;
    private readonly LinkedList<BucketWriter> _recency = new();
    private readonly HashSet<BucketWriter> _touched = new(ReferenceEqualityComparer.Instance);
    private readonly List<PendingFile> _pending = [];
    private readonly StringBuilder _key = new(256);
    private char[] _keyChars = new char[256];
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly FailurePacer _drops;
    private readonly CancellationTokenSource _stopping = new();

    // Fired when the stop begins: NameNode calls that fail are then not retried, so a stop with the NameNode gone does
    // not wait out hdfs.callTimeout for the step in flight and again for each file it closes.
    private readonly CancellationTokenSource _stopRetrying = new();
    private IBucketFileSystem? _fileSystem;
    private ITimer? _timer;
    private Task _firstTick = Task.CompletedTask;
    private bool _leftoversRecovered;
    private string? _failureCause;

    public HdfsSink(string name, IChannel channel, HdfsSinkOptions options, TimeProvider time, ILoggerFactory loggers)
        : base(name, channel, (options ?? throw new ArgumentNullException(nameof(options))).BatchSize)
    {
        ArgumentNullException.ThrowIfNull(loggers);
        _options = options;
        _time = time;
        _drops = new FailurePacer(time, DropWarningInterval);
        _loggers = loggers;
        _logger = loggers.CreateLogger<HdfsSink>();
        var hosts = HostNames.Resolve();
        _directory = BucketPath.Parse(options.Path.Directory, options.Time, hosts, time);
        _prefix = BucketPath.Parse(options.FileNames.FilePrefix, options.Time, hosts, time);
        _buckets = new(StringComparer.Ordinal);
        _bucketsBySpan = _buckets.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>The in-use paths of the files open now.</summary>
    internal IReadOnlyList<string> OpenFiles => [.. _buckets.Values.Where(b => b.IsOpen).Select(b => b.Current.InUsePath)];

    /// <summary>Files whose close failed, waiting for their lease recovery and rename.</summary>
    internal int PendingFiles => _pending.Count;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        _fileSystem = CreateFileSystem();
        await base.StartAsync(cancellationToken);
        _timer = _time.CreateTimer(_ => _ = TickAsync(), null, TickPeriod, TickPeriod);

        // The first tick (recovering files a crash left in use) starts now but is not awaited: a NameNode that is down
        // must not hold up the agent's start (its sources would not listen) for hdfs.callTimeout. The first take
        // waits for it, as every take runs after the tick in progress.
        _firstTick = TickAsync();
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_timer is { } timer)
        {
            await timer.DisposeAsync();
        }

        await _stopping.CancelAsync();
        await _firstTick;
        using var bounded = new CancellationTokenSource(_options.CallTimeout + TimeSpan.FromSeconds(10), _time);
        await _gate.WaitAsync(CancellationToken.None);
        try
        {
            foreach (var bucket in _recency)
            {
                try
                {
                    await CloseBucketAsync(bucket, bounded.Token);
                }
                catch (OperationCanceledException e) when (bounded.IsCancellationRequested)
                {
                    // Out of time: the file keeps its in-use name, and the next start recovers it.
                    await AbandonAsync(bucket, e);
                }

                bucket.Dispose();
            }

            _buckets.Clear();
            _recency.Clear();
            if (_pending.Count > 0)
            {
                LogLeftForNextStart(Name, _pending.Count);
            }

            if (_fileSystem is { } fileSystem)
            {
                await fileSystem.DisposeAsync();
            }
        }
        finally
        {
            _gate.Release();
        }

        await base.StopAsync(cancellationToken);
    }

    public override void OnStopRequested() => _stopRetrying.Cancel();

    public void Dispose()
    {
        _timer?.Dispose();
        _stopping.Dispose();
        _stopRetrying.Dispose();
        _gate.Dispose();
    }

    /// <summary>
    /// Closes files due by <c>hdfs.rollInterval</c> or <c>hdfs.idleTimeout</c> and retries failed closes that are
    /// due; run every second by the sink's timer and before each batch.
    /// </summary>
    internal async Task TickAsync()
    {
        try
        {
            await _gate.WaitAsync(_stopping.Token);
        }
        catch (OperationCanceledException)
        {
            return;
        }

        try
        {
            await RunDueAsync(_stopping.Token);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            // The stop cut the tick short: not a failure of HDFS, and the stop closes the files itself.
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            LogFailure(e);
        }
        finally
        {
            _gate.Release();
        }
    }

    protected override async ValueTask DeliverAsync(IReadOnlyList<FlumeEvent> batch, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await RunDueAsync(cancellationToken);
            _touched.Clear();
            for (var i = 0; i < batch.Count; i++)
            {
                await AppendAsync(batch[i], cancellationToken);
            }

            foreach (var bucket in _touched)
            {
                await UseAsync(bucket, b => b.FlushAsync(cancellationToken).AsTask());

                // A flush that lost a DataNode leaves the block short of replicas: roll now rather than at the next event.
                await RollIfDueAsync(bucket, cancellationToken);
            }

            if (_failureCause is not null)
            {
                LogRecovered(Name, _failureCause);
                _failureCause = null;
            }
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            LogFailure(e);
            throw;
        }
        finally
        {
            _touched.Clear();
            _gate.Release();
        }
    }

    private async Task AppendAsync(FlumeEvent flumeEvent, CancellationToken cancellationToken)
    {
        BucketWriter bucket;
        try
        {
            bucket = await GetBucketAsync(flumeEvent, cancellationToken);
        }
        catch (BucketTimestampException e)
        {
            Drop(e);
            return;
        }

        // Inline rather than through UseAsync: this runs per event, and a closure per event is measurable.
        try
        {
            await bucket.AppendAsync(flumeEvent, cancellationToken);
        }
        catch (BucketTimestampException e)
        {
            Drop(e);
            return;
        }
        catch (Exception e)
        {
            await AbandonAsync(bucket, e);
            throw;
        }

        _touched.Add(bucket);

        // Rolled now, not when the next event comes as in Flume, so a full file does not wait under its in-use name.
        await RollIfDueAsync(bucket, cancellationToken);
    }

    private async Task RollIfDueAsync(BucketWriter bucket, CancellationToken cancellationToken)
    {
        if (!bucket.ShouldRoll(out var underReplicatedRolls))
        {
            return;
        }

        if (underReplicatedRolls > 0)
        {
            LogUnderReplicated(Name, bucket.Current.InUsePath, underReplicatedRolls, BucketWriter.MaxConsecutiveUnderReplicatedRolls);
        }

        await UseAsync(bucket, b => CloseBucketAsync(b, cancellationToken, rethrow: true));
    }

    // Per event: the bucket's key is formatted into a reused builder and looked up by span, so an event for a bucket
    // already open costs no string and no task; only opening a bucket takes the async path.
    private ValueTask<BucketWriter> GetBucketAsync(FlumeEvent flumeEvent, CancellationToken cancellationToken)
    {
        _key.Clear();
        _directory.AppendTo(_key, flumeEvent);
        var directoryLength = _key.Length;
        _key.Append('/');
        _prefix.AppendTo(_key, flumeEvent);
        if (_keyChars.Length < _key.Length)
        {
            _keyChars = new char[_key.Length * 2];
        }

        _key.CopyTo(0, _keyChars, 0, _key.Length);
        if (_bucketsBySpan.TryGetValue(_keyChars.AsSpan(0, _key.Length), out var bucket))
        {
            _recency.Remove(bucket.Node);
            _recency.AddLast(bucket.Node);
            return ValueTask.FromResult(bucket);
        }

        return new ValueTask<BucketWriter>(OpenBucketAsync(_key.ToString(), directoryLength, cancellationToken));
    }

    private async Task<BucketWriter> OpenBucketAsync(string key, int directoryLength, CancellationToken cancellationToken)
    {
        var names = new HdfsFileNames(key[..directoryLength], key[(directoryLength + 1)..], _options.FileNames, _options.Format.CodecExtension, _time);
        var bucket = new BucketWriter(key, names, _options, _fileSystem!, _time, Counter);
        _buckets.Add(key, bucket);
        _recency.AddLast(bucket.Node);
        if (_buckets.Count > _options.MaxOpenFiles && _recency.First!.Value is var eldest)
        {
            LogEvicted(Name, eldest.Key, _options.MaxOpenFiles);
            await UseAsync(eldest, b => CloseBucketAsync(b, cancellationToken, rethrow: true));
            Forget(eldest);
        }

        return bucket;
    }

    /// <summary>Runs <paramref name="action"/> on <paramref name="bucket"/>; a failure of its file abandons it and queues its lease recovery.</summary>
    private async Task UseAsync(BucketWriter bucket, Func<BucketWriter, Task> action)
    {
        try
        {
            await action(bucket);
        }
        catch (Exception e) when (e is not BucketTimestampException)
        {
            await AbandonAsync(bucket, e);
            throw;
        }
    }

    private async Task AbandonAsync(BucketWriter bucket, Exception cause)
    {
        if (await bucket.AbandonAsync() is { } name)
        {
            LogAbandoned(Name, name.InUsePath, Cause(cause));
            _pending.Add(new PendingFile(name, NeedsRecovery: true, Attempts: 0, DueTimestamp: _time.GetTimestamp()));
        }
    }

    /// <summary>Closes the bucket's open file, if any, and renames it; a failed close is abandoned and queued for lease recovery.</summary>
    private async Task CloseBucketAsync(BucketWriter bucket, CancellationToken cancellationToken, bool rethrow = false)
    {
        if (!bucket.IsOpen)
        {
            return;
        }

        HdfsFileName name;
        try
        {
            name = await bucket.CloseFileAsync(cancellationToken);
        }
        catch (Exception e) when (!rethrow)
        {
            await AbandonAsync(bucket, e);
            await FinishPendingAsync(cancellationToken);
            return;
        }

        await FinishAsync(new PendingFile(name, NeedsRecovery: false, Attempts: 0, DueTimestamp: 0), cancellationToken);
    }

    private async Task RunDueAsync(CancellationToken cancellationToken)
    {
        if (!_leftoversRecovered)
        {
            await RecoverLeftoversAsync(cancellationToken);
            _leftoversRecovered = true;
        }

        await FinishPendingAsync(cancellationToken);
        var now = _time.GetTimestamp();
        for (var node = _recency.First; node is not null;)
        {
            var bucket = node.Value;
            node = node.Next;
            if (bucket.IsDue(now))
            {
                LogRolled(Name, bucket.Current.InUsePath);
                await CloseBucketAsync(bucket, cancellationToken);
                Forget(bucket);
            }
        }
    }

    private void Forget(BucketWriter bucket)
    {
        _buckets.Remove(bucket.Key);
        _recency.Remove(bucket.Node);
        bucket.Dispose();
    }

    private async Task FinishPendingAsync(CancellationToken cancellationToken)
    {
        var now = _time.GetTimestamp();
        for (var i = _pending.Count - 1; i >= 0; i--)
        {
            var file = _pending[i];
            if (file.DueTimestamp <= now)
            {
                _pending.RemoveAt(i);
                await FinishAsync(file, cancellationToken);
            }
        }
    }

    /// <summary>
    /// One attempt to recover the lease of (when needed) and rename a closed or abandoned file; a failed attempt is
    /// queued again after <c>hdfs.retryInterval</c> until <c>hdfs.closeTries</c> attempts were made.
    /// </summary>
    private async Task FinishAsync(PendingFile file, CancellationToken cancellationToken)
    {
        var (inUse, final) = file.Name;
        try
        {
            if (file.NeedsRecovery && !await RecoverLeaseAsync(inUse, cancellationToken))
            {
                throw new IOException($"the lease recovery of {inUse} has not finished yet");
            }

            if (!string.Equals(inUse, final, StringComparison.Ordinal))
            {
                await _fileSystem!.RenameAsync(inUse, final, cancellationToken);
            }

            LogFinished(Name, final);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var attempts = file.Attempts + 1;
            if ((_options.CloseTries == 0 || attempts < _options.CloseTries) && _options.RetryInterval > TimeSpan.Zero)
            {
                LogFinishRetry(Name, inUse, attempts, Cause(e), _options.RetryInterval.TotalSeconds);
                var due = _time.GetTimestamp() + (long)(_options.RetryInterval.TotalSeconds * _time.TimestampFrequency);
                _pending.Add(file with { NeedsRecovery = true, Attempts = attempts, DueTimestamp = due });
            }
            else
            {
                LogFinishGaveUp(Name, inUse, attempts, Cause(e));
            }
        }
    }

    /// <summary>
    /// Asks a few times in a row: the first answer starts the recovery and is false while the NameNode closes the
    /// last block, which is often done by the next question; a longer recovery waits for the next attempt.
    /// </summary>
    private async Task<bool> RecoverLeaseAsync(string path, CancellationToken cancellationToken)
    {
        for (var i = 0; i < LeaseRecoveryQuestions; i++)
        {
            if (await _fileSystem!.RecoverLeaseAsync(path, cancellationToken))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// Counts and logs a dropped event: a warning for the first, then debug lines, and a warning with the count
    /// once a minute while drops go on, so an operator who missed the first line still learns that events are lost.
    /// </summary>
    private void Drop(BucketTimestampException e)
    {
        Counter.IncrementEventDrop();
        switch (_drops.Failed(1))
        {
            case null:
                LogDroppedAgain(Name, e.Message);
                break;
            case { Since: { } since } tally:
                LogDroppedSince(Name, tally.Events, (int)since.TotalSeconds, e.Message);
                break;
            default:
                LogDropped(Name, e.Message);
                break;
        }
    }

    private void LogFailure(Exception e)
    {
        var cause = Cause(e);
        if (string.Equals(cause, _failureCause, StringComparison.Ordinal))
        {
            LogFailedAgain(Name, cause, e.Message);
            return;
        }

        _failureCause = cause;
        LogFailed(Name, cause, e.Message);
    }

    /// <summary>A failure's name: Hadoop's exception class for errors the NameNode sent, else the .NET type.</summary>
    private static string Cause(Exception e) => e is RemoteException remote ? remote.ClassName : e.GetType().Name;

    private IBucketFileSystem CreateFileSystem()
    {
        // The client's own waits (lease renewal, pauses between retries) are real network waits, so they run on
        // the system clock; the sink's clock drives rolling and the call timeouts.
        var clientTime = TimeProvider.System;
        var timeout = new HdfsCallTimeout(_options.CallTimeout, _time);
        var client = new HdfsClientOptions { ProxyUser = _options.ProxyUser, StopRetrying = _stopRetrying.Token };
        switch (_options.Path.Scheme)
        {
            case HdfsPathScheme.Local:
                return new LocalBucketFileSystem();
            case HdfsPathScheme.Hdfs:
                return new HdfsBucketFileSystem(HdfsFileSystem.Connect(_options.Path.FileSystem, client, time: clientTime, loggers: _loggers), timeout);
            default:
                var configuration = HadoopConfiguration.FromEnvironment();
                if (configuration.Get("fs.defaultFS") is { } defaultFs && defaultFs.StartsWith("file:", StringComparison.OrdinalIgnoreCase))
                {
                    return new LocalBucketFileSystem();
                }

                return new HdfsBucketFileSystem(HdfsFileSystem.Connect(null, client, configuration, clientTime, _loggers), timeout);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "hdfs sink {Sink} cannot write ({Cause}): {Reason}; the events stay in the channel and are written again after a back-off")]
    private partial void LogFailed(string sink, string cause, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "hdfs sink {Sink} still cannot write ({Cause}): {Reason}")]
    private partial void LogFailedAgain(string sink, string cause, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "hdfs sink {Sink} writes again after {Cause}")]
    private partial void LogRecovered(string sink, string cause);

    [LoggerMessage(Level = LogLevel.Warning, Message = "hdfs sink {Sink} drops events whose path cannot be formatted: {Reason} (counted in EventDropCount; further drops are logged at debug level, with a warning of their count each minute)")]
    private partial void LogDropped(string sink, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "hdfs sink {Sink} dropped {Count} more events whose path cannot be formatted in the last {Seconds} s; the last: {Reason}")]
    private partial void LogDroppedSince(string sink, long count, int seconds, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "hdfs sink {Sink} rolls {Path}: its block has fewer replicas than hdfs.minBlockReplicas (under-replication roll {Count} of at most {Max} in a row)")]
    private partial void LogUnderReplicated(string sink, string path, int count, int max);

    [LoggerMessage(Level = LogLevel.Debug, Message = "hdfs sink {Sink} dropped an event: {Reason}")]
    private partial void LogDroppedAgain(string sink, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "hdfs sink {Sink} abandoned {Path} after {Cause}; its lease is recovered and the next event starts a new file")]
    private partial void LogAbandoned(string sink, string path, string cause);

    [LoggerMessage(Level = LogLevel.Debug, Message = "hdfs sink {Sink} rolls {Path} (roll interval or idle timeout)")]
    private partial void LogRolled(string sink, string path);

    [LoggerMessage(Level = LogLevel.Debug, Message = "hdfs sink {Sink} closes bucket {Bucket}: more than hdfs.maxOpenFiles ({MaxOpenFiles}) are open")]
    private partial void LogEvicted(string sink, string bucket, int maxOpenFiles);

    [LoggerMessage(Level = LogLevel.Debug, Message = "hdfs sink {Sink} finished {Path}")]
    private partial void LogFinished(string sink, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "hdfs sink {Sink} could not close and rename {Path} (attempt {Attempt}, {Cause}); trying again in {RetrySeconds} s")]
    private partial void LogFinishRetry(string sink, string path, int attempt, string cause, double retrySeconds);

    [LoggerMessage(Level = LogLevel.Error, Message = "hdfs sink {Sink} gave up closing {Path} after {Attempts} attempts ({Cause}, hdfs.closeTries); it keeps its in-use name until the next start recovers it")]
    private partial void LogFinishGaveUp(string sink, string path, int attempts, string cause);

    [LoggerMessage(Level = LogLevel.Warning, Message = "hdfs sink {Sink} stopped with {Count} files not yet renamed; the next start recovers them")]
    private partial void LogLeftForNextStart(string sink, int count);

    /// <summary>A file to finish: its lease to recover (when its close failed or a crash left it) and its rename.</summary>
    private readonly record struct PendingFile(HdfsFileName Name, bool NeedsRecovery, int Attempts, long DueTimestamp);
}
