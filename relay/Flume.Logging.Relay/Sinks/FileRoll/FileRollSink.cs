using Flume.Logging.Protocol;
using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Sinks.Serialization;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Relay.Sinks.FileRoll;

/// <summary>
/// Flume's <c>file_roll</c> sink: writes events to files in <c>sink.directory</c>, starting a new file every
/// <c>sink.rollInterval</c> seconds (counted on the agent's clock from the start). Each batch is written and
/// flushed to disk before its take commits, so a crash may repeat a batch but never loses one. A file is opened
/// at start and after a roll only when the next batch arrives, so an idle sink leaves no empty files behind. Each
/// file gets its own serializer (<c>sink.serializer</c>), which writes into a staging buffer that goes to the file
/// in one write per batch: a failed write can then be cut off whole.
/// </summary>
internal sealed partial class FileRollSink : BatchSink, IAsyncDisposable
{
    private readonly FileRollSinkOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly MemoryStream _staging = new(16 * 1024);
    private RollingFileNames? _names;
    private FileStream? _file;
    private IEventSerializer? _serializer;
    private long _nextRollTimestamp;

    public FileRollSink(string name, IChannel channel, FileRollSinkOptions options, TimeProvider timeProvider, ILogger<FileRollSink> logger)
        : base(name, channel, (options ?? throw new ArgumentNullException(nameof(options))).BatchSize)
    {
        _options = options;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    /// <summary>The file being written, or null between a roll and the next batch.</summary>
    internal string? CurrentPath => _file?.Name;

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        var directory = Path.GetFullPath(_options.Directory);
        if (!Directory.Exists(directory))
        {
            throw _options.DirectoryError(File.Exists(directory)
                ? $"is '{directory}', which is a file, not a folder"
                : $"is '{directory}', which does not exist (the file_roll sink does not create it)");
        }

        _names = new RollingFileNames(directory, _options.Prefix, _options.Extension, _timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
        _nextRollTimestamp = _options.RollInterval > TimeSpan.Zero ? _timeProvider.GetTimestamp() + RollIntervalTicks() : long.MaxValue;
        try
        {
            OpenNext();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw _options.DirectoryError($"is '{directory}', where no file can be created: {e.Message}");
        }

        await base.StartAsync(cancellationToken);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        Close();
        await base.StopAsync(cancellationToken);
    }

    public ValueTask DisposeAsync()
    {
        Close();
        return ValueTask.CompletedTask;
    }

    protected override ValueTask DeliverAsync(IReadOnlyList<FlumeEvent> batch, CancellationToken cancellationToken)
    {
        RollIfDue();
        var file = _file ?? OpenNext();
        var serializer = _serializer!;

        _staging.SetLength(0);
        for (var i = 0; i < batch.Count; i++)
        {
            serializer.Write(batch[i]);
        }

        serializer.Flush();
        var start = file.Position;
        try
        {
            WriteStaged(file);
            file.Flush(flushToDisk: true);
        }
        catch (IOException)
        {
            Abandon(file, start);
            throw;
        }

        return ValueTask.CompletedTask;
    }

    private void WriteStaged(FileStream file)
    {
        file.Write(_staging.GetBuffer(), 0, (int)_staging.Length);
        _staging.SetLength(0);
    }

    /// <summary>Roll points stay on the grid of whole intervals from the start, as Flume's fixed-rate roll timer does.</summary>
    private void RollIfDue()
    {
        var now = _timeProvider.GetTimestamp();
        if (now < _nextRollTimestamp)
        {
            return;
        }

        var interval = RollIntervalTicks();
        while (_nextRollTimestamp <= now)
        {
            _nextRollTimestamp += interval;
        }

        if (_file is { } file)
        {
            LogRolled(Name, file.Name);
            Close();
        }
    }

    private long RollIntervalTicks() => (long)(_options.RollInterval.TotalSeconds * _timeProvider.TimestampFrequency);

    private FileStream OpenNext()
    {
        var path = _names!.Next();
        var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read, bufferSize: 0);
        _file = file;

        // The file's header goes in at once, so cutting off a failed batch later never cuts into it.
        _staging.SetLength(0);
        _serializer = _options.Serializer.Create(_staging);
        _serializer.AfterCreate();
        _serializer.Flush();
        WriteStaged(file);
        Counter.IncrementConnectionCreated();
        LogOpened(Name, path);
        return _file;
    }

    private void Close()
    {
        if (Interlocked.Exchange(ref _file, null) is not { } file)
        {
            return;
        }

        var serializer = _serializer;
        _serializer = null;
        try
        {
            _staging.SetLength(0);
            serializer?.BeforeClose();
            WriteStaged(file);
        }
        finally
        {
            (serializer as IDisposable)?.Dispose();
            file.Dispose();
            Counter.IncrementConnectionClosed();
        }
    }

    /// <summary>
    /// After a failed write, cut the partial batch off so the retry does not leave a torn record; if even that
    /// fails, give the file up and let the next batch start a new one.
    /// </summary>
    private void Abandon(FileStream file, long length)
    {
        try
        {
            file.SetLength(length);
            file.Position = length;
        }
        catch (IOException e)
        {
            LogAbandoned(Name, file.Name, e.Message);
            _file = null;
            (_serializer as IDisposable)?.Dispose();
            _serializer = null;
            file.Dispose();
            Counter.IncrementConnectionFailed();
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "file_roll sink {Sink} writing {Path}")]
    private partial void LogOpened(string sink, string path);

    [LoggerMessage(Level = LogLevel.Debug, Message = "file_roll sink {Sink} rolled {Path}")]
    private partial void LogRolled(string sink, string path);

    [LoggerMessage(Level = LogLevel.Warning, Message = "file_roll sink {Sink} gave up {Path} after a failed write ({Reason}); the batch goes to a new file")]
    private partial void LogAbandoned(string sink, string path, string reason);
}
