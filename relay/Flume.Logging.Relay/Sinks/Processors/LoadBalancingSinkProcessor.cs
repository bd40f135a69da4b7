using System.Numerics;
using Flume.Logging.Relay.Agent;
using Flume.Logging.Rpc;
using Flume.Logging.Rpc.Backoff;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Relay.Sinks.Processors;

/// <summary>
/// Flume's <c>load_balance</c> processor: each step orders the sinks (round robin or random) and tries them in that
/// order until one returns without throwing. With <c>backoff</c>, a sink that throws is left out for 1 s, doubling
/// with each further failure in a row up to <c>selector.maxTimeOut</c>; a delivery restores it. When every sink
/// fails, or all are backed off, the step throws and the runner backs off.
/// </summary>
/// <remarks>Called by one sink runner at a time, so its state (and the reused order buffer) needs no locking.</remarks>
internal sealed partial class LoadBalancingSinkProcessor : ISinkProcessor
{
    /// <summary>The longest backoff when <c>processor.selector.maxTimeOut</c> is not set, as in Flume.</summary>
    internal static readonly TimeSpan DefaultMaxTimeout = TimeSpan.FromMilliseconds(30000);

    /// <summary>The backoff after a sink's first failure in a row.</summary>
    internal static readonly TimeSpan FirstBackoff = TimeSpan.FromSeconds(1);

    private readonly ISink[] _sinks;
    private readonly SinkSelection _selection;
    private readonly bool _backoff;
    private readonly Random _random;
    private readonly ILogger _logger;
    private readonly int[] _order;
    private readonly FailureBackoff[] _failures;
    private int _nextHead;

    /// <param name="name">The sink group's name.</param>
    /// <param name="sinks">The group's sinks, in configuration order (the round-robin order).</param>
    /// <param name="selection">How each step orders the sinks.</param>
    /// <param name="backoff">Whether a failed sink is left out for a while.</param>
    /// <param name="maxTimeout">The longest a failed sink is left out.</param>
    /// <param name="timeProvider">The clock backoffs are measured on.</param>
    /// <param name="random">The source of random orders; <see cref="Random.Shared"/> in production.</param>
    /// <param name="logger">Where failures, backoffs and restorations are reported.</param>
    public LoadBalancingSinkProcessor(
        string name,
        IReadOnlyList<ISink> sinks,
        SinkSelection selection,
        bool backoff,
        TimeSpan maxTimeout,
        TimeProvider timeProvider,
        Random random,
        ILogger<LoadBalancingSinkProcessor> logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(sinks);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfZero(sinks.Count, nameof(sinks));
        ArgumentOutOfRangeException.ThrowIfLessThan(maxTimeout, TimeSpan.Zero);
        Name = name;
        _sinks = [.. sinks];
        Sinks = _sinks;
        _selection = selection;
        _backoff = backoff;
        _random = random;
        _logger = logger;
        _order = new int[_sinks.Length];
        _failures = new FailureBackoff[_sinks.Length];

        // Without backoff a failed sink stays in the rotation: a zero cap counts its failures and never skips it.
        var policy = BackoffPolicy.Exponential(FirstBackoff, backoff ? maxTimeout : TimeSpan.Zero);
        for (var i = 0; i < _failures.Length; i++)
        {
            _failures[i] = new FailureBackoff(policy, timeProvider);
        }
    }

    public string Name { get; }

    public IReadOnlyList<ISink> Sinks { get; }

    /// <summary>
    /// Builds the processor from <c>processor.selector</c> (round_robin or random), <c>processor.backoff</c> and
    /// <c>processor.selector.maxTimeOut</c>.
    /// </summary>
    internal static LoadBalancingSinkProcessor Create(SinkProcessorBuildContext context, Random random)
    {
        var properties = context.Properties;
        return new LoadBalancingSinkProcessor(
            context.GroupName,
            context.Sinks,
            properties.GetEnum("selector", SinkSelection.RoundRobin),
            properties.GetBoolean("backoff", defaultValue: false),
            properties.GetMilliseconds("selector.maxTimeOut", DefaultMaxTimeout),
            context.Services.TimeProvider,
            random,
            context.Services.LoggerFactory.CreateLogger<LoadBalancingSinkProcessor>());
    }

