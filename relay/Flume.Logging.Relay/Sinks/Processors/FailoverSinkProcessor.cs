using System.Globalization;
using Flume.Logging.Relay.Agent;
using Flume.Logging.Rpc;
using Flume.Logging.Rpc.Backoff;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Relay.Sinks.Processors;

/// <summary>
/// Flume's <c>failover</c> processor: the live sink of highest priority does the work. A sink that throws is
/// penalised (1 s, doubling with each further failure up to <c>maxpenalty</c>) and the next live sink is tried in
/// the same step. Once a penalty expires the sink is tried first again, and a delivery restores it, so the
/// primary wins its traffic back.
/// </summary>
/// <remarks>Called by one sink runner at a time, so its state needs no locking.</remarks>
internal sealed partial class FailoverSinkProcessor : ISinkProcessor
{
    /// <summary>The longest penalty when <c>processor.maxpenalty</c> is not set, as in Flume.</summary>
    internal static readonly TimeSpan DefaultMaxPenalty = TimeSpan.FromMilliseconds(30000);

    /// <summary>The penalty after a sink's first failure in a row.</summary>
    internal static readonly TimeSpan FirstPenalty = TimeSpan.FromSeconds(1);

    private readonly Member[] _byPriority;
    private readonly ILogger _logger;

    /// <param name="name">The sink group's name.</param>
    /// <param name="sinks">The group's sinks, in configuration order.</param>
    /// <param name="priorities">Each sink's priority, by position in <paramref name="sinks"/>; higher goes first, ties by position.</param>
    /// <param name="maxPenalty">The longest a failed sink is left out.</param>
    /// <param name="timeProvider">The clock penalties are measured on (its monotonic timestamps).</param>
    /// <param name="logger">Where penalties and restorations are reported.</param>
    public FailoverSinkProcessor(
        string name, IReadOnlyList<ISink> sinks, IReadOnlyList<int> priorities, TimeSpan maxPenalty, TimeProvider timeProvider, ILogger<FailoverSinkProcessor> logger)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(sinks);
        ArgumentNullException.ThrowIfNull(priorities);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentOutOfRangeException.ThrowIfZero(sinks.Count, nameof(sinks));
        ArgumentOutOfRangeException.ThrowIfNotEqual(priorities.Count, sinks.Count, nameof(priorities));
        ArgumentOutOfRangeException.ThrowIfLessThan(maxPenalty, TimeSpan.Zero);
        Name = name;
        Sinks = [.. sinks];
        _logger = logger;
        _byPriority = new Member[sinks.Count];
        var policy = BackoffPolicy.Exponential(FirstPenalty, maxPenalty);
        for (var i = 0; i < sinks.Count; i++)
        {
            _byPriority[i] = new Member(sinks[i], priorities[i], i, new FailureBackoff(policy, timeProvider));
        }

