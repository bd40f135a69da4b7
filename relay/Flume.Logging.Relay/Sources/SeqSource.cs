using System.Globalization;
using System.Text;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Metrics;
using Flume.Logging.Rpc.Backoff;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Relay.Sources;

/// <summary>
/// Flume's <c>seq</c> source: generates events whose bodies are 0, 1, 2, ... up to <c>totalEvents</c>, in
/// batches of <c>batchSize</c>. A batch the channel refuses is retried with the same numbers, so after
/// de-duplication the receiver sees exactly <c>totalEvents</c> distinct events.
/// </summary>
internal sealed partial class SeqSource : ISource, IBatchSizeSupported, IAsyncDisposable, IMonitoredComponent
{
    private static readonly BackoffPolicy RetryPause = BackoffPolicy.Exponential(TimeSpan.FromMilliseconds(200), TimeSpan.FromSeconds(5));

    private readonly SeqSourceOptions _options;
    private readonly ChannelProcessor _processor;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SourceLoop _loop = new();

    public SeqSource(string name, SeqSourceOptions options, ChannelProcessor processor, TimeProvider timeProvider, ILogger<SeqSource> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Name = name;
        _options = options;
        _processor = processor;
        _timeProvider = timeProvider;
        _logger = logger;
        Counter = new SourceCounter(name, timeProvider);
    }

    public string Name { get; }

    public int BatchSize => _options.BatchSize;

    /// <summary>Flume's source counters of this source.</summary>
    public SourceCounter Counter { get; }

    CounterGroup IMonitoredComponent.Counters => Counter;

    /// <summary>Events committed so far.</summary>
    public long Sent { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Counter.Start();
        _loop.Start(() => RunAsync(_loop.Stopping));
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _loop.StopAsync(cancellationToken);
        Counter.Stop();
    }

    public ValueTask DisposeAsync() => _loop.DisposeAsync();

    private async Task RunAsync(CancellationToken stopping)
    {
        var batch = new List<FlumeEvent>(_options.BatchSize);
        var failures = 0;
        while (!stopping.IsCancellationRequested && Sent < _options.TotalEvents)
        {
            if (batch.Count == 0)
            {
                var size = (int)Math.Min(_options.BatchSize, _options.TotalEvents - Sent);
                for (var i = 0; i < size; i++)
                {
                    var number = (Sent + i).ToString(CultureInfo.InvariantCulture);
                    batch.Add(new FlumeEvent(Encoding.ASCII.GetBytes(number)));
                }
            }

            Counter.AddEventsReceived(batch.Count);
            try
            {
                await _processor.ProcessBatchAsync(batch, stopping);
                Counter.IncrementAppendBatchAccepted();
                Counter.AddEventsAccepted(batch.Count);
                Sent += batch.Count;
                batch.Clear();
                failures = 0;
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (ChannelException e)
            {
                Counter.IncrementChannelWriteFail();
                failures++;
                var pause = RetryPause.Delay(failures);
                LogRetrying(Name, batch.Count, e.Message, pause.TotalMilliseconds);
                try
                {
                    await Task.Delay(pause, _timeProvider, stopping);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }

        if (Sent >= _options.TotalEvents)
        {
            LogFinished(Name, Sent);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "seq source {Source}: channel refused a batch of {Count}, retrying in {PauseMs} ms: {Reason}")]
    private partial void LogRetrying(string source, int count, string reason, double pauseMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "seq source {Source}: all {Count} events sent")]
    private partial void LogFinished(string source, long count);
}
