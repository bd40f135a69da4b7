using Flume.Logging.Rpc.Clients;

namespace Flume.Logging.Rpc.Tests.Clients;

public sealed class RpcClientPropertiesTests
{
    private static Dictionary<string, string> OneHost(params (string Key, string Value)[] extra)
    {
        var properties = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["hosts"] = "h1",
            ["hosts.h1"] = "127.0.0.1:4141",
        };
        foreach (var (key, value) in extra)
        {
            properties[key] = value;
        }

        return properties;
    }

    [Fact]
    public void Only_hosts_gives_every_default()
    {
        var options = RpcClientProperties.Parse(OneHost());

        Assert.Equal(RpcClientType.Default, options.ClientType);
        Assert.False(options.UseThrift);
        Assert.Equal([new RpcHost("h1", "127.0.0.1", 4141)], options.Hosts);
        Assert.Equal(100, options.BatchSize);
        Assert.Equal(TimeSpan.FromMilliseconds(20_000), options.ConnectTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(20_000), options.RequestTimeout);
        Assert.Null(options.MaxAttempts);
        Assert.Equal(HostSelectorKind.RoundRobin, options.HostSelector);
        Assert.False(options.Backoff);
        Assert.Equal(TimeSpan.FromMilliseconds(30_000), options.MaxBackoff);
        Assert.Equal(CompressionType.None, options.Compression);
        Assert.Equal(6, options.CompressionLevel);
        Assert.Equal(ThriftProtocolKind.Compact, options.ThriftProtocol);
        Assert.Null(options.ResetConnectionInterval);
    }

    [Fact]
    public void Reads_every_property()
    {
        var options = RpcClientProperties.Parse(new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["client.type"] = "default_loadbalance",
            ["host-client.type"] = "thrift",
            ["hosts"] = " b  a ",
            ["hosts.a"] = "127.0.0.1:4141",
            ["hosts.b"] = "[::1]:5151",
            ["batch-size"] = "250",
            ["connect-timeout"] = "1500",
            ["request-timeout"] = "2500",
            ["max-attempts"] = "3",
            ["host-selector"] = "random",
            ["backoff"] = "true",
            ["maxBackoff"] = "7000",
            ["compression-type"] = "deflate",
            ["compression-level"] = "9",
            ["protocol"] = "binary",
            ["reset-connection-interval"] = "60",
            ["some.other.key"] = "ignored",
        });

        Assert.Equal(RpcClientType.DefaultLoadBalance, options.ClientType);
        Assert.True(options.UseThrift);
        Assert.Equal([new RpcHost("b", "::1", 5151), new RpcHost("a", "127.0.0.1", 4141)], options.Hosts);
        Assert.Equal(250, options.BatchSize);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), options.ConnectTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(2500), options.RequestTimeout);
        Assert.Equal(3, options.MaxAttempts);
        Assert.Equal(HostSelectorKind.Random, options.HostSelector);
        Assert.True(options.Backoff);
        Assert.Equal(TimeSpan.FromMilliseconds(7000), options.MaxBackoff);
        Assert.Equal(CompressionType.Deflate, options.Compression);
        Assert.Equal(9, options.CompressionLevel);
        Assert.Equal(ThriftProtocolKind.Binary, options.ThriftProtocol);
        Assert.Equal(TimeSpan.FromSeconds(60), options.ResetConnectionInterval);
    }

    [Theory]
    [InlineData("default", RpcClientType.Default)]
    [InlineData("thrift", RpcClientType.Thrift)]
    [InlineData("DEFAULT_FAILOVER", RpcClientType.DefaultFailover)]
    [InlineData("Default_LoadBalance", RpcClientType.DefaultLoadBalance)]
    public void Client_type_names_match_ignoring_case(string value, RpcClientType expected)
    {
        Assert.Equal(expected, RpcClientProperties.Parse(OneHost(("client.type", value))).ClientType);
    }

    [Fact]
    public void Zero_max_backoff_means_the_default_and_zero_reset_interval_means_never()
    {
        var options = RpcClientProperties.Parse(OneHost(("maxBackoff", "0"), ("reset-connection-interval", "0")));

        Assert.Equal(TimeSpan.FromMilliseconds(30_000), options.MaxBackoff);
        Assert.Null(options.ResetConnectionInterval);
    }

    [Fact]
    public void Host_client_type_default_keeps_avro()
    {
        Assert.False(RpcClientProperties.Parse(OneHost(("host-client.type", "default"))).UseThrift);
    }

    [Theory]
    [InlineData("client.type", "avro")]
    [InlineData("host-client.type", "netty")]
    [InlineData("batch-size", "abc")]
    [InlineData("batch-size", "0")]
    [InlineData("batch-size", "99999999999")]
    [InlineData("connect-timeout", "-1")]
    [InlineData("connect-timeout", "0")]
    [InlineData("request-timeout", "1.5")]
    [InlineData("max-attempts", "0")]
    [InlineData("host-selector", "weighted")]
    [InlineData("backoff", "yes")]
    [InlineData("maxBackoff", "-5")]
    [InlineData("maxBackoff", "soon")]
    [InlineData("compression-type", "gzip")]
    [InlineData("compression-level", "10")]
    [InlineData("compression-level", "-1")]
    [InlineData("protocol", "json")]
    [InlineData("reset-connection-interval", "x")]
    [InlineData("reset-connection-interval", "-2")]
    [InlineData("hosts.h1", "localhost")]
    [InlineData("hosts.h1", "localhost:99999")]
    public void Bad_value_error_names_the_key_and_the_value(string key, string value)
    {
        var error = Assert.Throws<ArgumentException>(() => RpcClientProperties.Parse(OneHost((key, value))));

        Assert.Contains($"{key} = '{value}'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Missing_hosts_is_an_error_naming_hosts()
    {
        var error = Assert.Throws<ArgumentException>(() => RpcClientProperties.Parse(new Dictionary<string, string>()));

        Assert.StartsWith("hosts is required", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_hosts_is_an_error_naming_hosts()
    {
        var error = Assert.Throws<ArgumentException>(() => RpcClientProperties.Parse(OneHost(("hosts", "   "))));

        Assert.Contains("hosts = '", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Alias_without_address_is_an_error_naming_its_key()
    {
        var error = Assert.Throws<ArgumentException>(() => RpcClientProperties.Parse(OneHost(("client.type", "default_failover"), ("hosts", "h1 h2"))));

        Assert.StartsWith("hosts.h2 is missing", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Alias_listed_twice_is_an_error_naming_hosts()
    {
        var error = Assert.Throws<ArgumentException>(() => RpcClientProperties.Parse(OneHost(("client.type", "default_failover"), ("hosts", "h1 h1"))));

        Assert.Contains("hosts = 'h1 h1'", error.Message, StringComparison.Ordinal);
        Assert.Contains("listed twice", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Single_host_type_with_two_hosts_is_rejected_naming_hosts()
    {
        var properties = OneHost(("hosts", "h1 h2"), ("hosts.h2", "127.0.0.1:4142"));

        var error = Assert.Throws<ArgumentException>(() => RpcClientProperties.Parse(properties));

        Assert.StartsWith("hosts:", error.Message, StringComparison.Ordinal);
    }
}
