using System.Text;
using System.Text.Json;

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
}
