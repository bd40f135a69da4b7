using Flume.Logging.Appenders;
using Flume.Logging.Rpc;
using log4net.Layout;

namespace log4net.Appender.Flume.Tests;

public sealed class FlumeAppenderConfigurationTests
{
    private const string AppenderType = "log4net.Appender.FlumeAppender, log4net.Appender.Flume";

    private static string Appender(string name, string settings) =>
        $"""<appender name="{name}" type="{AppenderType}">{settings}</appender>""";

    [Fact]
    public void Xml_configuration_binds_every_shared_option_name()
    {
        var buffer = Path.Combine(Path.GetTempPath(), "flume-log4net-binding");
        using var log4net = Log4NetHarness.FromXml("shared", Appender("shared", $"""
            <hosts value="127.0.0.1:41999 127.0.0.1:42000" />
            <protocol value="Thrift" />
            <compression value="none" />
            <selector value="Random" />
            <maxBackoff value="00:00:07" />
            <batchSize value="250" />
            <flushInterval value="00:00:02" />
            <queueLimit value="777" />
            <queueByteLimit value="1048576" />
            <overflow value="block" />
            <blockTimeout value="00:00:00.050" />
            <connectTimeout value="00:00:03" />
            <requestTimeout value="00:00:04" />
            <bufferPath value="{buffer}" />
            <bufferSizeLimit value="5000" />
            <shutdownTimeout value="00:00:02" />
            <body value="Json" />
            <hostNameHeader value="" />
            <propertiesAsHeaders value="true" />
            <header><name value="app" /><layout type="log4net.Layout.PatternLayout" value="orders" /></header>
            <header><name value="thread" /><layout type="log4net.Layout.PatternLayout" value="%thread" /></header>
            """));

        var options = log4net.Appender.ToAppenderOptions();
        Assert.NotNull(log4net.Appender.Delivery);
        Assert.Equal("127.0.0.1:41999 127.0.0.1:42000", options.Hosts);
        Assert.Equal(FlumeProtocol.Thrift, options.Protocol);
        Assert.Equal(CompressionType.None, options.Compression);
        Assert.Equal(HostSelectorKind.Random, options.Selector);
        Assert.Equal(TimeSpan.FromSeconds(7), options.MaxBackoff);
        Assert.Equal(250, options.BatchSize);
        Assert.Equal(TimeSpan.FromSeconds(2), options.FlushInterval);
        Assert.Equal(777, options.QueueLimit);
        Assert.Equal(1_048_576, options.QueueByteLimit);
        Assert.Equal(OverflowMode.Block, options.Overflow);
        Assert.Equal(TimeSpan.FromMilliseconds(50), options.BlockTimeout);
        Assert.Equal(TimeSpan.FromSeconds(3), options.ConnectTimeout);
        Assert.Equal(TimeSpan.FromSeconds(4), options.RequestTimeout);
        Assert.Equal(buffer, options.BufferPath);
        Assert.Equal(5000, options.BufferSizeLimit);
        Assert.Equal(TimeSpan.FromSeconds(2), options.ShutdownTimeout);
        Assert.Equal(BodyFormat.Json, options.Body);
        Assert.Null(options.HostNameHeader);
        Assert.True(options.PropertiesAsHeaders);
        Assert.Equal(["app", "thread"], log4net.Appender.Headers.Select(h => h.Name));
        Assert.All(log4net.Appender.Headers, h => Assert.IsType<PatternLayout>(h.Layout));
    }

