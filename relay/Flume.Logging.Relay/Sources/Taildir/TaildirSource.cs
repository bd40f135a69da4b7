using System.Globalization;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Config;
using Flume.Logging.Relay.Metrics;
using Flume.Logging.Rpc.Backoff;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Relay.Sources.Taildir;

/// <summary>
/// Flume's <c>TAILDIR</c> source: follows the files of each <c>filegroups.&lt;g&gt;</c> by inode, sends their new
/// lines in batches of <c>batchSize</c>, and records each file's committed position in <c>positionFile</c> every
/// <c>writePosInterval</c> and on stop. A position only moves past lines the channel committed, so a crash re-sends
/// at most what was committed since the last write and loses nothing.
/// </summary>
/// <remarks>
/// <para>
/// A file renamed within its folder keeps its inode and is read on from its position under its new name, whether
/// the rename happens while running or while stopped. A file whose new name no longer matches (or that was deleted)
/// is read to its end through the handle still open and forgotten once idle. A file that shrank below what was read
/// of it was truncated (copy-truncate rotation) and is read again from its start. Files are read oldest modification
/// first, at most <c>maxBatchCount</c> batches each per pass.
/// </para>
/// <para>
/// Differences from Flume, each in favour of delivery: Flume re-reads a renamed file from 0 when its new name
/// matches too (duplicating it) and stops reading one whose name no longer matches until it turns idle; polls back
/// off only after a pass that found no new line, as the user guide describes (Flume backs off after any pass that
/// did not fill <c>maxBatchCount</c> batches); a batch the channel refuses is retried after 1 s doubling to 5 s, as
/// in Flume.
/// </para>
/// <para>
/// A file truncated and written past its old position between two polls (copy-truncate rotation of a busy log), or
/// deleted and replaced by one that got the same inode number, is recognised by the last bytes read no longer being
/// where they were, and read again from 0; Flume reads on from the old position. Across a restart that is a limit
/// shared with Flume: the position file keeps only the offset.
/// </para>
/// </remarks>
internal sealed partial class TaildirSource : ISource, IBatchSizeSupported, IMonitoredComponent, IAsyncDisposable
{
    /// <summary>Flume's class name for this source, accepted as a synonym of <c>TAILDIR</c>.</summary>
    public const string FlumeClass = "org.apache.flume.source.taildir.TaildirSource";

    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(1000);
    private static readonly TimeSpan MaxRetry = TimeSpan.FromMilliseconds(5000);

    private readonly TaildirSourceOptions _options;
    private readonly ChannelProcessor _processor;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly TaildirMatcher[] _matchers;
    private readonly string _positionFile;

    /// <summary>Every file followed, by inode.</summary>
    private readonly Dictionary<long, TailedFile> _files = [];

    /// <summary>The files that matched in the last scan, in reading order.</summary>
    private readonly List<TailedFile> _matched = [];

    /// <summary>Files followed but no longer matching, reused per pass.</summary>
    private readonly List<TailedFile> _others = [];
    private readonly List<(long Offset, ReadOnlyMemory<byte> Body)> _lines = [];
    private readonly List<FlumeEvent> _batch = [];
    private readonly HashSet<long> _unreadable = [];
    private readonly SourceLoop _run = new();
    private List<TaildirPosition> _written = [];
    private TimeSpan _retry = FirstRetry;
    private int _scan;

    public TaildirSource(
        string name,
        TaildirSourceOptions options,
        ChannelProcessor processor,
        TimeProvider timeProvider,
        ILogger<TaildirSource> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Name = name;
        _options = options;
        _processor = processor;
        _timeProvider = timeProvider;
        _logger = logger;
        _positionFile = Path.GetFullPath(options.PositionFile);
        _matchers = new TaildirMatcher[options.FileGroups.Count];
        for (var i = 0; i < _matchers.Length; i++)
        {
            _matchers[i] = new TaildirMatcher(options.FileGroups[i], options.CachePatternMatching);
        }

        Counter = new SourceCounter(name, timeProvider);
    }

    public string Name { get; }

    public int BatchSize => _options.BatchSize;

    /// <summary>Flume's source counters of this source.</summary>
    public SourceCounter Counter { get; }

    CounterGroup IMonitoredComponent.Counters => Counter;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (!FileStatus.IsSupported)
        {
            throw StartError("type", "needs Linux: files are followed by inode number, which this system does not provide", null);
        }

        foreach (var group in _options.FileGroups)
        {
            if (!Directory.Exists(group.Directory))
            {
                throw StartError("filegroups." + group.Name, $"names folder '{group.Directory}', which does not exist", null);
            }
        }

