using Microsoft.Extensions.Logging;

namespace Flume.Logging.Relay.Cli;

/// <summary>
/// Flume's configuration polling: every <c>--poll-interval</c> (30 s by default, Flume's file interval) it looks at
/// the modification time and length of each configuration file and, when any differs from the last look (edited,
/// replaced, deleted, created), calls the reload. A reload that fails leaves the stamps updated, so the same broken
/// file is reported once, and the next edit is tried again.
/// </summary>
internal sealed partial class ConfigurationWatcher
{
    private readonly IReadOnlyList<string> _files;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly string _described;
    private FileStamp[] _stamps;

    /// <summary>Takes the files' stamps now: call it before the configuration is first read, so no edit is missed.</summary>
    public ConfigurationWatcher(IReadOnlyList<string> files, TimeSpan interval, TimeProvider timeProvider, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        _files = files;
        _interval = interval;
        _timeProvider = timeProvider;
        _logger = logger;
        _described = string.Join(", ", files);
        _stamps = Stamp(files);
    }

    /// <summary>
    /// Polls until <paramref name="stopping"/> fires, calling <paramref name="reload"/> once per change seen, and
    /// <paramref name="retry"/> at each poll that sees none (to start again what the last reload could not).
    /// </summary>
    public async Task RunAsync(Func<CancellationToken, Task> reload, Func<CancellationToken, Task> retry, CancellationToken stopping)
    {
        while (true)
        {
            try
            {
                await Task.Delay(_interval, _timeProvider, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            var now = Stamp(_files);
            if (now.AsSpan().SequenceEqual(_stamps))
            {
                await retry(stopping);
                continue;
            }

            _stamps = now;
            LogChanged(_described);
            await reload(stopping);
        }
    }

    private static FileStamp[] Stamp(IReadOnlyList<string> files)
    {
        var stamps = new FileStamp[files.Count];
        for (var i = 0; i < stamps.Length; i++)
        {
            var info = new FileInfo(files[i]);
            stamps[i] = info.Exists ? new FileStamp(info.LastWriteTimeUtc, info.Length) : default;
        }

        return stamps;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "configuration changed ({Files}), reloading")]
    private partial void LogChanged(string files);

    /// <summary>What is compared between polls; the default value stands for a missing file.</summary>
    private readonly record struct FileStamp(DateTime LastWriteUtc, long Length);
}
