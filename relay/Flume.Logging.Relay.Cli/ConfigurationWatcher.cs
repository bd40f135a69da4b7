using Microsoft.Extensions.Logging;

namespace Flume.Logging.Relay.Cli;

/// <summary>
/// Flume's configuration polling: every <c>--poll-interval</c> (30 s by default, Flume's file interval) it looks at
/// each configuration source's <see cref="ConfigurationSource.Stamp"/> (a file's modification time and length, a URL's
/// conditional GET) and, when any differs from the last look (edited, replaced, deleted, created), calls the reload. A reload that fails leaves the stamps updated, so the same broken
/// file is reported once, and the next edit is tried again. A configuration server that cannot be reached is reported
/// when it goes and when it comes back, and changes nothing in between.
/// </summary>
internal sealed partial class ConfigurationWatcher
{
    private readonly IReadOnlyList<ConfigurationSource> _sources;
    private readonly TimeSpan _interval;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly string _described;
    private readonly bool[] _unreadable;
    private string?[] _stamps;

    /// <summary>Takes the files' stamps now: call it before the configuration is first read, so no edit is missed.</summary>
    public ConfigurationWatcher(IReadOnlyList<ConfigurationSource> sources, TimeSpan interval, TimeProvider timeProvider, ILogger logger)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        _sources = sources;
        _interval = interval;
        _timeProvider = timeProvider;
        _logger = logger;
        _described = string.Join(", ", sources.Select(s => s.Name));
        _unreadable = new bool[sources.Count];
        _stamps = Stamp(sources);
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

            var now = Stamp(_sources);
            ReportReachability();
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

    private void ReportReachability()
    {
        for (var i = 0; i < _sources.Count; i++)
        {
            var failure = _sources[i].Failure;
            if (failure is not null && !_unreadable[i])
            {
                LogUnreadable(failure);
            }
            else if (failure is null && _unreadable[i])
            {
                LogReadable(_sources[i].Name);
            }

            _unreadable[i] = failure is not null;
        }
    }

    private static string?[] Stamp(IReadOnlyList<ConfigurationSource> sources)
    {
        var stamps = new string?[sources.Count];
        for (var i = 0; i < stamps.Length; i++)
        {
            stamps[i] = sources[i].Stamp();
        }

        return stamps;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Reason}; the agent runs on as configured, and polls on")]
    private partial void LogUnreadable(string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "the configuration at {Source} can be read again")]
    private partial void LogReadable(string source);

    [LoggerMessage(Level = LogLevel.Information, Message = "configuration changed ({Files}), reloading")]
    private partial void LogChanged(string files);
}
