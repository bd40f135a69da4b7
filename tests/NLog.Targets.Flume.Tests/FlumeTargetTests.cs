using System.Globalization;
using System.Reflection;
using System.Text;
using Flume.Logging.Appenders;
using Flume.Logging.Rpc;
using Flume.Logging.Testing;
using NLog.Common;
using NLog.Targets.Wrappers;

namespace NLog.Targets.Flume.Tests;

// InternalLogger is process-wide: the tests that read it must not run beside each other.
[Collection(nameof(InternalLoggerCollection))]
public sealed class FlumeTargetTests
{
    private const string XmlConfig = """
        <nlog xmlns="http://www.nlog-project.org/schemas/NLog.xsd"
              xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" throwConfigExceptions="true">
          <extensions><add assembly="NLog.Targets.Flume" /></extensions>
          <targets>
            <target xsi:type="Flume" name="flume" hosts="127.0.0.1:41999 127.0.0.1:42000" protocol="Thrift"
                    selector="Random" batchSize="250" queueLimit="777" overflowAction="Discard"
                    maxBackoff="00:00:07" shutdownTimeout="00:00:02" blockTimeout="00:00:00.050"
                    bufferPath="" hostNameHeader="" layout="${level}|${message}">
              <header name="app" layout="orders" />
              <header name="id" layout="${event-properties:id}" />
            </target>
          </targets>
          <rules><logger name="*" minlevel="Trace" writeTo="flume" /></rules>
        </nlog>
        """;

    [Fact]
    public void Xml_configuration_sets_every_option_and_maps_NLog_queue_names_to_the_core()
    {
        using var factory = new LogFactory();
        factory.Setup().LoadConfigurationFromXml(XmlConfig);
        var target = factory.Configuration!.FindTargetByName<FlumeTarget>("flume")!;

        Assert.NotNull(target.Delivery);
        Assert.Equal(2, target.Headers.Count);
        Assert.Equal("app", target.Headers[0].Name);
        var options = target.ToAppenderOptions();
        Assert.Equal("127.0.0.1:41999 127.0.0.1:42000", options.Hosts);
        Assert.Equal(FlumeProtocol.Thrift, options.Protocol);
        Assert.Equal(HostSelectorKind.Random, options.Selector);
        Assert.Equal(250, options.BatchSize);
        Assert.Equal(777, options.QueueLimit);
        Assert.Equal(OverflowMode.DropNewest, options.Overflow);
        Assert.Equal(TimeSpan.FromSeconds(7), options.MaxBackoff);
        Assert.Equal(TimeSpan.FromSeconds(2), options.ShutdownTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(50), options.BlockTimeout);
        Assert.Null(options.BufferPath);
        Assert.Null(options.HostNameHeader);
    }

