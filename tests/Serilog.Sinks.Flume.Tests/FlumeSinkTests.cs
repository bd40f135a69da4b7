using System.Globalization;
using System.Text;
using Flume.Logging.Appenders;
using Flume.Logging.Protocol;
using Flume.Logging.Testing;
using Serilog.Core;
using Serilog.Events;

namespace Serilog.Sinks.Flume.Tests;

public sealed class FlumeSinkTests
{
    private static readonly TimeSpan FlushTimeout = TimeSpan.FromSeconds(10);

    private static (FlumeSink Sink, FakeRpcClient Client) NewSink(Action<FlumeAppenderOptions>? configure = null)
    {
        var options = new FlumeAppenderOptions { Hosts = "127.0.0.1:1", FlushInterval = TimeSpan.FromMilliseconds(20) };
        options.Headers["application"] = "tests";
        configure?.Invoke(options);
        var client = new FakeRpcClient();
        return (new FlumeSink(options, CultureInfo.InvariantCulture, _ => client), client);
    }

    private static Logger LoggerOn(ILogEventSink sink) =>
        new LoggerConfiguration().MinimumLevel.Verbose().WriteTo.Sink(sink).CreateLogger();

    private static async Task<FlumeEvent> LogOneAsync(FlumeSink sink, FakeRpcClient client, Action<ILogger> log)
    {
        using (var logger = LoggerOn(sink))
        {
            log(logger);
            Assert.True(await sink.FlushAsync(FlushTimeout));
        }

        return Assert.Single(client.AcceptedEvents);
    }

    private static string Body(FlumeEvent flumeEvent) => Encoding.UTF8.GetString(flumeEvent.Body.Span);

    [Fact]
    public async Task Sends_the_rendered_message_with_the_log4j_headers()
    {
        var (sink, client) = NewSink();
        await using var _ = sink;
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var sent = await LogOneAsync(sink, client, log => log.ForContext("SourceContext", "Shop.Orders").Information("order {OrderId} for {Customer}", 42, "ann"));

        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        Assert.Equal("order 42 for \"ann\"", Body(sent));
        Assert.Equal("Shop.Orders", sent.Headers[Log4jHeaders.LoggerName]);
        Assert.Equal("20000", sent.Headers[Log4jHeaders.LogLevel]);
        Assert.Equal("UTF8", sent.Headers[Log4jHeaders.MessageEncoding]);
        Assert.Equal("tests", sent.Headers["application"]);
        Assert.True(sent.Headers.ContainsKey(Log4jHeaders.Address));
        var timestamp = long.Parse(sent.Headers[Log4jHeaders.Timestamp], CultureInfo.InvariantCulture);
        Assert.InRange(timestamp, before, after);
        Assert.False(sent.Headers.ContainsKey("OrderId"), "properties are headers only when configured");
    }

    [Theory]
    [InlineData(LogEventLevel.Verbose, "5000")]
    [InlineData(LogEventLevel.Debug, "10000")]
    [InlineData(LogEventLevel.Information, "20000")]
    [InlineData(LogEventLevel.Warning, "30000")]
    [InlineData(LogEventLevel.Error, "40000")]
    [InlineData(LogEventLevel.Fatal, "50000")]
    public async Task Maps_each_serilog_level_to_its_log4j_number(LogEventLevel level, string log4jLevel)
    {
        var (sink, client) = NewSink();
        await using var _ = sink;

        var sent = await LogOneAsync(sink, client, log => log.Write(level, "at {Level}", level));

        Assert.Equal(log4jLevel, sent.Headers[Log4jHeaders.LogLevel]);
    }

    [Fact]
    public async Task Properties_become_headers_when_configured_without_repeating_the_source_context()
    {
        var (sink, client) = NewSink(options => options.PropertiesAsHeaders = true);
        await using var _ = sink;

        var sent = await LogOneAsync(sink, client, log => log.ForContext("SourceContext", "Shop").ForContext("Tenant", "acme")
            .Information("paid {Amount} in {Items}", 12.5m, new[] { 1, 2 }));

        Assert.Equal("12.5", sent.Headers["Amount"]);
        Assert.Equal("acme", sent.Headers["Tenant"]);
        Assert.Equal("[1, 2]", sent.Headers["Items"]);
        Assert.Equal("Shop", sent.Headers[Log4jHeaders.LoggerName]);
        Assert.False(sent.Headers.ContainsKey("SourceContext"));
    }

