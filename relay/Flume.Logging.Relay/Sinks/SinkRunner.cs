using Flume.Logging.Relay.Channels;
using Flume.Logging.Rpc.Backoff;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Relay.Sinks;

/// <summary>
/// Runs a sink processor in a loop on a thread of its own, as Flume's <c>SinkRunner</c> does: a failing step is logged
/// and backed off (growing by <see cref="BackoffIncrement"/> up to <see cref="MaxBackoff"/>, as Flume's 1 s / 5 s);
/// an empty channel is waited on rather than polled, and once woken the runner lingers (<see cref="DefaultLinger"/>)
/// so that what arrives meanwhile joins its batch. On stop the step in flight finishes, then the runner keeps draining
/// until the channels are empty or the stop deadline passes.
/// </summary>
/// <remarks>
/// The thread blocks in its waits, so a put wakes it directly. On the thread pool each wake-up went through a
/// continuation queued to a worker, which woke further workers, and each wait armed a timer on the timer thread. On a
/// thread of its own the runner used 0.06-0.08 us of CPU per event instead of 0.12-0.16 us at 500,000 events/s, and at
/// full speed the relay took 2.61-2.83 million events/s instead of 2.40-2.50 million (BENCHMARKS.md, "Fourth pass"). A
/// sink whose step completes asynchronously is waited for on the thread, at the price of one more wake-up per step.
/// </remarks>
internal sealed partial class SinkRunner : ILifecycle, IDisposable
{
    /// <summary>How much each consecutive failure adds to the pause.</summary>
    internal static readonly TimeSpan BackoffIncrement = TimeSpan.FromSeconds(1);

    /// <summary>The longest pause after failures.</summary>
    internal static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(5);

    private static readonly BackoffPolicy Backoff = BackoffPolicy.Linear(BackoffIncrement, MaxBackoff);

    /// <summary>
    /// How long a runner that found its channels empty waits for more before it takes again: right after it emptied
    /// them, or once a put woke it from idle. Without it a busy source woke the runner for every request it put (a
    /// thread wake-up each, the dearest thing the relay did per request: at 500,000 events/s in requests of 100 the
    /// relay used 0.50-0.55 us of CPU per event, with a fixed 5 ms linger 0.35-0.42 us). A channel ends the linger
    /// early once it holds a transaction's worth (IChannel.Linger), so at high rates no more than a batch waits
    /// (BENCHMARKS.md "Third pass" and "Fourth pass"). The price is at most this much more latency per event between
    /// channel and sink, where Flume's runner backs off for a second or more. Kafka's producer lingers the same 5 ms by
    /// default.
    /// </summary>
    internal static readonly TimeSpan DefaultLinger = TimeSpan.FromMilliseconds(5);

    /// <summary>The longest an idle runner sleeps before looking at its channels again.</summary>
    private static readonly TimeSpan IdleWait = TimeSpan.FromMilliseconds(500);

    private readonly ISinkProcessor _processor;
    private readonly IReadOnlyList<IChannel> _channels;
    private readonly TimeProvider _timeProvider;
    private readonly TimeSpan _linger;
    private readonly ILogger _logger;
    private readonly CancellationTokenSource _stopping = new();

    /// <summary>
    /// Cancels a step in flight: only the stop deadline does. A stop that cancelled the step as soon as it began rolled
    /// back a batch the sink had already partly written (an HDFS file, a next hop's request), and the drain then wrote it
    /// again: every graceful stop under load duplicated a batch.
    /// </summary>
    private readonly CancellationTokenSource _abortStep = new();
    private Task? _loop;
    private int _consecutiveFailures;

    /// <summary>Set when the step in flight at stop failed: the sink's downstream is failing now, so a drain would only wait out its timeouts again.</summary>
    private bool _failedDuringStop;

    /// <summary>A runner of <paramref name="processor"/>; <paramref name="linger"/> defaults to <see cref="DefaultLinger"/>.</summary>
    public SinkRunner(ISinkProcessor processor, IReadOnlyList<IChannel> channels, TimeProvider timeProvider, ILogger<SinkRunner> logger, TimeSpan? linger = null)
    {
        _processor = processor;
        _channels = channels;
        _timeProvider = timeProvider;
        _linger = linger ?? DefaultLinger;
        _logger = logger;
    }

    public string Name => _processor.Name;

    /// <summary>Starts the processor and the loop.</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _processor.StartAsync(cancellationToken);
        _loop = Task.Factory.StartNew(() => Run(_stopping.Token), CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    /// <summary>
    /// Lets the step in flight finish, then drains: keeps delivering until a step finds nothing, a step fails, or
    /// <paramref name="cancellationToken"/> fires; then stops the processor. A step in flight that fails ends the drain.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await EndLoopAsync(cancellationToken);
        if (!_failedDuringStop)
        {
            await DrainAsync(cancellationToken);
        }

        await _processor.StopAsync(cancellationToken);
    }

