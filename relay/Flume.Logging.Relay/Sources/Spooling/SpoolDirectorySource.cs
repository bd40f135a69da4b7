using System.Text;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Config;
using Flume.Logging.Rpc.Backoff;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Relay.Sources.Spooling;

/// <summary>
/// Flume's <c>spooldir</c> source: reads the files dropped into <c>spoolDir</c> one at a time, commits their
/// events in batches of <c>batchSize</c>, records the committed position after every batch, and marks a file
/// completed (renamed, tracked or deleted) only once all its events are committed.
/// </summary>
/// <remarks>
/// Where Flume stops the whole source on a broken file (written to after pick-up, name re-used, undecodable),
/// this source logs an error naming the file, leaves it in place unmarked, and goes on with the others. A batch
/// the channel refuses is re-read from the last committed position and retried after a backoff of 250 ms
/// doubling up to <c>maxBackoff</c>.
/// </remarks>
internal sealed partial class SpoolDirectorySource : ISource, IBatchSizeSupported, IAsyncDisposable
{
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(250);

    private readonly SpoolDirectorySourceOptions _options;
    private readonly ChannelProcessor _processor;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly string _spoolDir;
    private readonly SpoolTracker _tracker;
    private readonly SpoolDirectoryScanner _scanner;
    private readonly Encoding _outputEncoding;
    private readonly HashSet<string> _isolated = new(StringComparer.Ordinal);
    private readonly SourceLoop _run = new();
    private SpoolPosition? _recorded;

    public SpoolDirectorySource(
        string name,
        SpoolDirectorySourceOptions options,
        ChannelProcessor processor,
        TimeProvider timeProvider,
        Random random,
        ILogger<SpoolDirectorySource> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Name = name;
        _options = options;
        _processor = processor;
        _timeProvider = timeProvider;
        _logger = logger;
        _spoolDir = Path.TrimEndingDirectorySeparator(Path.GetFullPath(options.SpoolDir));
        _tracker = new SpoolTracker(
            Path.TrimEndingDirectorySeparator(Path.GetFullPath(options.TrackerDir, _spoolDir)), options.FileSuffix);
        _scanner = new SpoolDirectoryScanner(_spoolDir, _tracker, options, random);
        SpoolDirectorySourceOptions.TryGetEncoding(options.OutputCharset, out _outputEncoding);
    }

    public string Name { get; }

    public int BatchSize => _options.BatchSize;

    /// <summary>Events committed so far.</summary>
    public long Committed { get; private set; }

    /// <summary>Files marked completed (renamed, tracked or deleted) so far.</summary>
    public int CompletedFiles { get; private set; }