    [Fact]
    public async Task Json_body_carries_message_level_logger_and_properties()
    {
        var (sink, client) = NewSink(options => options.Body = BodyFormat.Json);
        await using var _ = sink;

        var sent = await LogOneAsync(sink, client, log => log.ForContext("SourceContext", "Shop").Warning("stock {Count} low", 3));

        using var json = System.Text.Json.JsonDocument.Parse(sent.Body);
        var root = json.RootElement;
        Assert.Equal("stock 3 low", root.GetProperty("message").GetString());
        Assert.Equal("WARN", root.GetProperty("level").GetString());
        Assert.Equal("Shop", root.GetProperty("logger").GetString());
        Assert.Equal(3, root.GetProperty("properties").GetProperty("Count").GetInt32());
    }

    [Fact]
    public async Task An_exception_follows_the_message_in_the_body()
    {
        var (sink, client) = NewSink();
        await using var _ = sink;
        var failure = new InvalidOperationException("disk on fire");

        var sent = await LogOneAsync(sink, client, log => log.Error(failure, "backup failed"));

        Assert.StartsWith("backup failed\nSystem.InvalidOperationException: disk on fire", Body(sent), StringComparison.Ordinal);
        Assert.Equal("40000", sent.Headers[Log4jHeaders.LogLevel]);
    }

    [Fact]
    public async Task Disposing_the_logger_sends_everything_queued_before_it_returns()
    {
        var (sink, client) = NewSink(options => options.FlushInterval = TimeSpan.FromMinutes(5));
        var logger = LoggerOn(sink);
        for (var i = 0; i < 250; i++)
        {
            logger.Information("event {Index}", i);
        }

        // Serilog disposes its sinks here, as Log.CloseAndFlush() does.
        logger.Dispose();

        var bodies = client.AcceptedEvents.Select(Body).ToList();
        Assert.Equal(Enumerable.Range(0, 250).Select(i => $"event {i}"), bodies);
        Assert.Equal(250, sink.EventsSent);
        await sink.DisposeAsync();
    }

    [Fact]
    public async Task Disposing_the_logger_asynchronously_sends_everything_queued()
    {
        var (sink, client) = NewSink(options => options.FlushInterval = TimeSpan.FromMinutes(5));
        var logger = LoggerOn(sink);
        for (var i = 0; i < 30; i++)
        {
            logger.Information("event {Index}", i);
        }

        // Serilog calls the sink's DisposeAsync here, as Log.CloseAndFlushAsync() does.
        await logger.DisposeAsync();

        Assert.Equal(30, client.AcceptedEvents.Count);
        Assert.Equal(1, client.DisposeCount);
    }

    [Fact]
    public async Task Disposing_the_logger_asynchronously_waits_for_delivery_without_blocking_the_caller()
    {
        var answer = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var (sink, client) = NewSink(options => options.FlushInterval = TimeSpan.FromMinutes(5));
        client.OnCall = async (_, cancellationToken) => await answer.Task.WaitAsync(cancellationToken);
        var logger = LoggerOn(sink);
        logger.Information("held by the relay");

        // A synchronous dispose would block here until the relay answers (never, in this test) or the timeout.
        var disposing = logger.DisposeAsync();

        Assert.False(disposing.IsCompleted, "DisposeAsync returned only once delivery had ended: it blocked its caller");
        answer.SetResult();
        await disposing;
        Assert.Single(client.AcceptedEvents);
    }

    [Fact]
    public async Task Logging_after_dispose_neither_throws_nor_sends_and_counts_the_drop()
    {
        var (sink, client) = NewSink();
        await sink.DisposeAsync();

        sink.Emit(new LogEvent(DateTimeOffset.UtcNow, LogEventLevel.Information, null, MessageTemplate.Empty, []));

        Assert.Equal(1, sink.EventsDropped);
        Assert.Empty(client.AcceptedEvents);
    }
}
