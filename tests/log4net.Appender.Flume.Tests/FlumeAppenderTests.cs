using System.Globalization;
using System.Reflection;
using System.Text;
using System.Text.Json;
using Flume.Logging.Appenders;
using Flume.Logging.Protocol;
using Flume.Logging.Testing;
using log4net.Core;
using log4net.Filter;
using log4net.Layout;

namespace log4net.Appender.Flume.Tests;

public sealed class FlumeAppenderTests
{
    private static string Body(FlumeEvent flumeEvent) => Encoding.UTF8.GetString(flumeEvent.Body.Span);

    private static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}";

    private static LoggingEvent Event(string message, Level? level = null) =>
        new(typeof(FlumeAppenderTests), null, "direct", level ?? Level.Info, message, null);

    [Theory]
    [InlineData("VERBOSE", FlumeLogLevel.Trace)]
    [InlineData("FINEST", FlumeLogLevel.Trace)]
    [InlineData("TRACE", FlumeLogLevel.Trace)]
    [InlineData("FINER", FlumeLogLevel.Trace)]
    [InlineData("DEBUG", FlumeLogLevel.Debug)]
    [InlineData("FINE", FlumeLogLevel.Debug)]
    [InlineData("INFO", FlumeLogLevel.Info)]
    [InlineData("NOTICE", FlumeLogLevel.Info)]
    [InlineData("WARN", FlumeLogLevel.Warn)]
    [InlineData("ERROR", FlumeLogLevel.Error)]
    [InlineData("SEVERE", FlumeLogLevel.Error)]
    [InlineData("CRITICAL", FlumeLogLevel.Fatal)]
    [InlineData("ALERT", FlumeLogLevel.Fatal)]
    [InlineData("FATAL", FlumeLogLevel.Fatal)]
    [InlineData("EMERGENCY", FlumeLogLevel.Fatal)]
    public void Each_log4net_level_maps_to_the_log4j_level_at_or_below_it(string level, FlumeLogLevel expected)
    {
        var repository = LogManager.CreateRepository(Guid.NewGuid().ToString("N"));

        Assert.Equal(expected, Log4NetLevelMapping.ToFlumeLevel(repository.LevelMap[level]));
    }

    [Fact]
    public void An_event_without_a_level_is_TRACE_as_it_passes_every_threshold() =>
        Assert.Equal(FlumeLogLevel.Trace, Log4NetLevelMapping.ToFlumeLevel(null));

    [Fact]
    public void Events_carry_the_log4j_level_numbers_in_their_level_header()
    {
        var client = new FakeRpcClient();
        using var log4net = Log4NetHarness.FromCode(UniqueName("levels"), client);
        var logger = log4net.Logger("levels").Logger;
        Level[] levels = [Level.Verbose, Level.Trace, Level.Debug, Level.Info, Level.Notice, Level.Warn, Level.Error, Level.Severe, Level.Critical, Level.Fatal, Level.Emergency];

        foreach (var level in levels)
        {
            logger.Log(typeof(FlumeAppenderTests), level, level.Name, null);
        }

        Assert.True(log4net.Appender.Flush(10_000));
        Assert.Equal(
            ["5000", "5000", "10000", "20000", "20000", "30000", "40000", "40000", "50000", "50000", "50000"],
            client.AcceptedEvents.Select(e => e.Headers[Log4jHeaders.LogLevel]));
    }

    [Fact]
    public void Events_carry_the_rendered_layout_Flume_log4j_headers_and_per_event_header_layouts()
    {
        var client = new FakeRpcClient();
        using var log4net = Log4NetHarness.FromCode(UniqueName("headers"), client, appender =>
        {
            appender.Layout = new PatternLayout("%level|%message");
            appender.HostNameHeader = "";
            appender.AddHeader(new FlumeHeader("app", new PatternLayout("orders")));
            appender.AddHeader(new FlumeHeader("id", new PatternLayout("%property{id}")));
        });
        var log = log4net.Logger("Orders.Api");
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        try
        {
            for (var i = 0; i < 250; i++)
            {
                ThreadContext.Properties["id"] = i;
                log.InfoFormat(CultureInfo.InvariantCulture, "order {0}", i);
            }
        }
        finally
        {
            ThreadContext.Properties.Remove("id");
        }

        Assert.True(log4net.Appender.Flush(10_000));
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        var events = client.AcceptedEvents;
        Assert.Equal(250, events.Count);
        OrderEvents.RequireInOrder(events, "INFO", before, after);
    }

    [Fact]
    public void Without_a_layout_the_body_is_the_message_then_the_exception_on_the_next_line()
    {
        var client = new FakeRpcClient();
        using var log4net = Log4NetHarness.FromCode(UniqueName("default-layout"), client);
        var log = log4net.Logger("errors");

        log.Info("plain");
        log.Error("failed", new InvalidOperationException("boom"));

        Assert.True(log4net.Appender.Flush(10_000));
        var events = client.AcceptedEvents;
        Assert.Equal("plain", Body(events[0]));
        Assert.StartsWith("failed\nSystem.InvalidOperationException: boom", Body(events[1]), StringComparison.Ordinal);
        Assert.Equal("test-host", events[0].Headers[Log4jHeaders.Address]);
    }

    [Fact]
    public void A_layout_that_ignores_exceptions_gets_them_on_the_next_line_and_one_that_renders_them_is_left_alone()
    {
        var ignoring = new FakeRpcClient();
        var rendering = new FakeRpcClient();
        using var withoutException = Log4NetHarness.FromCode(UniqueName("ignores"), ignoring, a => a.Layout = new PatternLayout("[%message]"));
        using var withException = Log4NetHarness.FromCode(UniqueName("renders"), rendering, a => a.Layout = new PatternLayout("[%message] %exception"));

        withoutException.Logger("errors").Error("failed", new InvalidOperationException("boom"));
        withException.Logger("errors").Error("failed", new InvalidOperationException("boom"));

        Assert.True(withoutException.Appender.Flush(10_000));
        Assert.True(withException.Appender.Flush(10_000));
        Assert.StartsWith("[failed]\nSystem.InvalidOperationException: boom", Body(Assert.Single(ignoring.AcceptedEvents)), StringComparison.Ordinal);
        var rendered = Body(Assert.Single(rendering.AcceptedEvents));
        Assert.StartsWith("[failed] System.InvalidOperationException: boom", rendered, StringComparison.Ordinal);
        Assert.Equal(rendered.IndexOf("boom", StringComparison.Ordinal), rendered.LastIndexOf("boom", StringComparison.Ordinal));
    }

    [Fact]
    public void PropertiesAsHeaders_sends_log4net_context_properties_as_headers_but_not_log4net_own()
    {
        var client = new FakeRpcClient();
        var plainClient = new FakeRpcClient();
        using var log4net = Log4NetHarness.FromCode(UniqueName("properties"), client, a => a.PropertiesAsHeaders = "true");
        using var plain = Log4NetHarness.FromCode(UniqueName("no-properties"), plainClient);
        ThreadContext.Properties["user"] = "ann";
        try
        {
            using (ThreadContext.Stacks["NDC"].Push("request 7"))
            {
                log4net.Logger("props").Info("with context");
                plain.Logger("props").Info("with context");
            }
        }
        finally
        {
            ThreadContext.Properties.Remove("user");
        }

        Assert.True(log4net.Appender.Flush(10_000));
        Assert.True(plain.Appender.Flush(10_000));
        var headers = Assert.Single(client.AcceptedEvents).Headers;
        Assert.Equal("ann", headers["user"]);
        Assert.Equal("request 7", headers["NDC"]);
        Assert.DoesNotContain(headers.Keys, key => key.StartsWith("log4net:", StringComparison.Ordinal));
        Assert.False(Assert.Single(plainClient.AcceptedEvents).Headers.ContainsKey("user"));
    }

    [Fact]
    public void A_Json_body_carries_the_layout_text_and_the_exception_apart()
    {
        var client = new FakeRpcClient();
        using var log4net = Log4NetHarness.FromCode(UniqueName("json"), client, a => a.Body = "Json");

        log4net.Logger("Orders.Api").Error("failed", new InvalidOperationException("boom"));

        Assert.True(log4net.Appender.Flush(10_000));
        using var json = JsonDocument.Parse(Assert.Single(client.AcceptedEvents).Body);
        Assert.Equal("failed", json.RootElement.GetProperty("message").GetString());
        Assert.Equal("ERROR", json.RootElement.GetProperty("level").GetString());
        Assert.Equal("Orders.Api", json.RootElement.GetProperty("logger").GetString());
        Assert.StartsWith("System.InvalidOperationException: boom", json.RootElement.GetProperty("exception").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public void The_threshold_and_the_filter_chain_decide_which_calls_are_sent()
    {
        var client = new FakeRpcClient();
        using var log4net = Log4NetHarness.FromCode(UniqueName("filters"), client, appender =>
        {
            appender.Threshold = Level.Warn;
            appender.AddFilter(new StringMatchFilter { StringToMatch = "secret", AcceptOnMatch = false });
        });
        var log = log4net.Logger("filtered");

        log.Info("below the threshold");
        log.Warn("a secret");
        log.Warn("kept");
        ((IBulkAppender)log4net.Appender).DoAppend([Event("bulk secret", Level.Error), Event("bulk kept", Level.Error), Event("bulk info")]);

        Assert.True(log4net.Appender.Flush(10_000));
        Assert.Equal(["kept", "bulk kept"], client.AcceptedEvents.Select(Body));
    }

    [Fact]
    public void A_layout_that_logs_does_not_re_enter_its_own_appender()
    {
        var client = new FakeRpcClient();
        var name = UniqueName("reentrant");
        ILog? log = null;
        using var log4net = Log4NetHarness.FromCode(name, client, a => a.Layout = new LoggingLayout(() => log));
        log = log4net.Logger("loops");

        log.Info("outer");

        Assert.True(log4net.Appender.Flush(10_000));
        Assert.Equal("outer", Body(Assert.Single(client.AcceptedEvents)));
    }

    [Fact]
    public void A_log_call_does_not_wait_for_the_lock_AppenderSkeleton_DoAppend_would_take()
    {
        var client = new FakeRpcClient();
        using var log4net = Log4NetHarness.FromCode(UniqueName("lock-free"), client);
        var lockObject = typeof(AppenderSkeleton).GetProperty("LockObj", BindingFlags.NonPublic | BindingFlags.Instance)!.GetValue(log4net.Appender)!;
        var log = log4net.Logger("unlocked");

        var logging = new Thread(() => log.Info("while the lock is held"));
        bool finished;
        lock (lockObject)
        {
            // Held by this thread, as a preempted logging thread inside AppenderSkeleton.DoAppend would hold it.
            logging.Start();
            finished = logging.Join(TimeSpan.FromSeconds(10));
        }

        Assert.True(finished, "the log call waited for the appender's lock");
        Assert.True(log4net.Appender.Flush(10_000));
        Assert.Single(client.AcceptedEvents);
    }

    [Fact]
    public void A_throwing_layout_loses_its_event_and_reports_it_without_throwing_into_the_call()
    {
        var client = new FakeRpcClient();
        var errors = new RecordingErrorHandler();
        using var log4net = Log4NetHarness.FromCode(UniqueName("throwing"), client, a =>
        {
            a.Layout = new ThrowingLayout();
            a.ErrorHandler = errors;
        });

        log4net.Logger("broken").Info("never rendered");

        Assert.Contains(errors.Messages, m => m.Contains("failed to append", StringComparison.Ordinal));
        Assert.True(log4net.Appender.Flush(10_000));
        Assert.Empty(client.AcceptedEvents);
    }

    [Fact]
    public void Flush_returns_true_once_everything_logged_before_it_is_sent()
    {
        var client = new FakeRpcClient();
        // Batches would otherwise wait up to a minute to fill.
        using var log4net = Log4NetHarness.FromCode(UniqueName("flush"), client, a => (a.BatchSize, a.FlushInterval) = ("1000", "00:01:00"));
        var log = log4net.Logger("flushed");
        for (var i = 0; i < 1500; i++)
        {
            log.Info("line");
        }

        Assert.True(log4net.Appender.Flush(10_000));

        Assert.Equal(1500, client.AcceptedEvents.Count);
    }

    [Fact]
    public void Flush_returns_false_when_its_timeout_passes_while_the_relay_is_down()
    {
        var client = new FakeRpcClient { FailAlways = true };
        using var log4net = Log4NetHarness.FromCode(UniqueName("flush-down"), client, a => a.ShutdownTimeout = "00:00:00.2");
        log4net.Logger("down").Info("stuck");
        var clock = System.Diagnostics.Stopwatch.StartNew();

        Assert.False(log4net.Appender.Flush(200));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"Flush(200) took {clock.Elapsed}");
    }

    [Fact]
    public void Closing_sends_what_is_still_queued()
    {
        var client = new FakeRpcClient();
        var log4net = Log4NetHarness.FromCode(UniqueName("close"), client, a => (a.BatchSize, a.FlushInterval) = ("1000", "00:01:00"));
        var log = log4net.Logger("closing");
        for (var i = 0; i < 500; i++)
        {
            log.Info("line");
        }

        log4net.Dispose();

        Assert.Equal(500, client.AcceptedEvents.Count);
        Assert.Equal(0, log4net.Appender.EventsDropped);
    }

    [Fact]
    public void Closing_with_the_relay_down_reports_the_delivery_problem_and_the_total_dropped_to_log4net_once()
    {
        var client = new FakeRpcClient { FailAlways = true };
        var name = UniqueName("close-down");
        using var logLog = new LogLogCapture();
        var log4net = Log4NetHarness.FromCode(name, client, a => a.ShutdownTimeout = "00:00:00.3");
        var log = log4net.Logger("down");
        for (var i = 0; i < 5; i++)
        {
            log.Info("lost");
        }

        log4net.Dispose();

        var messages = logLog.About(name);
        Assert.Contains(messages, m => m.StartsWith($"log4net:WARN [{name}] ", StringComparison.Ordinal) && m.Contains("cannot deliver to 127.0.0.1:1", StringComparison.Ordinal));
        Assert.EndsWith("; 5 dropped in total", messages[^1], StringComparison.Ordinal);
        Assert.StartsWith($"log4net:WARN [{name}] ", messages[^1], StringComparison.Ordinal);
        Assert.DoesNotContain(messages, m => m.Contains("events were dropped in total", StringComparison.Ordinal));
        Assert.Empty(client.AcceptedEvents);
    }

    [Fact]
    public void Appending_after_close_neither_throws_nor_sends_and_tells_the_error_handler()
    {
        var client = new FakeRpcClient();
        var errors = new RecordingErrorHandler();
        var log4net = Log4NetHarness.FromCode(UniqueName("closed"), client, a => a.ErrorHandler = errors);
        log4net.Dispose();

        ((IAppender)log4net.Appender).DoAppend(Event("after close"));
        log4net.Appender.DoAppend([Event("after close too")]);
        ((AppenderSkeleton)log4net.Appender).DoAppend(Event("through the base class"));

        Assert.Contains(errors.Messages, m => m.Contains("closed appender", StringComparison.Ordinal));
        Assert.Empty(client.AcceptedEvents);
        Assert.Null(log4net.Appender.Delivery);
    }

    [Fact]
    public void Activating_again_applies_new_settings_after_sending_what_the_old_ones_queued()
    {
        // Each delivery core disposes its client when it stops, so each gets one of its own.
        var clients = new System.Collections.Concurrent.ConcurrentQueue<FakeRpcClient>();
        using var log4net = Log4NetHarness.FromCode(
            UniqueName("reactivate"),
            _ =>
            {
                var client = new FakeRpcClient();
                clients.Enqueue(client);
                return client;
            },
            a => (a.BatchSize, a.FlushInterval) = ("1000", "00:01:00"));
        IEnumerable<string> Sent() => clients.SelectMany(c => c.AcceptedEvents).Select(Body);
        var log = log4net.Logger("reconfigured");
        log.Info("before");
        var first = log4net.Appender.Delivery;

        log4net.Appender.Layout = new PatternLayout("new %message");
        log4net.Appender.ActivateOptions();
        Assert.Equal(["before"], Sent());
        log.Info("after");

        Assert.NotSame(first, log4net.Appender.Delivery);
        Assert.True(log4net.Appender.Flush(10_000));
        Assert.Equal(["before", "new after"], Sent());
    }

    /// <summary>A layout that logs through the logger it renders for, as a careless ToString might.</summary>
    private sealed class LoggingLayout(Func<ILog?> log) : LayoutSkeleton
    {
        public override void ActivateOptions()
        {
        }

        public override void Format(TextWriter writer, LoggingEvent loggingEvent)
        {
            log()?.Info("from inside the layout");
            writer.Write(loggingEvent.RenderedMessage);
        }
    }

    private sealed class ThrowingLayout : LayoutSkeleton
    {
        public override void ActivateOptions()
        {
        }

        public override void Format(TextWriter writer, LoggingEvent loggingEvent) => throw new InvalidOperationException("layout broken");
    }

    private sealed class RecordingErrorHandler : IErrorHandler
    {
        private readonly System.Collections.Concurrent.ConcurrentQueue<string> _messages = new();

        public IReadOnlyCollection<string> Messages => _messages;

        public void Error(string message, Exception? e, ErrorCode errorCode) => _messages.Enqueue(message);

        public void Error(string message, Exception? e) => _messages.Enqueue(message);

        public void Error(string message) => _messages.Enqueue(message);
    }
}
