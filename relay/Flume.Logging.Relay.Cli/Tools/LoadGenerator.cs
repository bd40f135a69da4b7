using Flume.Logging.Rpc;
using Flume.Logging.Rpc.Backoff;

namespace Flume.Logging.Relay.Cli.Tools;

/// <summary>
/// Sends the pre-built batches of <see cref="LoadBatches"/> over <see cref="LoadOptions.Connections"/> clients, each
/// with one batch in flight, until the event count or the duration is reached or the run is stopped, and measures
/// each batch's latency. A batch that fails is retried with backoff doubling up to 1 s, up to
/// <see cref="LoadOptions.MaxAttempts"/> attempts, then counted as failed and skipped.
/// </summary>
internal sealed class LoadGenerator
{
    private readonly LoadOptions _options;
    private readonly Func<IRpcClient> _createClient;
    private readonly TimeProvider _time;
    private readonly LoadBatches _batches;
    private readonly long _totalBatches;
    private readonly EventRateLimiter? _limiter;
    private long _nextBatch;
    private long _events;
    private long _failedBatches;
    private long _failedAttempts;
    private string? _firstFailure;

    /// <summary>Creates a generator; <paramref name="createClient"/> is called once per connection.</summary>
    public LoadGenerator(LoadOptions options, Func<IRpcClient> createClient, TimeProvider time)
    {
        _options = options;
        _createClient = createClient;
        _time = time;
        var lastSize = options.BatchSize;
        _totalBatches = long.MaxValue;
        if (options.Events is { } events)
        {
            _totalBatches = (events + options.BatchSize - 1) / options.BatchSize;
            var remainder = (int)(events % options.BatchSize);
            lastSize = remainder == 0 ? options.BatchSize : remainder;
        }

        _batches = LoadBatches.Create(options.BatchSize, options.BodySize, options.Headers, lastSize);
        _limiter = options.Rate is { } rate ? new EventRateLimiter(rate, time) : null;
    }

    /// <summary>Events acknowledged so far, for a progress display.</summary>
    public long EventsSent => Interlocked.Read(ref _events);

    /// <summary>
    /// Runs to the end and reports. Cancelling <paramref name="stop"/> ends the run early but still reports: no new
    /// batch starts, and batches in flight are awaited.
    /// </summary>
    public async Task<LoadResult> RunAsync(CancellationToken stop)
    {
        var started = _time.GetTimestamp();
        long? deadline = _options.Duration is { } duration ? started + (long)(duration.TotalSeconds * _time.TimestampFrequency) : null;
        var senders = new Task<LatencyHistogram>[_options.Connections];
        for (var i = 0; i < senders.Length; i++)
        {
            senders[i] = Task.Run(() => SendAsync(deadline, stop), CancellationToken.None);
        }

        var latencies = new LatencyHistogram();
        foreach (var histogram in await Task.WhenAll(senders))
        {
            latencies.Add(histogram);
        }

        var seconds = _time.GetElapsedTime(started).TotalSeconds;
        var msPerTick = 1000.0 / _time.TimestampFrequency;
        var events = EventsSent;
        return new LoadResult(
            events,
            seconds,
            events * _options.BodySize,
            latencies.ValueAtPercentile(50) * msPerTick,
            latencies.ValueAtPercentile(99) * msPerTick,
            latencies.ValueAtPercentile(99.9) * msPerTick,
            Interlocked.Read(ref _failedBatches),
            Interlocked.Read(ref _failedAttempts),
            Volatile.Read(ref _firstFailure));
    }

    private async Task<LatencyHistogram> SendAsync(long? deadline, CancellationToken stop)
    {
        var latencies = new LatencyHistogram();
        var client = _createClient();
        await using (client)
        {
            while (!stop.IsCancellationRequested && (deadline is null || _time.GetTimestamp() < deadline))
            {
                var index = Interlocked.Increment(ref _nextBatch) - 1;
                if (index >= _totalBatches)
                {
                    break;
                }

                var batch = index == _totalBatches - 1 ? _batches.Last : _batches.Full;
                if (_limiter is not null && !await TryWaitAsync(_limiter.WaitAsync(batch.Count, stop)))
                {
                    break;
                }

                var sent = _time.GetTimestamp();
                if (await DeliverAsync(client, batch, stop))
                {
                    latencies.Record(_time.GetTimestamp() - sent);
                    Interlocked.Add(ref _events, batch.Count);
                }
                else
                {
                    Interlocked.Increment(ref _failedBatches);
                }
            }
        }

        return latencies;
    }

    /// <summary>The longest pause between two attempts of one batch.</summary>
    internal static readonly TimeSpan MaxRetryBackoff = TimeSpan.FromSeconds(1);

    private async Task<bool> DeliverAsync(IRpcClient client, IReadOnlyList<Protocol.FlumeEvent> batch, CancellationToken stop)
    {
        // Capped so a long overload run with many attempts keeps probing every second instead of stalling.
        var backoff = BackoffPolicy.Exponential(_options.RetryBackoff, MaxRetryBackoff);
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await client.AppendBatchAsync(batch, CancellationToken.None);
                return true;
            }
            catch (EventDeliveryException e)
            {
                Interlocked.Increment(ref _failedAttempts);
                Interlocked.CompareExchange(ref _firstFailure, e.Message, null);
            }

            if (attempt >= _options.MaxAttempts || !await TryWaitAsync(Task.Delay(backoff.Delay(attempt), _time, stop)))
            {
                return false;
            }
        }
    }

    private static async Task<bool> TryWaitAsync(ValueTask wait)
    {
        try
        {
            await wait;
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private static Task<bool> TryWaitAsync(Task wait) => TryWaitAsync(new ValueTask(wait));
}