    /// <summary>
    /// Stops the loop and the processor without draining: what the sinks have not taken stays in the channel for
    /// whoever drains it next (a reload's restarted sink). A batch in flight finishes, or is rolled back when
    /// <paramref name="cancellationToken"/> fires.
    /// </summary>
    public async Task StopWithoutDrainingAsync(CancellationToken cancellationToken)
    {
        await EndLoopAsync(cancellationToken);
        await _processor.StopAsync(cancellationToken);
    }

    public void Dispose()
    {
        _stopping.Dispose();
        _abortStep.Dispose();
    }

    /// <summary>Ends the loop's waits at once; a step in flight runs on until it ends or <paramref name="deadline"/> fires.</summary>
    private async Task EndLoopAsync(CancellationToken deadline)
    {
        await _stopping.CancelAsync();
        foreach (var sink in _processor.Sinks)
        {
            sink.OnStopRequested();
        }

        if (_loop is null)
        {
            return;
        }

        using (deadline.Register(static abort => ((CancellationTokenSource)abort!).Cancel(), _abortStep))
        {
            await _loop;
        }
    }

    private void Run(CancellationToken stopping)
    {
        Thread.CurrentThread.Name = $"Flume sink {Name}";

        // Whether the channels were found empty after a linger: only then are they idle, worth a wait for the next put.
        // A runner that has just emptied them lingers at once, so under load the batch's worth is its only wake-up.
        var idle = true;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var step = _processor.ProcessAsync(_abortStep.Token);
                var status = step.IsCompletedSuccessfully ? step.Result : step.AsTask().GetAwaiter().GetResult();
                _consecutiveFailures = 0;
                if (status == SinkStatus.Backoff)
                {
                    if (idle || _linger == TimeSpan.Zero)
                    {
                        WaitForEvents(stopping);
                    }

                    if (_linger > TimeSpan.Zero)
                    {
                        // Puts while the runner lingers wake nobody, until a channel holds a whole transaction's worth.
                        Linger(stopping);
                    }

                    idle = true;
                }
                else
                {
                    idle = false;
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
#pragma warning disable CA1031 // A sink's failure is reported and retried; it must never stop the runner.
            catch (Exception e)
#pragma warning restore CA1031
            {
                if (stopping.IsCancellationRequested)
                {
                    _failedDuringStop = true;
                    LogDrainFailed(Name, e.Message);
                    return;
                }

                _consecutiveFailures++;
                var pause = Backoff.Delay(_consecutiveFailures);
                if (e is ChannelException or Rpc.EventDeliveryException or IOException or UnauthorizedAccessException)
                {
                    // Expected operational failures (a dead next hop, a full disk, a folder without write permission):
                    // the reason, which names the host or the path, is enough; a stack trace is noise.
                    LogStepFailed(Name, e.Message, pause.TotalMilliseconds);
                }
                else
                {
                    LogStepCrashed(e, Name, pause.TotalMilliseconds);
                }

                try
                {
                    Task.Delay(pause, _timeProvider, stopping).GetAwaiter().GetResult();
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    private async Task DrainAsync(CancellationToken deadline)
    {
        var drained = 0;
        try
        {
            while (!deadline.IsCancellationRequested && await _processor.ProcessAsync(deadline) == SinkStatus.Ready)
            {
                drained++;
            }
        }
        catch (OperationCanceledException)
        {
            // Deadline reached; what is left stays in the channel.
        }
#pragma warning disable CA1031 // A failing downstream at shutdown leaves events in the channel; report, do not throw.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogDrainFailed(Name, e.Message);
        }

        if (drained > 0)
        {
            LogDrained(Name, drained);
        }
    }

    private void WaitForEvents(CancellationToken stopping)
    {
        if (_channels.Count == 1)
        {
            _channels[0].WaitForEvents(IdleWait, stopping);
        }
        else
        {
            OnAnyChannel(channel => channel.WaitForEventsAsync(IdleWait, stopping));
        }
    }

    private void Linger(CancellationToken stopping)
    {
        if (_channels.Count == 1)
        {
            _channels[0].Linger(_linger, _timeProvider, stopping);
        }
        else
        {
            OnAnyChannel(channel => channel.LingerAsync(_linger, _timeProvider, stopping));
        }
    }

    /// <summary>Returns when <paramref name="wait"/> completes for any of several channels (a sink group's).</summary>
    private void OnAnyChannel(Func<IChannel, ValueTask> wait)
    {
        var waits = new Task[_channels.Count];
        for (var i = 0; i < waits.Length; i++)
        {
            waits[i] = wait(_channels[i]).AsTask();
        }

        Task.WhenAny(waits).GetAwaiter().GetResult();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "sink {Sink} failed, backing off {PauseMs} ms: {Reason}")]
    private partial void LogStepFailed(string sink, string reason, double pauseMs);

    [LoggerMessage(Level = LogLevel.Error, Message = "sink {Sink} failed unexpectedly, backing off {PauseMs} ms")]
    private partial void LogStepCrashed(Exception exception, string sink, double pauseMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "sink {Sink} could not drain at stop, events stay in the channel: {Reason}")]
    private partial void LogDrainFailed(string sink, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "sink {Sink} drained {Batches} batches at stop")]
    private partial void LogDrained(string sink, int batches);
}