    [Fact]
    public void Missing_hosts_is_a_configuration_error_naming_Hosts()
    {
        using var factory = new LogFactory();
        var error = Assert.ThrowsAny<Exception>(() => factory.Setup().LoadConfigurationFromXml(
            XmlConfig.Replace("hosts=\"127.0.0.1:41999 127.0.0.1:42000\"", "", StringComparison.Ordinal)));

        Assert.Contains("Hosts", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Events_carry_the_rendered_layout_log4j_headers_and_header_layouts()
    {
        var client = new FakeRpcClient();
        var target = new FlumeTarget(_ => client) { Name = "flume", Hosts = "127.0.0.1:1", HostNameHeader = "" };
        target.Layout = "${level}|${message}";
        target.Headers.Add(new TargetPropertyWithContext("app", "orders"));
        target.Headers.Add(new TargetPropertyWithContext("id", "${event-properties:id}"));
        using var factory = new LogFactory();
        factory.Setup().LoadConfiguration(c => c.ForLogger(LogLevel.Trace).WriteTo(target));
        var log = factory.GetLogger("Orders.Api");
        // NLog's default time source caches the clock per tick, so its stamps may trail the system clock a little.
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 100;

        for (var i = 0; i < 250; i++)
        {
            log.WithProperty("id", i).Info(CultureInfo.InvariantCulture, "order {0}", i);
        }

        factory.Flush(TimeSpan.FromSeconds(10));
        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

        var events = client.AcceptedEvents;
        Assert.Equal(250, events.Count);
        OrderEvents.RequireInOrder(events, "Info", before, after);
    }

    [Fact]
    public void Each_NLog_level_is_sent_as_its_log4j_number_and_the_default_layout_appends_the_exception()
    {
        var client = new FakeRpcClient();
        var target = new FlumeTarget(_ => client) { Name = "flume", Hosts = "127.0.0.1:1" };
        using var factory = new LogFactory();
        factory.Setup().LoadConfiguration(c => c.ForLogger(LogLevel.Trace).WriteTo(target));
        var log = factory.GetLogger("levels");

        log.Trace("t");
        log.Debug("d");
        log.Info("i");
        log.Warn("w");
        log.Error(new InvalidOperationException("boom"), "e");
        log.Fatal("f");
        factory.Flush(TimeSpan.FromSeconds(10));

        var events = client.AcceptedEvents;
        Assert.Equal(["5000", "10000", "20000", "30000", "40000", "50000"], events.Select(e => e.Headers[Log4jHeaders.LogLevel]));
        var error = Encoding.UTF8.GetString(events[4].Body.Span);
        Assert.StartsWith("e" + Environment.NewLine + "System.InvalidOperationException: boom", error, StringComparison.Ordinal);
        Assert.Equal("t", Encoding.UTF8.GetString(events[0].Body.Span));
    }

    [Theory]
    [InlineData(AsyncTargetWrapperOverflowAction.Discard, OverflowMode.DropNewest)]
    [InlineData(AsyncTargetWrapperOverflowAction.Block, OverflowMode.Block)]
    [InlineData(AsyncTargetWrapperOverflowAction.Grow, OverflowMode.DropNewest)]
    public void OverflowAction_maps_to_the_core_overflow_mode_and_only_Block_waits(AsyncTargetWrapperOverflowAction action, OverflowMode expected) =>
        Assert.Equal(expected, FlumeTarget.ToOverflowMode(action));

    [Fact]
    public void Defaults_are_the_core_defaults_in_NLog_names()
    {
        var core = new FlumeAppenderOptions();
        var target = new FlumeTarget { Hosts = "127.0.0.1:1" };
        var options = target.ToAppenderOptions();

        Assert.Equal(AsyncTargetWrapperOverflowAction.Discard, target.OverflowAction);
        Assert.Equal(core.BatchSize, options.BatchSize);
        Assert.Equal(core.QueueLimit, options.QueueLimit);
        Assert.Equal(core.Overflow, options.Overflow);
        Assert.Equal(core.QueueByteLimit, options.QueueByteLimit);
        Assert.Equal(core.ShutdownTimeout, options.ShutdownTimeout);
        Assert.Equal(core.HostNameHeader, options.HostNameHeader);
    }

    [Fact]
    public async Task A_log_call_does_not_wait_for_the_target_lock()
    {
        var client = new FakeRpcClient();
        var target = new FlumeTarget(_ => client) { Name = "flume", Hosts = "127.0.0.1:1" };
        using var factory = new LogFactory();
        factory.Setup().LoadConfiguration(c => c.ForLogger().WriteTo(target));
        var log = factory.GetLogger("unlocked");
        // NLog's flush and close hold this lock; an AsyncTaskTarget or a plain Target also takes it on every write.
        var syncRoot = typeof(Target).GetProperty("SyncRoot", BindingFlags.Instance | BindingFlags.NonPublic)!.GetValue(target)!;
        using var held = new ManualResetEventSlim();
        using var release = new ManualResetEventSlim();
        var holder = new Thread(() =>
        {
            lock (syncRoot)
            {
                held.Set();
                release.Wait();
            }
        });
        holder.Start();
        held.Wait();

        var logging = Task.Run(() => log.Info("while the lock is held"));
        var returned = await Task.WhenAny(logging, Task.Delay(TimeSpan.FromSeconds(5))) == logging;
        release.Set();
        holder.Join();
        factory.Flush(TimeSpan.FromSeconds(10));

        Assert.True(returned, "the log call waited for the target's lock");
        Assert.Single(client.AcceptedEvents);
    }

    [Fact]
    public void Context_and_event_properties_become_headers_and_a_header_element_wins_on_a_shared_name()
    {
        var client = new FakeRpcClient();
        var target = new FlumeTarget(_ => client) { Name = "flume", Hosts = "127.0.0.1:1", IncludeEventProperties = true };
        target.ContextProperties.Add(new TargetPropertyWithContext("tenant", "acme"));
        target.Headers.Add(new TargetPropertyWithContext("id", "header-${event-properties:id}"));
        using var factory = new LogFactory();
        factory.Setup().LoadConfiguration(c => c.ForLogger().WriteTo(target));

        factory.GetLogger("props").WithProperty("id", 7).WithProperty("amount", 12.5m).Info("paid");
        factory.Flush(TimeSpan.FromSeconds(10));

        var headers = Assert.Single(client.AcceptedEvents).Headers;
        Assert.Equal("acme", headers["tenant"]);
        Assert.Equal("12.5", headers["amount"]);
        Assert.Equal("header-7", headers["id"]);
    }

    [Fact]
    public void Grow_is_bounded_like_Discard_and_says_so_on_the_InternalLogger()
    {
        var target = new FlumeTarget(_ => new FakeRpcClient()) { Name = "flume", Hosts = "127.0.0.1:1", OverflowAction = AsyncTargetWrapperOverflowAction.Grow };

        var internalLog = CaptureInternalLog(() =>
        {
            using var factory = new LogFactory();
            factory.Setup().LoadConfiguration(c => c.ForLogger().WriteTo(target));
        });

        Assert.Equal(OverflowMode.DropNewest, target.ToAppenderOptions().Overflow);
        Assert.Contains("overflowAction Grow acts as Discard", internalLog, StringComparison.Ordinal);
    }

    [Fact]
    public void A_flush_stops_waiting_once_the_relays_are_down_and_keeps_the_events_for_the_close()
    {
        var client = new FakeRpcClient { FailAlways = true };
        var target = new FlumeTarget(_ => client) { Name = "flume", Hosts = "127.0.0.1:1", ShutdownTimeout = TimeSpan.FromSeconds(30) };
        using var factory = new LogFactory();
        factory.Setup().LoadConfiguration(c => c.ForLogger().WriteTo(target));
        factory.GetLogger("down").Info("kept");
        var watch = System.Diagnostics.Stopwatch.StartNew();

        factory.Flush(TimeSpan.FromSeconds(25));

        watch.Stop();
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"the flush waited {watch.Elapsed} with a relay that refuses every batch");
        Assert.Equal(0, target.EventsDropped);
        client.FailAlways = false;
        factory.Shutdown();
        Assert.Equal("kept", System.Text.Encoding.UTF8.GetString(Assert.Single(client.AcceptedEvents).Body.Span));
    }

    [Fact]
    public void With_Discard_a_full_queue_and_a_dead_relay_the_log_calls_return_at_once_and_the_core_counts_drops()
    {
        var client = new FakeRpcClient { FailAlways = true };
        var target = new FlumeTarget(_ => client)
        {
            Name = "flume",
            Hosts = "127.0.0.1:1",
            QueueLimit = 10,
            BatchSize = 5,
            OverflowAction = AsyncTargetWrapperOverflowAction.Discard,
            ShutdownTimeout = TimeSpan.FromMilliseconds(200),
        };
        using var factory = new LogFactory();
        factory.Setup().LoadConfiguration(c => c.ForLogger().WriteTo(target));
        var log = factory.GetLogger("full");
        var watch = System.Diagnostics.Stopwatch.StartNew();

        for (var i = 0; i < 5000; i++)
        {
            log.Info("line {0}", i);
        }

        watch.Stop();
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"5000 log calls took {watch.Elapsed}");
        factory.Shutdown();
        Assert.True(target.EventsDropped > 0, "no drop was counted");
        Assert.Empty(client.AcceptedEvents);
    }

