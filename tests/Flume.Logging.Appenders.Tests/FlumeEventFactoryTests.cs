using System.Text;
using System.Text.Json;
using Flume.Logging.Protocol;

namespace Flume.Logging.Appenders.Tests;

public class FlumeEventFactoryTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 21, 10, 50, 31, 406, TimeSpan.Zero);

    [Fact]
    public void Carries_flumes_log4j_headers_with_numeric_level_and_epoch_millis()
    {
        var factory = new FlumeEventFactory(new FlumeAppenderOptions { Hosts = "127.0.0.1:1" }, hostName: "app-host-1");

        var flumeEvent = factory.Create(new FlumeLogRecord("Orders.Service", FlumeLogLevel.Warn, At, "disk at 91%"));

        Assert.Equal("Orders.Service", flumeEvent.Headers["flume.client.log4j.logger.name"]);
        Assert.Equal("30000", flumeEvent.Headers["flume.client.log4j.log.level"]);
        Assert.Equal(At.ToUnixTimeMilliseconds().ToString(System.Globalization.CultureInfo.InvariantCulture), flumeEvent.Headers["flume.client.log4j.timestamp"]);
        Assert.Equal("UTF8", flumeEvent.Headers["flume.client.log4j.message.encoding"]);
        Assert.Equal("app-host-1", flumeEvent.Headers["flume.client.log4j.address"]);
        Assert.Equal("disk at 91%", Encoding.UTF8.GetString(flumeEvent.Body.Span));
    }

    [Theory]
    [InlineData(FlumeLogLevel.Trace, 5000)]
    [InlineData(FlumeLogLevel.Debug, 10000)]
    [InlineData(FlumeLogLevel.Info, 20000)]
    [InlineData(FlumeLogLevel.Warn, 30000)]
    [InlineData(FlumeLogLevel.Error, 40000)]
    [InlineData(FlumeLogLevel.Fatal, 50000)]
    public void Levels_map_to_log4j_numbers(FlumeLogLevel level, int log4j)
    {
        Assert.Equal(log4j, LogLevelMapping.ToLog4jLevel(level));
        Assert.Equal(log4j.ToString(System.Globalization.CultureInfo.InvariantCulture), LogLevelMapping.ToLog4jHeaderValue(level));
    }

    [Theory]
    [InlineData(Microsoft.Extensions.Logging.LogLevel.Trace, FlumeLogLevel.Trace)]
    [InlineData(Microsoft.Extensions.Logging.LogLevel.Debug, FlumeLogLevel.Debug)]
    [InlineData(Microsoft.Extensions.Logging.LogLevel.Information, FlumeLogLevel.Info)]
    [InlineData(Microsoft.Extensions.Logging.LogLevel.Warning, FlumeLogLevel.Warn)]
    [InlineData(Microsoft.Extensions.Logging.LogLevel.Error, FlumeLogLevel.Error)]
    [InlineData(Microsoft.Extensions.Logging.LogLevel.Critical, FlumeLogLevel.Fatal)]
    public void Microsoft_levels_map_to_flume_levels(Microsoft.Extensions.Logging.LogLevel level, FlumeLogLevel expected) =>
        Assert.Equal(expected, LogLevelMapping.FromMicrosoft(level));

    [Fact]
    public void Extra_headers_and_properties_are_added_and_host_name_header_can_be_renamed_or_left_out()
    {
        var options = new FlumeAppenderOptions { Hosts = "127.0.0.1:1", HostNameHeader = "host", PropertiesAsHeaders = true };
        options.Headers["app"] = "billing";
        var factory = new FlumeEventFactory(options, hostName: "h1");

        var flumeEvent = factory.Create(new FlumeLogRecord("L", FlumeLogLevel.Info, At, "m", Properties: [new("OrderId", 42), new("Ratio", 0.5)]));

        Assert.Equal("billing", flumeEvent.Headers["app"]);
        Assert.Equal("h1", flumeEvent.Headers["host"]);
        Assert.False(flumeEvent.Headers.ContainsKey("flume.client.log4j.address"));
        Assert.Equal("42", flumeEvent.Headers["OrderId"]);
        Assert.Equal("0.5", flumeEvent.Headers["Ratio"]);

        var without = new FlumeEventFactory(new FlumeAppenderOptions { Hosts = "127.0.0.1:1", HostNameHeader = null }, hostName: "h1")
            .Create(new FlumeLogRecord("L", FlumeLogLevel.Info, At, "m", Properties: [new("OrderId", 42)]));
        Assert.Equal(4, without.Headers.Count);
    }

    [Fact]
    public void Message_body_appends_the_exception_on_the_next_line()
    {
        var factory = new FlumeEventFactory(new FlumeAppenderOptions { Hosts = "127.0.0.1:1" }, hostName: "h");
        var error = new InvalidOperationException("boom");

        var body = Encoding.UTF8.GetString(factory.Create(new FlumeLogRecord("L", FlumeLogLevel.Error, At, "failed ünïcode", error)).Body.Span);

        Assert.StartsWith("failed ünïcode\nSystem.InvalidOperationException: boom", body, StringComparison.Ordinal);
    }

    [Fact]
    public void Json_body_is_one_compact_object_with_the_record_fields()
    {
        var factory = new FlumeEventFactory(new FlumeAppenderOptions { Hosts = "127.0.0.1:1", Body = BodyFormat.Json }, hostName: "h");

        var body = factory.Create(new FlumeLogRecord(
            "Orders", FlumeLogLevel.Error, At, "say \"hi\"", new InvalidOperationException("boom"), [new("n", 7), new("ok", true), new("who", "ann")])).Body;

        var text = Encoding.UTF8.GetString(body.Span);
        Assert.DoesNotContain('\n', text);
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        Assert.Equal(At, root.GetProperty("timestamp").GetDateTimeOffset());
        Assert.Equal("ERROR", root.GetProperty("level").GetString());
        Assert.Equal("Orders", root.GetProperty("logger").GetString());
        Assert.Equal("say \"hi\"", root.GetProperty("message").GetString());
        Assert.Contains("boom", root.GetProperty("exception").GetString(), StringComparison.Ordinal);
        Assert.Equal(7, root.GetProperty("properties").GetProperty("n").GetInt32());
        Assert.True(root.GetProperty("properties").GetProperty("ok").GetBoolean());
        Assert.Equal("ann", root.GetProperty("properties").GetProperty("who").GetString());
    }

    [Fact]
    public void A_key_set_twice_keeps_the_extra_header_then_the_last_property_then_flumes_own_header()
    {
        var options = new FlumeAppenderOptions { Hosts = "127.0.0.1:1", PropertiesAsHeaders = true };
        options.Headers["app"] = "billing";
        var factory = new FlumeEventFactory(options, hostName: "h1");

        var flumeEvent = factory.Create(new FlumeLogRecord("Orders", FlumeLogLevel.Info, At, "m", Properties:
        [
            new("app", "from-property"),
            new("OrderId", 1),
            new("OrderId", 2),
            new("flume.client.log4j.logger.name", "renamed"),
            new("flume.client.log4j.address", "elsewhere"),
        ]));

        Assert.Equal("billing", flumeEvent.Headers["app"]);
        Assert.Equal("2", flumeEvent.Headers["OrderId"]);
        Assert.Equal("renamed", flumeEvent.Headers["flume.client.log4j.logger.name"]);
        Assert.Equal("elsewhere", flumeEvent.Headers["flume.client.log4j.address"]);
        Assert.Equal("20000", flumeEvent.Headers["flume.client.log4j.log.level"]);
        Assert.Equal(7, flumeEvent.Headers.Count);
    }

    [Fact]
    public void Property_values_are_written_as_invariant_text()
    {
        var factory = new FlumeEventFactory(new FlumeAppenderOptions { Hosts = "127.0.0.1:1", PropertiesAsHeaders = true }, hostName: "h");
        var day = new DateTime(2026, 12, 4, 23, 5, 0, DateTimeKind.Utc);

        var headers = factory.Create(new FlumeLogRecord("L", FlumeLogLevel.Info, At, "m", Properties:
        [
            new("int", -42), new("long", long.MaxValue), new("double", 1.5e-7), new("decimal", 12.50m),
            new("bool", true), new("null", null), new("day", day), new("text", "ünï"),
        ])).Headers;

        Assert.Equal("-42", headers["int"]);
        Assert.Equal("9223372036854775807", headers["long"]);
        Assert.Equal("1.5E-07", headers["double"]);
        Assert.Equal("12.50", headers["decimal"]);
        Assert.Equal("True", headers["bool"]);
        Assert.Equal("", headers["null"]);
        Assert.Equal(day.ToString(System.Globalization.CultureInfo.InvariantCulture), headers["day"]);
        Assert.Equal("ünï", headers["text"]);
    }

    [Fact]
    public void Events_larger_than_a_chunk_and_many_events_in_a_row_each_keep_their_own_content()
    {
        var factory = new FlumeEventFactory(new FlumeAppenderOptions { Hosts = "127.0.0.1:1" }, hostName: "h");
        var large = new string('x', 100_000);

        var events = Enumerable.Range(0, 2_000).Select(i => factory.Create(new FlumeLogRecord("L", FlumeLogLevel.Info, At, i % 500 == 0 ? large + i : $"line {i}"))).ToList();

        for (var i = 0; i < events.Count; i++)
        {
            Assert.Equal(i % 500 == 0 ? large + i : $"line {i}", Encoding.UTF8.GetString(events[i].Body.Span));
            Assert.Equal("L", events[i].Headers["flume.client.log4j.logger.name"]);
        }
    }

    [Fact]
    public void A_property_that_logs_while_its_event_is_written_gets_an_event_of_its_own()
    {
        var factory = new FlumeEventFactory(new FlumeAppenderOptions { Hosts = "127.0.0.1:1", PropertiesAsHeaders = true }, hostName: "h");
        FlumeEvent? inner = null;
        var logging = new LogsWhenFormatted(() => inner = factory.Create(new FlumeLogRecord("Inner", FlumeLogLevel.Debug, At, "inner")));

        var outer = factory.Create(new FlumeLogRecord("Outer", FlumeLogLevel.Info, At, "outer", Properties: [new("value", logging)]));

        Assert.Equal("outer", Encoding.UTF8.GetString(outer.Body.Span));
        Assert.Equal("formatted", outer.Headers["value"]);
        Assert.Equal("Outer", outer.Headers["flume.client.log4j.logger.name"]);
        Assert.Equal("inner", Encoding.UTF8.GetString(inner!.Body.Span));
        Assert.Equal("Inner", inner.Headers["flume.client.log4j.logger.name"]);
    }

    private sealed class LogsWhenFormatted(Action log)
    {
        public override string ToString()
        {
            log();
            return "formatted";
        }
    }
}
