using System.Collections.Concurrent;
using Flume.Logging.Protocol;
using Flume.Logging.Rpc;
using Microsoft.Extensions.Time.Testing;

namespace Flume.Logging.Testing;

/// <summary>
/// A scriptable <see cref="IRpcClient"/> that records every request it accepted and can be told to fail, to fail
/// a number of times, to answer only when time moves on, or to run any custom behaviour. Thread-safe.
/// </summary>
public sealed class FakeRpcClient : IRpcClient
{
    private readonly ConcurrentQueue<IReadOnlyList<FlumeEvent>> _accepted = new();
    private int _failuresLeft;
    private int _appendCalls;
    private int _batchCalls;
    private int _disposeCount;
    private volatile bool _failAlways;
    private volatile bool _inactive;

    /// <summary>Creates a fake named <paramref name="name"/> (used in failure messages).</summary>
    public FakeRpcClient(string name = "fake", int batchSize = 100)
    {
        Name = name;
        BatchSize = batchSize;
    }

    /// <summary>Name given at creation; failure messages contain it.</summary>
    public string Name { get; }

    /// <inheritdoc/>
    public int BatchSize { get; }

    /// <inheritdoc/>
    public bool IsActive => !_inactive && Volatile.Read(ref _disposeCount) == 0;

    /// <summary>Requests accepted, in order; an <c>append</c> is recorded as a batch of one.</summary>
    public IReadOnlyCollection<IReadOnlyList<FlumeEvent>> Accepted => _accepted;

    /// <summary>Every event accepted, in order.</summary>
    public IReadOnlyList<FlumeEvent> AcceptedEvents => _accepted.SelectMany(batch => batch).ToList();

    /// <summary><c>append</c> calls made, whether they succeeded or not.</summary>
    public int AppendCalls => Volatile.Read(ref _appendCalls);

    /// <summary><c>appendBatch</c> calls made, whether they succeeded or not.</summary>
    public int BatchCalls => Volatile.Read(ref _batchCalls);

    /// <summary>All calls made.</summary>
    public int Calls => AppendCalls + BatchCalls;

    /// <summary>How many times <see cref="DisposeAsync"/> was called.</summary>
    public int DisposeCount => Volatile.Read(ref _disposeCount);

    /// <summary>When set, every call throws <see cref="EventDeliveryException"/> until cleared.</summary>
    public bool FailAlways
    {
        get => _failAlways;
        set => _failAlways = value;
    }

    /// <summary>
    /// When set, each call awaits <c>Task.Delay(ResponseDelay, TimeProvider)</c> before answering, so with a
    /// <see cref="FakeTimeProvider"/> the answer comes only when the test advances time.
    /// </summary>
    public TimeSpan? ResponseDelay { get; set; }

    /// <summary>Clock used by <see cref="ResponseDelay"/>. Default: <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    /// <summary>
    /// Runs before a call is accepted, with the events of the call; throwing from it fails the call. Overrides
    /// nothing else: <see cref="FailAlways"/> and <see cref="FailNext"/> are checked first.
    /// </summary>
    public Func<IReadOnlyList<FlumeEvent>, CancellationToken, ValueTask>? OnCall { get; set; }

    /// <summary>Runs first on every call, before any scripted outcome, so tests can see the order of attempts.</summary>
    public Action<FakeRpcClient>? OnAttempt { get; set; }

    /// <summary>Makes <see cref="IsActive"/> false without disposing, as a client that lost its connection for good.</summary>
    public void MarkInactive() => _inactive = true;

    /// <summary>Makes the next <paramref name="count"/> calls throw <see cref="EventDeliveryException"/>.</summary>
    public void FailNext(int count) => Interlocked.Exchange(ref _failuresLeft, count);

    /// <inheritdoc/>
    public ValueTask AppendAsync(FlumeEvent flumeEvent, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _appendCalls);
        return HandleAsync([Copy(flumeEvent)], cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask AppendBatchAsync(IReadOnlyList<FlumeEvent> events, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(events);
        Interlocked.Increment(ref _batchCalls);
        var copies = new FlumeEvent[events.Count];
        for (var i = 0; i < copies.Length; i++)
        {
            copies[i] = Copy(events[i]);
        }

        return HandleAsync(copies, cancellationToken);
    }

    /// <inheritdoc/>
    public ValueTask DisposeAsync()
    {
        Interlocked.Increment(ref _disposeCount);
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// An event built on its producer's memory (the appenders' packed events, whose chunk is reused once the call is
    /// over) is kept as a copy, as a real client's wire would keep its bytes; any other event is kept as is, so tests
    /// can check that the same instances were sent.
    /// </summary>
    private static FlumeEvent Copy(FlumeEvent flumeEvent) =>
        flumeEvent.TryGetPacked(out _)
            ? new(flumeEvent.Headers, flumeEvent.Body.ToArray())
            : flumeEvent;

    private async ValueTask HandleAsync(FlumeEvent[] events, CancellationToken cancellationToken)
    {
        OnAttempt?.Invoke(this);
        ObjectDisposedException.ThrowIf(DisposeCount > 0, this);

        if (ResponseDelay is { } delay)
        {
            await Task.Delay(delay, TimeProvider, cancellationToken);
        }

        if (_failAlways)
        {
            throw new EventDeliveryException($"{Name} is down");
        }

        if (Interlocked.Decrement(ref _failuresLeft) >= 0)
        {
            throw new EventDeliveryException($"{Name} failed as scripted");
        }

        Interlocked.Increment(ref _failuresLeft);
        if (OnCall is { } onCall)
        {
            await onCall(events, cancellationToken);
        }

        _accepted.Enqueue(events);
    }
}