    [Fact]
    public void Xml_configuration_takes_Flume_Log4jAppender_names_Hostname_Port_UnsafeMode_and_Timeout_in_ms()
    {
        using var log4net = Log4NetHarness.FromXml("flume-names", Appender("flume-names", """
            <Hostname value="localhost" />
            <Port value="41414" />
            <UnsafeMode value="true" />
            <Timeout value="1500" />
            <AvroReflectionEnabled value="false" />
            """));

        var options = log4net.Appender.ToAppenderOptions();
        Assert.NotNull(log4net.Appender.Delivery);
        Assert.Equal("localhost:41414", options.Hosts);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), options.ConnectTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), options.RequestTimeout);
    }

    [Fact]
    public void Explicit_connect_and_request_timeouts_win_over_Flume_Timeout()
    {
        var appender = new FlumeAppender { Hosts = "127.0.0.1:1", Timeout = "1500", RequestTimeout = "00:00:09" };

        var options = appender.ToAppenderOptions();

        Assert.Equal(TimeSpan.FromMilliseconds(1500), options.ConnectTimeout);
        Assert.Equal(TimeSpan.FromSeconds(9), options.RequestTimeout);
    }

    [Theory]
    [InlineData("ROUND_ROBIN", HostSelectorKind.RoundRobin)]
    [InlineData("round_robin", HostSelectorKind.RoundRobin)]
    [InlineData("RoundRobin", HostSelectorKind.RoundRobin)]
    [InlineData("RANDOM", HostSelectorKind.Random)]
    [InlineData("random", HostSelectorKind.Random)]
    public void Xml_configuration_takes_LoadBalancingLog4jAppender_names_with_Flume_selector_values_in_any_case(string selector, HostSelectorKind expected)
    {
        var name = $"lb-{selector}";
        using var log4net = Log4NetHarness.FromXml(name, Appender(name, $"""
            <Hosts value="127.0.0.1:25430 127.0.0.1:25431" />
            <Selector value="{selector}" />
            <MaxBackoff value="30000" />
            """));

        var options = log4net.Appender.ToAppenderOptions();
        Assert.NotNull(log4net.Appender.Delivery);
        Assert.Equal("127.0.0.1:25430 127.0.0.1:25431", options.Hosts);
        Assert.Equal(expected, options.Selector);
        Assert.Equal(TimeSpan.FromMilliseconds(30_000), options.MaxBackoff);
    }

    [Fact]
    public void Every_unset_option_takes_the_delivery_core_default()
    {
        var defaults = new FlumeAppenderOptions();

        var options = new FlumeAppender { Hosts = "127.0.0.1:1" }.ToAppenderOptions();

        Assert.Equal(defaults.Protocol, options.Protocol);
        Assert.Equal(defaults.Compression, options.Compression);
        Assert.Equal(defaults.Selector, options.Selector);
        Assert.Equal(defaults.MaxBackoff, options.MaxBackoff);
        Assert.Equal(defaults.BatchSize, options.BatchSize);
        Assert.Equal(defaults.FlushInterval, options.FlushInterval);
        Assert.Equal(defaults.QueueLimit, options.QueueLimit);
        Assert.Equal(defaults.QueueByteLimit, options.QueueByteLimit);
        Assert.Equal(defaults.Overflow, options.Overflow);
        Assert.Equal(defaults.BlockTimeout, options.BlockTimeout);
        Assert.Equal(defaults.ConnectTimeout, options.ConnectTimeout);
        Assert.Equal(defaults.RequestTimeout, options.RequestTimeout);
        Assert.Equal(defaults.BufferPath, options.BufferPath);
        Assert.Equal(defaults.BufferSizeLimit, options.BufferSizeLimit);
        Assert.Equal(defaults.ShutdownTimeout, options.ShutdownTimeout);
        Assert.Equal(defaults.Body, options.Body);
        Assert.Equal(defaults.HostNameHeader, options.HostNameHeader);
        Assert.Equal(defaults.PropertiesAsHeaders, options.PropertiesAsHeaders);
        // The safe defaults of issue 10: a full queue drops rather than blocks the application.
        Assert.Equal(OverflowMode.DropNewest, options.Overflow);
    }

    [Theory]
    [InlineData("""<hosts value="127.0.0.1:1" /><batchSize value="lots" />""", "BatchSize 'lots' is not a whole number")]
    [InlineData("""<hosts value="127.0.0.1:1" /><batchSize value="0" />""", "BatchSize 0 must be at least 1")]
    [InlineData("""<hosts value="127.0.0.1:1" /><protocol value="Http" />""", "Protocol 'Http' is not one of Avro, Thrift")]
    [InlineData("""<hosts value="127.0.0.1:1" /><flushInterval value="soon" />""", "FlushInterval 'soon' is not a duration")]
    [InlineData("""<hosts value="127.0.0.1:1" /><selector value="com.example.MySelector" />""", "Selector 'com.example.MySelector' names a selector class")]
    [InlineData("""<hosts value="127.0.0.1:1" /><selector value="LEAST_USED" />""", "Selector 'LEAST_USED' is not ROUND_ROBIN or RANDOM")]
    [InlineData("""<hosts value="127.0.0.1:1" /><AvroReflectionEnabled value="true" />""", "AvroReflectionEnabled: Avro-serialized log events are not supported")]
    [InlineData("""<hosts value="127.0.0.1:1" /><AvroSchemaUrl value="hdfs://namenode/schema.avsc" />""", "AvroSchemaUrl: Avro-serialized log events are not supported")]
    [InlineData("""<hosts value="127.0.0.1:1" /><UnsafeMode value="maybe" />""", "UnsafeMode 'maybe' is not true or false")]
    [InlineData("""<hosts value="127.0.0.1:1" /><Hostname value="127.0.0.1" /><Port value="41414" />""", "Hosts and Hostname/Port are alternatives")]
    [InlineData("""<Hostname value="127.0.0.1" />""", "Port is required with Hostname")]
    [InlineData("""<Port value="41414" />""", "Hostname is required with Port")]
    [InlineData("""<Hostname value="127.0.0.1" /><Port value="70000" />""", "Port '70000' is not a port number")]
    [InlineData("""<protocol value="Avro" />""", "Hosts (or Hostname and Port) is required")]
    [InlineData("""<hosts value="127.0.0.1:1" /><header><name value="app" /></header>""", "Header 1 needs both a name and a layout")]
    public void A_bad_setting_is_reported_through_log4net_by_name_and_no_log_call_throws(string settings, string expected)
    {
        var name = $"bad-{Guid.NewGuid():N}";
        using var logLog = new LogLogCapture();
        using var log4net = Log4NetHarness.FromXml(name, Appender(name, settings));

        var error = Assert.Single(logLog.About($"FlumeAppender [{name}] not started"));
        Assert.StartsWith("log4net:ERROR", error, StringComparison.Ordinal);
        Assert.Contains(expected, error, StringComparison.Ordinal);
        Assert.Null(log4net.Appender.Delivery);

        var log = log4net.Logger("app");
        for (var i = 0; i < 3; i++)
        {
            log.Error("not delivered", new InvalidOperationException("boom"));
        }

        Assert.Equal(3, log4net.Appender.EventsDropped);
    }

    [Fact]
    public void A_misconfigured_appender_reports_its_drops_in_total_when_closed()
    {
        var name = $"unstarted-{Guid.NewGuid():N}";
        using var logLog = new LogLogCapture();
        var log4net = Log4NetHarness.FromXml(name, Appender(name, """<batchSize value="10" />"""));
        log4net.Logger("app").Info("lost");
        log4net.Logger("app").Info("lost too");

        log4net.Dispose();

        Assert.Contains($"log4net:WARN FlumeAppender [{name}]: 2 events were dropped in total", logLog.About(name));
    }
}
