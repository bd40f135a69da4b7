using Flume.Logging.Rpc;

namespace Flume.Logging.Appenders.Tests;

public class FlumeAppenderOptionsTests
{
    [Fact]
    public void Defaults_are_the_documented_ones()
    {
        var options = new FlumeAppenderOptions();

        Assert.Equal(100, options.BatchSize);
        Assert.Equal(TimeSpan.FromSeconds(1), options.FlushInterval);
        Assert.Equal(100_000, options.QueueLimit);
        Assert.Equal(OverflowMode.DropNewest, options.Overflow);
        Assert.Equal(TimeSpan.FromSeconds(10), options.ShutdownTimeout);
        Assert.Equal(FlumeProtocol.Avro, options.Protocol);
        Assert.Null(options.BufferPath);
    }

    [Fact]
    public void One_host_or_several_make_a_load_balancing_client_whose_host_backoff_is_the_one_retry_schedule()
    {
        var one = new FlumeAppenderOptions { Hosts = "relay1:41414", Protocol = FlumeProtocol.Thrift }.ToRpcClientOptions();
        Assert.Equal(RpcClientType.DefaultLoadBalance, one.ClientType);
        Assert.True(one.UseThrift);
        Assert.True(one.Backoff);
        Assert.Equal(TimeSpan.FromSeconds(30), one.MaxBackoff);
        Assert.Single(one.Hosts);
        one.Validate();

        var several = new FlumeAppenderOptions
        {
            Hosts = " relay1:41414  relay2:41415 ",
            Selector = HostSelectorKind.Random,
            MaxBackoff = TimeSpan.FromSeconds(7),
            Compression = CompressionType.Deflate,
        }.ToRpcClientOptions();
        Assert.Equal(RpcClientType.DefaultLoadBalance, several.ClientType);
        Assert.Equal(["relay1:41414", "relay2:41415"], several.Hosts.Select(h => $"{h.Host}:{h.Port}"));
        Assert.Equal(HostSelectorKind.Random, several.HostSelector);
        Assert.True(several.Backoff);
        Assert.Equal(TimeSpan.FromSeconds(7), several.MaxBackoff);
        Assert.Equal(CompressionType.Deflate, several.Compression);
        several.Validate();
    }

    [Theory]
    [InlineData("relay1:41414,relay2:41415")]
    [InlineData("relay1:41414, relay2:41415")]
    [InlineData("relay1:41414;relay2:41415")]
    [InlineData("relay1:41414 relay2:41415")]
    public void Hosts_may_be_separated_by_spaces_commas_or_semicolons(string hosts)
    {
        var rpc = new FlumeAppenderOptions { Hosts = hosts }.ToRpcClientOptions();
        Assert.Equal(["relay1:41414", "relay2:41415"], rpc.Hosts.Select(h => $"{h.Host}:{h.Port}"));
    }

    [Theory]
    [InlineData("", "Hosts")]
    [InlineData(" , ", "Hosts")]
    [InlineData("relay1", "Hosts")]
    [InlineData("relay1:0", "Hosts")]
    public void Bad_hosts_are_named(string hosts, string parameter)
    {
        var e = Assert.Throws<ArgumentException>(() => new FlumeAppenderOptions { Hosts = hosts }.Validate());
        Assert.Equal(parameter, e.ParamName);
    }

    [Fact]
    public void Each_bad_setting_is_named()
    {
        static string Bad(Action<FlumeAppenderOptions> change)
        {
            var options = new FlumeAppenderOptions { Hosts = "127.0.0.1:1" };
            change(options);
            return Assert.Throws<ArgumentException>(options.Validate).ParamName!;
        }

        Assert.Equal("BatchSize", Bad(o => o.BatchSize = 0));
        Assert.Equal("QueueLimit", Bad(o => o.QueueLimit = 0));
        Assert.Equal("QueueByteLimit", Bad(o => o.QueueByteLimit = 0));
        Assert.Equal("FlushInterval", Bad(o => o.FlushInterval = TimeSpan.Zero));
        Assert.Equal("BlockTimeout", Bad(o => o.BlockTimeout = TimeSpan.FromSeconds(-1)));
        Assert.Equal("ShutdownTimeout", Bad(o => o.ShutdownTimeout = TimeSpan.Zero));
        Assert.Equal("Compression", Bad(o => { o.Protocol = FlumeProtocol.Thrift; o.Compression = CompressionType.Deflate; }));
        Assert.Equal("BufferPath", Bad(o => o.BufferPath = " "));
        Assert.Equal("BufferSizeLimit", Bad(o => { o.BufferPath = "/tmp/x"; o.BufferSizeLimit = 10; }));
        Assert.Equal("Overflow", Bad(o => o.Overflow = (OverflowMode)9));
    }
}