    /// <summary>Files reported as broken and left in place so far.</summary>
    public int IsolatedFiles => _isolated.Count;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            using var entries = Directory.EnumerateFileSystemEntries(_spoolDir).GetEnumerator();
            entries.MoveNext();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            var reason = File.Exists(_spoolDir) ? "is a file, not a folder"
                : e is DirectoryNotFoundException ? "does not exist"
                : $"cannot be read ({e.Message})";
            throw StartError("spoolDir", $"'{_spoolDir}' {reason}", e);
        }

        try
        {
            _tracker.Create();
            _recorded = _tracker.ReadPosition();
        }
        catch (InvalidDataException e)
        {
            // Losing the position means re-sending the file from its start: duplicates, never loss.
            LogPositionUnreadable(Name, e.Message);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw StartError("trackerDir", $"'{_tracker.Directory}' cannot be used ({e.Message})", e);
        }

        _run.Start(RunAsync);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => _run.StopAsync(cancellationToken);

    /// <summary>Abandons any batch in hand without committing it, as a crash would, and waits for the reader to exit.</summary>
    public ValueTask DisposeAsync() => _run.DisposeAsync();

    private ConfigurationException StartError(string key, string reason, Exception inner) =>
        ComponentContext.CreateStartError(_options.Properties, key, reason, inner);

    private async Task RunAsync()
    {
        var resume = _recorded;
        while (!_run.IsStopping)
        {
            CheckLateWrites();
            FileInfo? file = null;
            long offset = 0;
            if (resume is { } position)
            {
                resume = null;
                file = ResumeTarget(position);
                offset = position.Offset;
            }

            if (file is null)
            {
                file = FindNext();
                offset = 0;
            }

            if (file is null)
            {
                try
                {
                    await Task.Delay(_options.PollDelay, _timeProvider, _run.Stopping);
                }
                catch (OperationCanceledException)
                {
                    return;
                }

                continue;
            }

            try
            {
                await ConsumeAsync(file, offset);
            }
#pragma warning disable CA1031 // A fault in one file (an interceptor throwing, say) must not end the source for all others.
            catch (Exception e) when (e is not OperationCanceledException)
#pragma warning restore CA1031
            {
                Isolate(file.FullName, $"reading it failed unexpectedly: {e}");
            }
        }
    }

    private FileInfo? FindNext()
    {
        try
        {
            return _scanner.FindNext(_isolated);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogScanFailed(Name, _spoolDir, e.Message);
            return null;
        }
    }

    /// <summary>The file a recorded position points at, if it still waits to be finished.</summary>
    private FileInfo? ResumeTarget(SpoolPosition position)
    {
        var file = new FileInfo(position.Path);
        if (!file.Exists || (_options.DeletePolicy == SpoolDeletePolicy.Never && _options.TrackingPolicy == SpoolTrackingPolicy.TrackerDir
            && _tracker.IsMarkedCompleted(Path.GetRelativePath(_spoolDir, file.FullName))))
        {
            // Completed (renamed, deleted or marked) just before the position was cleared.
            return null;
        }

        if (!position.IsSameFile(file))
        {
            Isolate(file.FullName, $"it changed since {position.Offset} bytes of it were committed (size or last-write time differs)");
            return null;
        }

        return file;
    }

    private async Task ConsumeAsync(FileInfo file, long offset)
    {
        var path = file.FullName;
        var identity = new SpoolPosition(path, file.Length, file.LastWriteTimeUtc.Ticks, offset);
        if (MarksByRename && File.Exists(path + _options.FileSuffix))
        {
            Isolate(path, $"{path + _options.FileSuffix} already exists: the file name was re-used");
            return;
        }

        ISpoolEventReader reader;
        try
        {
            reader = OpenReader(path, offset);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Isolate(path, $"it cannot be read ({e.Message})");
            return;
        }

        bool finished;
        using (reader)
        {
            finished = await SendAllAsync(reader, identity);
        }

        if (finished)
        {
            Complete(identity);
        }
    }

    /// <summary>Commits the file's remaining events; true once all are committed and the file is unchanged.</summary>
    private async Task<bool> SendAllAsync(ISpoolEventReader reader, SpoolPosition identity)
    {
        var batch = new List<FlumeEvent>(_options.BatchSize);
        var basename = Path.GetFileName(identity.Path);
        var committed = identity.Offset;
        var failures = 0;
        while (!_run.IsStopping)
        {
            batch.Clear();
            if (!IsUnchanged(identity))
            {
                return false;
            }

            try
            {
                while (batch.Count < _options.BatchSize && reader.TryReadEvent(out var body))
                {
                    batch.Add(new FlumeEvent(Headers(identity.Path, basename, reader.Headers), body));
                }
            }
            catch (DecoderFallbackException e)
            {
                Isolate(identity.Path, $"it has bytes that are not valid {_options.InputCharset} near offset {reader.Position} (decodeErrorPolicy FAIL): {e.Message}");
                return false;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Isolate(identity.Path, $"reading it failed ({e.Message})");
                return false;
            }

            // Checked again after reading, so no batch with content from after a change is ever committed.
            if (!IsUnchanged(identity))
            {
                return false;
            }

            if (batch.Count == 0)
            {
                return true;
            }

            try
            {
                await _processor.ProcessBatchAsync(batch, _run.Abort);
            }
            catch (OperationCanceledException) when (_run.IsAborted)
            {
                return false;
            }
            catch (ChannelException e)
            {
                failures++;
                var pause = Backoff(failures);
                LogRetrying(Name, batch.Count, identity.Path, pause.TotalMilliseconds, e.Message);
                reader.Seek(committed);
                try
                {
                    await Task.Delay(pause, _timeProvider, _run.Stopping);
                }
                catch (OperationCanceledException)
                {
                    return false;
                }

                continue;
            }

            failures = 0;
            committed = reader.Position;
            Committed += batch.Count;
            Record(identity with { Offset = committed });
        }

        return false;
    }

    private TimeSpan Backoff(int failures) => BackoffPolicy.Exponential(FirstBackoff, _options.MaxBackoff).Delay(failures);

    private bool MarksByRename => _options.DeletePolicy == SpoolDeletePolicy.Never && _options.TrackingPolicy == SpoolTrackingPolicy.Rename;

    private ISpoolEventReader OpenReader(string path, long offset)
    {
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 1);
        try
        {
            if (_options.Deserializer == SpoolDeserializer.Avro)
            {
                return new AvroEventReader(stream, offset, _options.AvroSchemaType);
            }

            stream.Position = offset;
            return _options.Deserializer == SpoolDeserializer.Blob
                ? new BlobEventReader(stream, _options.MaxBlobLength)
                : new LineEventReader(stream, _options.InputCharset, _options.DecodeErrorPolicy, _outputEncoding, _options.MaxLineLength);
        }
        catch
        {
            stream.Dispose();
            throw;
        }
    }

    private Dictionary<string, string>? Headers(string path, string basename, IReadOnlyDictionary<string, string>? readerHeaders)
    {
        if (!_options.FileHeader && !_options.BasenameHeader && readerHeaders is null)
        {
            return null;
        }

        // Each event gets its own dictionary: interceptors downstream may change one event's headers.
        var headers = readerHeaders is null ? new Dictionary<string, string>(2, StringComparer.Ordinal) : new Dictionary<string, string>(readerHeaders, StringComparer.Ordinal);
        if (_options.FileHeader)
        {
            headers[_options.FileHeaderKey] = path;
        }

        if (_options.BasenameHeader)
        {
            headers[_options.BasenameHeaderKey] = basename;
        }

        return headers;
    }

    private bool IsUnchanged(SpoolPosition identity)
    {
        var file = new FileInfo(identity.Path);
        if (identity.IsSameFile(file))
        {
            return true;
        }

        Isolate(identity.Path, file.Exists
            ? $"it was written to after it was picked up (size {identity.Size} -> {file.Length}, or its last-write time changed); only immutable files may be dropped into {_spoolDir}"
            : "it disappeared while being read");
        return false;
    }

    private void Record(SpoolPosition position)
    {
        try
        {
            _tracker.WritePosition(position);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The events are committed; an older position only means re-sending them after a crash.
            LogPositionNotRecorded(Name, position.Path, e.Message);
        }
    }

    private void Complete(SpoolPosition identity)
    {
        var path = identity.Path;
        if (!IsUnchanged(identity))
        {
            return;
        }

        string? remaining;
        try
        {
            if (_options.DeletePolicy == SpoolDeletePolicy.Immediate)
            {
                File.Delete(path);
                remaining = null;
            }
            else if (_options.TrackingPolicy == SpoolTrackingPolicy.TrackerDir)
            {
                _tracker.MarkCompleted(Path.GetRelativePath(_spoolDir, path));
                remaining = path;
            }
            else
            {
                File.Move(path, path + _options.FileSuffix, overwrite: false);
                remaining = path + _options.FileSuffix;
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            Isolate(path, $"all its events were committed but it could not be marked completed ({e.Message})");
            return;
        }

        CompletedFiles++;
        LogCompleted(Name, path);
        RememberCompleted(remaining, path, identity.Size);
        try
        {
            _tracker.ClearPosition();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            LogPositionNotRecorded(Name, path, e.Message);
        }
    }

    private void Isolate(string path, string reason)
    {
        _isolated.Add(path);
        LogIsolated(Name, path, reason);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "spooldir source {Source}: {File} is left in place, not completed, and skipped until restart: {Reason}")]
    private partial void LogIsolated(string source, string file, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "spooldir source {Source}: channel refused a batch of {Count} events from {File}; retrying from the last committed position in {PauseMs} ms: {Reason}")]
    private partial void LogRetrying(string source, int count, string file, double pauseMs, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "spooldir source {Source}: completed {File}")]
    private partial void LogCompleted(string source, string file);

    [LoggerMessage(Level = LogLevel.Error, Message = "spooldir source {Source}: cannot list {Folder}: {Reason}")]
    private partial void LogScanFailed(string source, string folder, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "spooldir source {Source}: recorded position ignored, the file will be read from its start: {Reason}")]
    private partial void LogPositionUnreadable(string source, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "spooldir source {Source}: position of {File} not recorded; a restart may re-send its last batches: {Reason}")]
    private partial void LogPositionNotRecorded(string source, string file, string reason);
}
