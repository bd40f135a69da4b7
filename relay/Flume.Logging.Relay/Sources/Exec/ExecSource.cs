using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Metrics;
using Flume.Logging.Relay.Sources.Spooling;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Relay.Sources.Exec;

/// <summary>
/// Flume's <c>exec</c> source: runs <c>command</c> (through <c>shell</c> when set) and sends each line it writes to
/// standard output as an event, in batches of <c>batchSize</c> or whatever arrived within <c>batchTimeout</c> of the
/// last send. Standard error is always read (so the command never blocks on it) and logged when <c>logStdErr</c> is
/// set. When the command ends it is run again after <c>restartThrottle</c> if <c>restart</c> is set.
/// </summary>
/// <remarks>
/// As in Flume there is no delivery guarantee: a batch the channel refuses ends the command (its lines are lost) and
/// the source goes on only if <c>restart</c> is set; lines the command writes while the relay is down are never
/// seen. Lines end at <c>\n</c>, <c>\r</c> or <c>\r\n</c>, like Java's <c>readLine</c>. Stopping the source kills
/// the command and every process it started.
/// </remarks>
internal sealed partial class ExecSource : ISource, IBatchSizeSupported, IMonitoredComponent, IAsyncDisposable
{
    /// <summary>Flume's class name for this source, accepted as a synonym of <c>exec</c>.</summary>
    public const string FlumeClass = "org.apache.flume.source.ExecSource";

    private readonly ExecSourceOptions _options;
    private readonly ChannelProcessor _processor;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly Encoding _encoding;
    private readonly Lock _processLock = new();
    private readonly SourceLoop _run = new();
    private Process? _process;

    public ExecSource(string name, ExecSourceOptions options, ChannelProcessor processor, TimeProvider timeProvider, ILogger<ExecSource> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Name = name;
        _options = options;
        _processor = processor;
        _timeProvider = timeProvider;
        _logger = logger;
        SpoolDirectorySourceOptions.TryGetEncoding(options.Charset, out _encoding);
        Counter = new SourceCounter(name, timeProvider);
    }

    public string Name { get; }

    public int BatchSize => _options.BatchSize;

    /// <summary>Flume's source counters of this source.</summary>
    public SourceCounter Counter { get; }

    CounterGroup IMonitoredComponent.Counters => Counter;

    /// <summary>How many times the command has been started.</summary>
    public int Runs { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        LogUnreliable(Name);
        LogStarting(Name, _options.Command);
        Counter.Start();

        // Stop (or dispose) ends the command at once: its output then ends, and the lines read before are sent.
        _run.Stopping.Register(() => KillCommand());
        _run.Start(RunAsync);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        LogStopping(Name, _options.Command);
        await _run.StopAsync(cancellationToken);
        Counter.Stop();
    }

    /// <summary>Kills the command (with its children) and abandons any batch in hand.</summary>
    public ValueTask DisposeAsync() => _run.DisposeAsync();