        Dictionary<long, TaildirPosition> recorded = [];
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(_positionFile)!);
            foreach (var position in TaildirPositionFile.Read(_positionFile))
            {
                recorded[position.Inode] = position;
            }
        }
        catch (InvalidDataException e)
        {
            throw StartError("positionFile", $"cannot be used: {e.Message}; fix or remove it (without it files are read from their start, or their end with skipToEnd)", e);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw StartError("positionFile", $"'{_positionFile}' cannot be read ({e.Message})", e);
        }

        Scan(recorded);
        LogStarted(Name, _matched.Count, _positionFile);
        Counter.Start();
        _run.Start(RunAsync);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (await _run.StopAsync(cancellationToken))
        {
            WritePositions();
        }

        CloseAll();
        Counter.Stop();
    }

    /// <summary>Abandons any batch in hand without committing it or writing positions, as a crash would.</summary>
    public async ValueTask DisposeAsync()
    {
        await _run.DisposeAsync();
        CloseAll();
    }

    private ConfigurationException StartError(string key, string reason, Exception? inner) =>
        ComponentContext.CreateStartError(_options.Properties, key, reason, inner);

    private async Task RunAsync()
    {
        var emptyPasses = 0;
        var nextPositionWrite = _timeProvider.GetTimestamp() + ToTimestamp(_options.WritePosInterval);
        while (!_run.IsStopping)
        {
            var (read, more) = (false, false);
            try
            {
                Scan(null);
                (read, more) = await PassAsync();
            }
#pragma warning disable CA1031 // Like Flume's process(), a failed pass is counted and retried after a backoff, never fatal.
            catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
            {
                Counter.AddEventReadFail(1);
                LogPassFailed(Name, e);
            }

            var now = _timeProvider.GetTimestamp();
            if (now >= nextPositionWrite)
            {
                WritePositions();
                nextPositionWrite = now + ToTimestamp(_options.WritePosInterval);
            }

            if (read || more)
            {
                emptyPasses = 0;
                continue;
            }

            emptyPasses++;
            var pause = BackoffPolicy.Linear(_options.BackoffSleepIncrement, _options.MaxBackoffSleep).Delay(emptyPasses);
            var untilWrite = _timeProvider.GetElapsedTime(now, nextPositionWrite);
            pause = pause < untilWrite ? pause : untilWrite;
            try
            {
                await Task.Delay(pause > TimeSpan.Zero ? pause : TimeSpan.Zero, _timeProvider, _run.Stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private long ToTimestamp(TimeSpan span) => (long)(span.TotalSeconds * _timeProvider.TimestampFrequency);

    /// <summary>
    /// Lists each group's folder and brings <see cref="_files"/> up to date: new inodes are followed, renamed ones
    /// keep their position under their new name. <paramref name="recorded"/> holds the position file's entries on
    /// the first scan, null after.
    /// </summary>
    private void Scan(Dictionary<long, TaildirPosition>? recorded)
    {
        _scan++;
        _matched.Clear();
        var now = _timeProvider.GetTimestamp();
        foreach (var matcher in _matchers)
        {
            IReadOnlyList<TaildirMatcher.Match> matches;
            try
            {
                matches = matcher.List();
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                LogScanFailed(Name, matcher.Group.Directory, e.Message);

                // Keep what the group had: forgetting its files now would re-read them from 0 once listing works.
                foreach (var known in _files.Values)
                {
                    if (known.Group == matcher.Group && known.SeenInScan == _scan - 1)
                    {
                        known.SeenInScan = _scan;
                        _matched.Add(known);
                    }
                }

                continue;
            }

            foreach (var (path, status) in matches)
            {
                if (_files.TryGetValue(status.Inode, out var file))
                {
                    if (file.SeenInScan == _scan)
                    {
                        // A second name for the same inode (a hard link, or two overlapping groups): read once.
                        continue;
                    }

                    if (!string.Equals(file.Path, path, StringComparison.Ordinal))
                    {
                        LogRenamed(Name, file.Path, path, status.Inode, file.Pos);
                        file.Path = path;
                    }
                }
                else
                {
                    file = new TailedFile(status.Inode, path, matcher.Group, StartPosition(path, status, recorded), now);
                    _files[status.Inode] = file;
                    LogFollowing(Name, path, status.Inode, file.Pos);
                }

                file.Group = matcher.Group;
                file.SeenInScan = _scan;
                file.LastSize = status.Size;
                _matched.Add(file);
            }
        }
    }

    /// <summary>Where a newly found file is read from: its recorded position, else its start (its end with skipToEnd at start-up).</summary>
    private long StartPosition(string path, FileStatus.Status status, Dictionary<long, TaildirPosition>? recorded)
    {
        if (recorded is null)
        {
            // Found while running: every line of it is new.
            return 0;
        }

        if (recorded.TryGetValue(status.Inode, out var position))
        {
            if (!string.Equals(position.File, path, StringComparison.Ordinal))
            {
                LogRenamed(Name, position.File, path, status.Inode, position.Pos);
            }

            return position.Pos;
        }

        return _options.SkipToEnd ? status.Size : 0;
    }

    /// <summary>One pass over the files: read each that has new lines; close the idle ones.</summary>
    /// <returns>Whether any line was read, and whether a file still had lines when its maxBatchCount ran out.</returns>
    private async Task<(bool Read, bool More)> PassAsync()
    {
        var read = false;
        var more = false;
        _others.Clear();
        foreach (var file in _files.Values)
        {
            if (file.SeenInScan != _scan)
            {
                _others.Add(file);
            }
        }

        foreach (var file in _matched)
        {
            if (_run.IsStopping)
            {
                return (read, more);
            }

            var (lines, full) = await TailAsync(file, takePartialLine: false);
            read |= lines > 0;
            more |= full;
        }

        // Renamed away or deleted: still readable through the open handle until it turns idle.
        foreach (var file in _others)
        {
            if (!file.IsOpen)
            {
                _files.Remove(file.Inode);
                LogForgotten(Name, file.Path, file.Inode, file.Pos);
                continue;
            }

            var (lines, full) = await TailAsync(file, takePartialLine: false);
            read |= lines > 0;
            more |= full;
        }

        await CloseIdleAsync();
        return (read, more);
    }

    /// <summary>Commits the file's new lines batch by batch, up to maxBatchCount batches.</summary>
    /// <returns>The lines committed, and whether maxBatchCount ended the reading with lines possibly left.</returns>
    private async Task<(long Lines, bool More)> TailAsync(TailedFile file, bool takePartialLine)
    {
        if (!file.IsOpen)
        {
            if (file.SeenInScan != _scan || (file.LastSize == file.Pos && !takePartialLine) || !TryOpen(file))
            {
                return (0, false);
            }
        }

        if (file.IsTruncated)
        {
            LogTruncated(Name, file.Path, file.Inode, file.Pos, file.Length);
            file.Reset(0);
        }
        else if (IsRewritten(file))
        {
            LogRewritten(Name, file.Path, file.Inode, file.Pos);
            file.Reset(0);
        }

        long committed = 0;
        long batches = 0;
        while (!_run.IsStopping)
        {
            _lines.Clear();
            int count;
            try
            {
                count = file.ReadLines(_lines, _options.BatchSize, takePartialLine);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Counter.AddEventReadFail(1);
                LogReadFailed(Name, file.Path, e.Message);
                file.Close();
                return (committed, false);
            }

            if (count == 0)
            {
                return (committed, false);
            }

            _batch.Clear();
            foreach (var (offset, body) in _lines)
            {
                _batch.Add(new FlumeEvent(Headers(file, offset), body));
            }

            Counter.AddEventsReceived(count);
            Counter.IncrementAppendBatchReceived();
            try
            {
                await _processor.ProcessBatchAsync(_batch, _run.Abort);
            }
            catch (OperationCanceledException) when (_run.IsAborted)
            {
                file.Rewind();
                return (committed, false);
            }
            catch (ChannelException e)
            {
                // Nothing of the batch counts as sent: it is read again from the committed position.
                Counter.IncrementChannelWriteFail();
                file.Rewind();
                LogRetrying(Name, count, file.Path, _retry.TotalMilliseconds, e.Message);
                try
                {
                    await Task.Delay(_retry, _timeProvider, _run.Stopping);
                }
                catch (OperationCanceledException)
                {
                    return (committed, false);
                }

                _retry = _retry * 2 < MaxRetry ? _retry * 2 : MaxRetry;
                continue;
            }

            _retry = FirstRetry;
            file.Commit();
            file.LastUpdated = _timeProvider.GetTimestamp();
            committed += count;
            Counter.AddEventsAccepted(count);
            Counter.IncrementAppendBatchAccepted();
            if (count < _options.BatchSize)
            {
                return (committed, false);
            }

            if (++batches >= _options.MaxBatchCount)
            {
                return (committed, true);
            }
        }

        return (committed, false);
    }

    private bool TryOpen(TailedFile file)
    {
        try
        {
            if (!file.Open())
            {
                // The name was given to another file between the scan and the open: the next scan sorts it out.
                return false;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            if (_unreadable.Add(file.Inode))
            {
                LogReadFailed(Name, file.Path, e.Message);
            }

            return false;
        }

        _unreadable.Remove(file.Inode);
        file.LastUpdated = _timeProvider.GetTimestamp();
        return true;
    }

    /// <summary>Closes files nothing was committed from for idleTimeout, after sending what they hold (a last line without newline too, as Flume does).</summary>
    private async Task CloseIdleAsync()
    {
        var now = _timeProvider.GetTimestamp();
        var idle = ToTimestamp(_options.IdleTimeout);
        _others.Clear();
        foreach (var file in _files.Values)
        {
            if (file.IsOpen && now - file.LastUpdated >= idle)
            {
                _others.Add(file);
            }
        }

        foreach (var file in _others)
        {
            if (_run.IsStopping)
            {
                return;
            }

            await TailAsync(file, takePartialLine: true);
            if (_run.IsStopping)
            {
                return;
            }

            file.Close();
            file.LastUpdated = now;
            LogClosedIdle(Name, file.Path, file.Inode, file.Pos);
        }
    }

    private Dictionary<string, string>? Headers(TailedFile file, long offset)
    {
        var groupHeaders = file.Group.Headers;
        if (!_options.ByteOffsetHeader && !_options.FileHeader && groupHeaders.Count == 0)
        {
            return null;
        }

        // One map per event: interceptors may change an event's headers.
        var headers = new Dictionary<string, string>(groupHeaders.Count + 2, StringComparer.Ordinal);
        if (_options.ByteOffsetHeader)
        {
            headers["byteoffset"] = offset.ToString(CultureInfo.InvariantCulture);
        }

        foreach (var (key, value) in groupHeaders)
        {
            headers[key] = value;
        }

        if (_options.FileHeader)
        {
            headers[_options.FileHeaderKey] = file.Path;
        }

        return headers;
    }

    /// <summary>Writes the committed position of every file that matched in the last scan, when any changed.</summary>
    private void WritePositions()
    {
        var positions = new List<TaildirPosition>(_matched.Count);
        foreach (var file in _matched)
        {
            positions.Add(new TaildirPosition(file.Inode, file.Pos, file.Path));
        }

        if (positions.SequenceEqual(_written) || positions.Count == 0)
        {
            return;
        }

        try
        {
            TaildirPositionFile.Write(_positionFile, positions);
            _written = positions;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The lines are committed; an older position only means re-sending them after a crash.
            LogPositionNotWritten(Name, _positionFile, e.Message);
        }
    }

    private void CloseAll()
    {
        foreach (var file in _files.Values)
        {
            file.Close();
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "TAILDIR source {Source}: started with {Files} matching files, positions in {PositionFile}")]
    private partial void LogStarted(string source, int files, string positionFile);

    [LoggerMessage(Level = LogLevel.Information, Message = "TAILDIR source {Source}: following {File} (inode {Inode}) from offset {Pos}")]
    private partial void LogFollowing(string source, string file, long inode, long pos);

    [LoggerMessage(Level = LogLevel.Information, Message = "TAILDIR source {Source}: {OldPath} was renamed to {NewPath} (inode {Inode}); reading on from offset {Pos}")]
    private partial void LogRenamed(string source, string oldPath, string newPath, long inode, long pos);

    /// <summary><see cref="TailedFile.IsRewritten"/>, a failed read counting as not rewritten (the read that follows reports it).</summary>
    private static bool IsRewritten(TailedFile file)
    {
        try
        {
            return file.IsRewritten();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "TAILDIR source {Source}: {File} (inode {Inode}) no longer holds the bytes last read before offset {Pos}: truncated and written again, or rewritten in place; reading it again from 0")]
    private partial void LogRewritten(string source, string file, long inode, long pos);

    [LoggerMessage(Level = LogLevel.Information, Message = "TAILDIR source {Source}: {File} (inode {Inode}) shrank to {Length} bytes below offset {Pos}: truncated, reading it again from 0")]
    private partial void LogTruncated(string source, string file, long inode, long pos, long length);

    [LoggerMessage(Level = LogLevel.Information, Message = "TAILDIR source {Source}: closed idle file {File} (inode {Inode}) at offset {Pos}")]
    private partial void LogClosedIdle(string source, string file, long inode, long pos);

    [LoggerMessage(Level = LogLevel.Information, Message = "TAILDIR source {Source}: no longer following {File} (inode {Inode}, offset {Pos}): it was deleted or renamed to a name no group matches")]
    private partial void LogForgotten(string source, string file, long inode, long pos);

    [LoggerMessage(Level = LogLevel.Warning, Message = "TAILDIR source {Source}: channel refused a batch of {Count} lines from {File}; retrying from the last committed position in {PauseMs} ms: {Reason}")]
    private partial void LogRetrying(string source, int count, string file, double pauseMs, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "TAILDIR source {Source}: cannot read {File}: {Reason}")]
    private partial void LogReadFailed(string source, string file, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "TAILDIR source {Source}: cannot list {Folder}: {Reason}")]
    private partial void LogScanFailed(string source, string folder, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "TAILDIR source {Source}: unable to tail files")]
    private partial void LogPassFailed(string source, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "TAILDIR source {Source}: positions not written to {PositionFile}; a restart may re-send lines: {Reason}")]
    private partial void LogPositionNotWritten(string source, string positionFile, string reason);
}
