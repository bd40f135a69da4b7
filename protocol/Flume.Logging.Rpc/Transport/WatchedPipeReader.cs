using System.Buffers;
using System.IO.Pipelines;
using System.Runtime.CompilerServices;

namespace Flume.Logging.Rpc.Transport;

/// <summary>
/// A connection's input as its handler sees it, timed for <see cref="ConnectionLimits"/>. No handler has to report
/// frames: what it leaves unconsumed after a read is a frame in progress, and consuming anything completes one.
/// Only time spent waiting on the peer is counted, so a slow channel never makes a client look idle or slow.
/// </summary>
internal sealed class WatchedPipeReader : PipeReader
{
    private readonly PipeReader _inner;
    private readonly TimeProvider _time;
    private readonly Lock _lock = new();
    private ReadOnlySequence<byte> _lastBuffer;

    // Guarded by _lock: read by the server's watch loop, written by the connection's handler.
    private long _waitingSince;
    private bool _waiting;
    private long _waitedTicks;
    private long _frameWaitedTicks;
    private long _frameBytes;

    /// <summary>
    /// Watches <paramref name="inner"/>, waiting on the peer since <paramref name="waitingSince"/> (a timestamp of
    /// <paramref name="time"/>): until the handler's first read, the time its start takes counts as the peer's too.
    /// </summary>
    public WatchedPipeReader(PipeReader inner, TimeProvider time, long waitingSince)
    {
        _inner = inner;
        _time = time;
        _waitingSince = waitingSince;
        _waiting = true;
    }

    // Pooled: a connection's every read that waits on the peer would otherwise allocate its state machine.
    [AsyncMethodBuilder(typeof(PoolingAsyncValueTaskMethodBuilder<>))]
    public override async ValueTask<ReadResult> ReadAsync(CancellationToken cancellationToken = default)
    {
        lock (_lock)
        {
            // Already waiting only at the first read, whose wait began when the connection was opened.
            if (!_waiting)
            {
                _waitingSince = _time.GetTimestamp();
                _waiting = true;
            }
        }

        ReadResult result;
        try
        {
            result = await _inner.ReadAsync(cancellationToken);
        }
        finally
        {
            lock (_lock)
            {
                var elapsed = _time.GetElapsedTime(_waitingSince).Ticks;
                _waitedTicks += elapsed;
                if (_frameBytes > 0)
                {
                    // The rate clock runs only once a frame has begun, so a pause between frames is not held against it.
                    _frameWaitedTicks += elapsed;
                }

                _waiting = false;
            }
        }

        Received(result.Buffer);
        return result;
    }

    public override bool TryRead(out ReadResult result)
    {
        if (!_inner.TryRead(out result))
        {
            return false;
        }

        Received(result.Buffer);
        return true;
    }

    public override void AdvanceTo(SequencePosition consumed) => AdvanceTo(consumed, consumed);

    public override void AdvanceTo(SequencePosition consumed, SequencePosition examined)
    {
        var completedFrame = _lastBuffer.Slice(_lastBuffer.Start, consumed).Length > 0;
        var left = _lastBuffer.Slice(consumed).Length;
        lock (_lock)
        {
            if (completedFrame)
            {
                // A new frame (or silence) starts now: both clocks restart.
                _waitedTicks = 0;
                _frameWaitedTicks = 0;
            }

            if (left == 0)
            {
                _frameWaitedTicks = 0;
            }

            _frameBytes = left;
        }

        _lastBuffer = default;
        _inner.AdvanceTo(consumed, examined);
    }

    public override void CancelPendingRead() => _inner.CancelPendingRead();

    public override void Complete(Exception? exception = null) => _inner.Complete(exception);

    public override ValueTask CompleteAsync(Exception? exception = null) => _inner.CompleteAsync(exception);

    /// <summary>
    /// Why the connection breaks <paramref name="limits"/> now, or null. Only while its handler waits on the peer:
    /// a connection being served is never closed for it.
    /// </summary>
    public string? CheckLimits(ConnectionLimits limits)
    {
        long frameBytes;
        TimeSpan waited;
        TimeSpan frameWaited;
        lock (_lock)
        {
            if (!_waiting)
            {
                return null;
            }

            var now = _time.GetElapsedTime(_waitingSince).Ticks;
            frameBytes = _frameBytes;
            waited = TimeSpan.FromTicks(_waitedTicks + now);
            frameWaited = TimeSpan.FromTicks(frameBytes > 0 ? _frameWaitedTicks + now : 0);
        }

        if (limits.IdleTimeout > TimeSpan.Zero && waited >= limits.IdleTimeout)
        {
            return $"no complete frame in {waited.TotalSeconds:0.#} s (idle-timeout {limits.IdleTimeout.TotalSeconds:0.#} s)";
        }

        if (limits.MinDataRate > 0 && frameBytes > 0 && frameWaited > limits.MinDataRateGracePeriod
            && frameBytes < limits.MinDataRate * frameWaited.TotalSeconds)
        {
            return $"{frameBytes} bytes of a frame in {frameWaited.TotalSeconds:0.#} s, under min-data-rate {limits.MinDataRate} bytes/s";
        }

        return null;
    }

    private void Received(ReadOnlySequence<byte> buffer)
    {
        _lastBuffer = buffer;
        lock (_lock)
        {
            _frameBytes = buffer.Length;
        }
    }
}