    private async Task RunAsync()
    {
        while (!_run.IsStopping)
        {
            string exitCode;
            try
            {
                exitCode = await RunCommandAsync();
            }
            catch (OperationCanceledException) when (_run.IsStopping)
            {
                return;
            }
            catch (Win32Exception e)
            {
                // The command could not be started at all (not found, not executable): a one-line cause is enough.
                LogCannotStart(Name, _options.Command, e.Message, _options.Restart ? "tried again after restartThrottle" : "not tried again (restart = false)");
                if (!_options.Restart)
                {
                    return;
                }

                exitCode = "none (it did not start)";
            }
            catch (ChannelException e)
            {
                LogChannelRefused(Name, _options.Command, e.Message);
                exitCode = KillCommand();
            }
#pragma warning disable CA1031 // As in Flume, any other failure ends this run of the command, not the source.
            catch (Exception e)
#pragma warning restore CA1031
            {
                LogCommandFailed(Name, _options.Command, e);
                exitCode = KillCommand();
            }

            if (_run.IsStopping)
            {
                return;
            }

            if (!_options.Restart)
            {
                LogExited(Name, _options.Command, exitCode);
                return;
            }

            LogRestarting(Name, _options.RestartThrottle.TotalMilliseconds, exitCode);
            try
            {
                await Task.Delay(_options.RestartThrottle, _timeProvider, _run.Stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Runs the command once, until its standard output ends; returns its exit code.</summary>
    private async Task<string> RunCommandAsync()
    {
        var arguments = _options.Arguments();
        var start = new ProcessStartInfo(arguments[0])
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = _encoding,
            StandardErrorEncoding = _encoding,
        };
        for (var i = 1; i < arguments.Count; i++)
        {
            start.ArgumentList.Add(arguments[i]);
        }

        using var process = new Process { StartInfo = start };
        lock (_processLock)
        {
            _run.Stopping.ThrowIfCancellationRequested();
            process.Start();
            _process = process;
        }

        Runs++;
        var stderr = DrainStandardErrorAsync(process.StandardError);
        try
        {
            await ReadStandardOutputAsync(process.StandardOutput);
            await process.WaitForExitAsync(_run.Abort);
            await stderr;
            return process.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        finally
        {
            KillCommand();
            lock (_processLock)
            {
                _process = null;
            }
        }
    }

    private async Task ReadStandardOutputAsync(StreamReader output)
    {
        var batch = new List<FlumeEvent>(_options.BatchSize);
        var lastPush = _timeProvider.GetTimestamp();
        Task<string?>? next = null;
        while (true)
        {
            // Not cancelled by stop: killing the command ends its output, and the lines read before are still sent.
            next ??= output.ReadLineAsync(_run.Abort).AsTask();
            if (!next.IsCompleted && batch.Count > 0)
            {
                var wait = _options.BatchTimeout - _timeProvider.GetElapsedTime(lastPush);
                if (wait > TimeSpan.Zero)
                {
                    using var waiting = CancellationTokenSource.CreateLinkedTokenSource(_run.Abort);
                    var timeout = Task.Delay(wait, _timeProvider, waiting.Token);
                    await Task.WhenAny(next, timeout);
                    await waiting.CancelAsync();
                }

                if (!next.IsCompleted)
                {
                    // No line for batchTimeout since the last send: what is waiting goes out now.
                    await SendAsync(batch);
                    lastPush = _timeProvider.GetTimestamp();
                    continue;
                }
            }

            var line = await next;
            next = null;
            if (line is null)
            {
                break;
            }

            batch.Add(new FlumeEvent(null, _encoding.GetBytes(line)));

            // As in Flume, a line arriving batchTimeout after the last send goes out at once.
            if (batch.Count >= _options.BatchSize || _timeProvider.GetElapsedTime(lastPush) >= _options.BatchTimeout)
            {
                await SendAsync(batch);
                lastPush = _timeProvider.GetTimestamp();
            }
        }

        if (batch.Count > 0)
        {
            await SendAsync(batch);
        }
    }

    private async Task SendAsync(List<FlumeEvent> batch)
    {
        Counter.AddEventsReceived(batch.Count);
        try
        {
            await _processor.ProcessBatchAsync(batch, _run.Abort);
        }
        catch (ChannelException)
        {
            Counter.IncrementChannelWriteFail();
            throw;
        }

        Counter.AddEventsAccepted(batch.Count);
        batch.Clear();
    }

    private async Task DrainStandardErrorAsync(StreamReader error)
    {
        var count = 0;
        try
        {
            while (await error.ReadLineAsync(CancellationToken.None) is { } line)
            {
                if (_options.LogStdErr)
                {
                    LogStdErr(Name, ++count, line);
                }
            }
        }
        catch (IOException e)
        {
            LogStdErrEnded(Name, e.Message);
        }
    }

    /// <summary>Kills the running command and its descendants; returns its exit code, or "unknown".</summary>
    private string KillCommand()
    {
        Process? process;
        lock (_processLock)
        {
            process = _process;
        }

        if (process is null)
        {
            return "unknown";
        }

        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }

            process.WaitForExit(TimeSpan.FromSeconds(10));
            return process.HasExited ? process.ExitCode.ToString(System.Globalization.CultureInfo.InvariantCulture) : "unknown";
        }
        catch (Exception e) when (e is InvalidOperationException or Win32Exception or NotSupportedException)
        {
            // Already gone, or reaped by the runtime between the check and the kill.
            return "unknown";
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "exec source {Source}: there is no delivery guarantee with this source: lines the channel refuses, and lines the command writes while the relay is down, are lost. For reliable collection from files use the TAILDIR or spooldir source")]
    private partial void LogUnreliable(string source);

    [LoggerMessage(Level = LogLevel.Information, Message = "exec source {Source}: starting with command: {Command}")]
    private partial void LogStarting(string source, string command);

    [LoggerMessage(Level = LogLevel.Information, Message = "exec source {Source}: stopping command: {Command}")]
    private partial void LogStopping(string source, string command);

    [LoggerMessage(Level = LogLevel.Error, Message = "exec source {Source}: failed while running command: {Command}")]
    private partial void LogCommandFailed(string source, string command, Exception exception);

    [LoggerMessage(Level = LogLevel.Error, Message = "exec source {Source}: cannot start command [{Command}]: {Reason}; {Next}")]
    private partial void LogCannotStart(string source, string command, string reason, string next);

    [LoggerMessage(Level = LogLevel.Error, Message = "exec source {Source}: the channel refused a batch, so command [{Command}] is ended (as in Flume) and its batch lost: {Reason}")]
    private partial void LogChannelRefused(string source, string command, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "exec source {Source}: command [{Command}] exited with {ExitCode}")]
    private partial void LogExited(string source, string command, string exitCode);

    [LoggerMessage(Level = LogLevel.Information, Message = "exec source {Source}: restarting in {ThrottleMs}ms, exit code {ExitCode}")]
    private partial void LogRestarting(string source, double throttleMs, string exitCode);

    [LoggerMessage(Level = LogLevel.Information, Message = "exec source {Source}: StderrLogger[{Line}] = '{Text}'")]
    private partial void LogStdErr(string source, int line, string text);

    [LoggerMessage(Level = LogLevel.Information, Message = "exec source {Source}: standard error reader exiting: {Reason}")]
    private partial void LogStdErrEnded(string source, string reason);
}