        Array.Sort(_byPriority, static (a, b) => a.Priority != b.Priority ? b.Priority.CompareTo(a.Priority) : a.Position.CompareTo(b.Position));
    }

    public string Name { get; }

    public IReadOnlyList<ISink> Sinks { get; }

    /// <summary>
    /// Builds the processor from <c>processor.priority.&lt;sink&gt;</c> (a sink without one ranks below every
    /// sink with a non-negative one, in group order, as Flume's -1, -2, ...) and <c>processor.maxpenalty</c>.
    /// </summary>
    internal static FailoverSinkProcessor Create(SinkProcessorBuildContext context)
    {
        var properties = context.Properties;
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var sink in context.Sinks)
        {
            names.Add(sink.Name);
        }

        foreach (var key in properties.Properties.Keys)
        {
            if (key.StartsWith("priority.", StringComparison.Ordinal) && !names.Contains(key["priority.".Length..]))
            {
                throw properties.CreateError(
                    key, $"names sink '{key["priority.".Length..]}', which is not in sink group {context.GroupName} ({string.Join(" ", names)})");
            }
        }

        var priorities = new int[context.Sinks.Count];
        var explicitKeys = new Dictionary<int, string>();
        var unspecified = 0;
        for (var i = 0; i < priorities.Length; i++)
        {
            var key = "priority." + context.Sinks[i].Name;
            if (properties.GetString(key) is null)
            {
                priorities[i] = -++unspecified;
                continue;
            }

            priorities[i] = properties.GetInt32(key, 0);

            // Flume silently drops a sink whose priority repeats another's; refusing to start says why instead.
            if (!explicitKeys.TryAdd(priorities[i], key))
            {
                throw properties.CreateError(
                    key, $"is {priorities[i].ToString(CultureInfo.InvariantCulture)}, the same as {properties.FullKey(explicitKeys[priorities[i]])}; priorities must be unique");
            }
        }

        var maxPenalty = properties.GetMilliseconds("maxpenalty", DefaultMaxPenalty);
        return new FailoverSinkProcessor(
            context.GroupName, context.Sinks, priorities, maxPenalty, context.Services.TimeProvider, context.Services.LoggerFactory.CreateLogger<FailoverSinkProcessor>());
    }

    public Task StartAsync(CancellationToken cancellationToken) => SinkGroupLifecycle.StartAllAsync(Sinks, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => SinkGroupLifecycle.StopAllAsync(Sinks, cancellationToken);

    public async ValueTask<SinkStatus> ProcessAsync(CancellationToken cancellationToken)
    {
        foreach (var member in _byPriority)
        {
            if (member.Backoff.ConsecutiveFailures == 0 || member.Backoff.IsBackedOff())
            {
                continue;
            }

            SinkStatus status;
            try
            {
                status = await member.Sink.ProcessAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
#pragma warning disable CA1031 // Any failure of a member is a reason to fail over, not to stop the group.
            catch (Exception e)
#pragma warning restore CA1031
            {
                Penalise(member, e);
                continue;
            }

            // Only a delivery proves the sink is back; an empty channel proves nothing, so it stays penalised
            // (and is tried again next step) while the live sinks carry on.
            if (status == SinkStatus.Ready)
            {
                var failures = member.Backoff.RecordSuccess();
                LogRestored(Name, member.Sink.Name, failures);
                return status;
            }
        }

        Exception? last = null;
        foreach (var member in _byPriority)
        {
            if (member.Backoff.ConsecutiveFailures > 0)
            {
                continue;
            }

            try
            {
                return await member.Sink.ProcessAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                throw;
            }
#pragma warning disable CA1031 // Any failure of a member is a reason to fail over, not to stop the group.
            catch (Exception e)
#pragma warning restore CA1031
            {
                Penalise(member, e);
                last = e;
            }
        }

        throw new EventDeliveryException(
            $"sink group {Name}: no sink left to fail over to; the next penalty ends in {Math.Ceiling(NextRetry().TotalMilliseconds).ToString(CultureInfo.InvariantCulture)} ms",
            last ?? new EventDeliveryException($"every sink of group {Name} is penalised"));
    }

    private void Penalise(Member member, Exception failure)
    {
        // Only sinks that are not backed off are tried, so the failure is always recorded.
        if (member.Backoff.TryRecordFailure(out var penalty, out var failures))
        {
            LogPenalised(Name, member.Sink.Name, penalty.TotalMilliseconds, failures, failure.Message);
        }
    }

    private TimeSpan NextRetry()
    {
        var soonest = TimeSpan.MaxValue;
        foreach (var member in _byPriority)
        {
            if (member.Backoff.ConsecutiveFailures > 0 && member.Backoff.Remaining() is var remaining && remaining < soonest)
            {
                soonest = remaining;
            }
        }

        return soonest;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "sink group {Group}: sink {Sink} failed and is penalised for {PenaltyMs} ms ({Failures} failures in a row): {Reason}")]
    private partial void LogPenalised(string group, string sink, double penaltyMs, int failures, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "sink group {Group}: sink {Sink} delivered again after {Failures} failures and is restored")]
    private partial void LogRestored(string group, string sink, int failures);

    private sealed class Member(ISink sink, int priority, int position, FailureBackoff backoff)
    {
        public ISink Sink { get; } = sink;

        public int Priority { get; } = priority;

        public int Position { get; } = position;

        /// <summary>The sink's penalty: failures in a row (0 while the sink is live) and when it may be tried again.</summary>
        public FailureBackoff Backoff { get; } = backoff;
    }
}