    public Task StartAsync(CancellationToken cancellationToken) => SinkGroupLifecycle.StartAllAsync(Sinks, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => SinkGroupLifecycle.StopAllAsync(Sinks, cancellationToken);

    public async ValueTask<SinkStatus> ProcessAsync(CancellationToken cancellationToken)
    {
        var count = FillOrder();
        Exception? last = null;
        for (var i = 0; i < count; i++)
        {
            var index = _order[i];
            SinkStatus status;
            try
            {
                status = await _sinks[index].ProcessAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
#pragma warning disable CA1031 // Any failure of a member is a reason to try the next one, not to stop the group.
            catch (Exception e)
#pragma warning restore CA1031
            {
                Failed(index, e);
                last = e;
                continue;
            }

            var failures = _failures[index].RecordSuccess();
            if (failures > 0)
            {
                LogRestored(Name, _sinks[index].Name, failures);
            }

            return status;
        }

        throw last is null
            ? new EventDeliveryException($"sink group {Name}: every sink is backed off")
            : new EventDeliveryException($"sink group {Name}: every sink failed; last: {last.Message}", last);
    }

    /// <summary>Writes the indices of the sinks to try this step into <see cref="_order"/>; returns how many.</summary>
    private int FillOrder()
    {
        var count = 0;
        if (_selection == SinkSelection.RoundRobin)
        {
            for (var i = 0; i < _sinks.Length; i++)
            {
                var index = (_nextHead + i) % _sinks.Length;
                if (IsAvailable(index))
                {
                    _order[count++] = index;
                }
            }

            // The next step starts after the sink this one starts with, so backed-off sinks do not skew the rotation.
            if (count > 0)
            {
                _nextHead = (_order[0] + 1) % _sinks.Length;
            }

            return count;
        }

        for (var i = 0; i < _sinks.Length; i++)
        {
            if (IsAvailable(i))
            {
                _order[count++] = i;
            }
        }

        for (var i = count - 1; i > 0; i--)
        {
            var j = _random.Next(i + 1);
            (_order[i], _order[j]) = (_order[j], _order[i]);
        }

        return count;
    }

    private bool IsAvailable(int index) => !_failures[index].IsBackedOff();

    private void Failed(int index, Exception failure)
    {
        if (!_failures[index].TryRecordFailure(out var penalty, out var failures))
        {
            return;
        }

        if (_backoff)
        {
            LogBackedOff(Name, _sinks[index].Name, penalty.TotalMilliseconds, failures, failure.Message);
        }
        else if (BitOperations.IsPow2(failures))
        {
            // Without backoff a dead sink is tried, and fails, in every step it leads: warning each time would write
            // thousands of lines a second. Warnings come at 1, 2, 4, 8, ... failures in a row; the rest are debug.
            LogFailed(Name, _sinks[index].Name, failures, failure.Message, failures * 2);
        }
        else
        {
            LogFailedAgain(Name, _sinks[index].Name, failures, failure.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "sink group {Group}: sink {Sink} failed ({Failures} failures in a row), trying the next sink: {Reason}; next warning at {Next} failures in a row")]
    private partial void LogFailed(string group, string sink, int failures, string reason, int next);

    [LoggerMessage(Level = LogLevel.Debug, Message = "sink group {Group}: sink {Sink} failed ({Failures} failures in a row), trying the next sink: {Reason}")]
    private partial void LogFailedAgain(string group, string sink, int failures, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "sink group {Group}: sink {Sink} failed and is backed off for {BackoffMs} ms ({Failures} failures in a row): {Reason}")]
    private partial void LogBackedOff(string group, string sink, double backoffMs, int failures, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "sink group {Group}: sink {Sink} delivered again after {Failures} failures and is restored")]
    private partial void LogRestored(string group, string sink, int failures);
}