    [Fact]
    public void Unreachable_relay_never_throws_into_the_log_call_and_drops_are_reported_to_the_InternalLogger()
    {
        var client = new FakeRpcClient { FailAlways = true };
        var target = new FlumeTarget(_ => client) { Name = "flume", Hosts = "127.0.0.1:1", ShutdownTimeout = TimeSpan.FromMilliseconds(300) };
        var text = CaptureInternalLog(() =>
        {
            using var factory = new LogFactory();
            factory.Setup().LoadConfiguration(c => c.ForLogger().WriteTo(target));
            var log = factory.GetLogger("down");
            for (var i = 0; i < 5; i++)
            {
                log.Info("lost {0}", i);
            }

            factory.Shutdown();
        });

        Assert.Contains("cannot deliver to 127.0.0.1:1", text, StringComparison.Ordinal);
        var lines = text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        Assert.Contains("[flume] Flume appender: ", lines[^1], StringComparison.Ordinal);
        Assert.EndsWith("; 5 dropped in total", lines[^1], StringComparison.Ordinal);
        Assert.Single(lines, line => line.Contains("5 dropped in total", StringComparison.Ordinal));
        Assert.Empty(client.AcceptedEvents);
    }

    /// <summary>What NLog's process-wide InternalLogger writes at Warn while <paramref name="action"/> runs.</summary>
    private static string CaptureInternalLog(Action action)
    {
        using var internalLog = new StringWriter();
        var previousWriter = InternalLogger.LogWriter;
        var previousLevel = InternalLogger.LogLevel;
        InternalLogger.LogWriter = internalLog;
        InternalLogger.LogLevel = LogLevel.Warn;
        try
        {
            action();
        }
        finally
        {
            InternalLogger.LogWriter = previousWriter;
            InternalLogger.LogLevel = previousLevel;
        }

        return internalLog.ToString();
    }
}
