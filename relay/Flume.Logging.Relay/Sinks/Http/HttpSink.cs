using System.Net.Http.Headers;
using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Metrics;
using Flume.Logging.Rpc;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Relay.Sinks.Http;

/// <summary>
/// Flume's <c>http</c> sink: each event's body is POSTed to the endpoint in its own transaction, and the response's
/// status decides, through <c>rollback.CODE</c>, <c>backoff.CODE</c> and <c>incrementMetrics.CODE</c> (or their
/// defaults), whether the event is committed, whether the sink backs off and whether it counts as drained.
/// </summary>
/// <remarks>
/// A rolled-back backoff (Flume's default for every status) is reported to the sink runner as a failed step, so it
/// pauses with its growing backoff before the event is sent again; a committed backoff waits for the channel, as
/// an empty channel does. A connection failure or timeout rolls back and is a failed step too. No Polly pipeline:
/// retry and backoff are the runner's, and the two timeouts are the handler's ConnectTimeout and one linked token.
/// </remarks>
internal sealed partial class HttpSink : ISink, IMonitoredComponent, IAsyncDisposable
{
    /// <summary>Flume's class name, accepted as <c>type</c> too.</summary>
    public const string FlumeClass = "org.apache.flume.sink.http.HttpSink";

    private readonly HttpSinkOptions _options;
    private readonly IChannel _channel;
    private readonly ILogger _logger;
    private readonly HttpClient _client;
    private readonly MediaTypeHeaderValue _contentType;

    public HttpSink(string name, IChannel channel, HttpSinkOptions options, ILogger<HttpSink> logger)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        Name = name;
        _channel = channel;
        _options = options;
        _logger = logger;
        _contentType = MediaTypeHeaderValue.Parse(options.ContentType);
        _client = new HttpClient(new SocketsHttpHandler { ConnectTimeout = options.ConnectTimeout })
        {
            // The request timeout is applied per request with a token, so it also bounds reading the response.
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _client.DefaultRequestHeaders.Accept.Add(MediaTypeWithQualityHeaderValue.Parse(options.Accept));
        Counter = new SinkCounter(name);
    }

    public string Name { get; }

    /// <summary>Flume's sink counters of this sink.</summary>
    public SinkCounter Counter { get; }

    CounterGroup IMonitoredComponent.Counters => Counter;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Counter.Start();
        if (HttpSinkOptions.Resolve(_options.Rollback, 200, _options.DefaultRollback))
        {
            // Flume's defaults roll back every answer, 200 included: with only an endpoint set, each event is posted
            // again and again. Flume behaves the same; the user guide's example sets the overrides.
            LogEverySuccessRollsBack(Name);
        }

        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Counter.Stop();
        return Task.CompletedTask;
    }

    public ValueTask DisposeAsync()
    {
        _client.Dispose();
        return ValueTask.CompletedTask;
    }

    public async ValueTask<SinkStatus> ProcessAsync(CancellationToken cancellationToken)
    {
        using var transaction = _channel.BeginTransaction();
        var taken = transaction.Take();
        if (taken is null || taken.Body.Length == 0)
        {
            // Flume consumes an empty event without a request.
            await transaction.CommitAsync(cancellationToken);
            return taken is null ? SinkStatus.Backoff : SinkStatus.Ready;
        }

        Counter.AddDrainAttempt(1);
        int status;
        try
        {
            status = await PostAsync(taken.Body, cancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            transaction.Rollback();
            Counter.AddEventWriteFail(1);
            Counter.IncrementConnectionFailed();
            throw new EventDeliveryException($"http sink {Name}: POST to {_options.Endpoint} failed: {Describe(e)}", e);
        }
        catch
        {
            transaction.Rollback();
            throw;
        }

        var rollback = HttpSinkOptions.Resolve(_options.Rollback, status, _options.DefaultRollback);
        var backoff = HttpSinkOptions.Resolve(_options.Backoff, status, _options.DefaultBackoff);
        if (rollback)
        {
            transaction.Rollback();
        }
        else
        {
            await transaction.CommitAsync(cancellationToken);
        }

        if (HttpSinkOptions.Resolve(_options.IncrementMetrics, status, _options.DefaultIncrementMetrics))
        {
            Counter.AddDelivered(1, 1);
        }

        if (rollback && backoff)
        {
            Counter.AddEventWriteFail(1);
            throw new EventDeliveryException(
                $"http sink {Name}: {_options.Endpoint} answered {status}; the event stays in the channel (rollback.{status} and backoff.{status} resolve to true" +
                (status is >= 200 and < 300 ? $"; set rollback.2XX = false and backoff.2XX = false to take 2xx answers as delivered)" : ")"));
        }

        LogAnswered(Name, status, rollback ? "rolled back" : "committed");
        return backoff ? SinkStatus.Backoff : SinkStatus.Ready;
    }

    private async Task<int> PostAsync(ReadOnlyMemory<byte> body, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(_options.RequestTimeout);
        using var content = new ReadOnlyMemoryContent(body);
        content.Headers.ContentType = _contentType;
        using var response = await _client.PostAsync(_options.Endpoint, content, timeout.Token);

        // Read the answer to its end, as Flume does, so the connection can be reused.
        await response.Content.CopyToAsync(Stream.Null, timeout.Token);
        return (int)response.StatusCode;
    }

    private string Describe(Exception e) => e is OperationCanceledException
        ? $"no response within requestTimeout {_options.RequestTimeout.TotalMilliseconds} ms"
        : e.Message;

    [LoggerMessage(Level = LogLevel.Warning, Message = "http sink {Sink}: a 200 answer rolls the event back and it is posted again (Flume's defaults: defaultRollback and defaultBackoff true for every status); set rollback.2XX = false and backoff.2XX = false, as the Flume user guide's example does, to take 2xx answers as delivered")]
    private partial void LogEverySuccessRollsBack(string sink);

    [LoggerMessage(Level = LogLevel.Debug, Message = "http sink {Sink}: endpoint answered {Status}; event {Outcome}")]
    private partial void LogAnswered(string sink, int status, string outcome);
}
