using Flume.Logging.Relay.Agent;
using Flume.Logging.Relay.Config;
using Flume.Logging.Relay.Sources;
using Flume.Logging.Relay.Sources.Http;
using Flume.Logging.Relay.Sources.Syslog;
using Flume.Logging.Rpc;

namespace Flume.Logging.Relay.Tests.Sources;

/// <summary>Every network source reads the same four limit keys, with the documented defaults.</summary>
public sealed class ConnectionLimitPropertiesTests
{
    private static readonly (string Key, string Value)[] Limits =
        [("max-connections", "10"), ("idle-timeout", "7"), ("min-data-rate", "100"), ("min-data-rate-grace-period", "3")];

    private static ComponentContext Context(params (string Key, string Value)[] properties) =>
        new("r1", "a1.sources.r1.", properties.ToDictionary(p => p.Key, p => p.Value));

    /// <summary>The limits each source kind reads from <paramref name="properties"/>.</summary>
    private static IEnumerable<ConnectionLimits> AllSources((string Key, string Value)[] properties)
    {
        yield return RpcComponentProperties.Server(Context([("bind", "127.0.0.1"), ("port", "0"), .. properties]), avro: true).Connections;
        yield return NetcatSourceOptions.From(Context([("bind", "127.0.0.1"), ("port", "0"), .. properties])).Connections;
        yield return SyslogTcpSourceOptions.From(Context([("host", "127.0.0.1"), ("port", "0"), .. properties]), multiport: false).Connections;
        yield return SyslogTcpSourceOptions.From(Context([("host", "127.0.0.1"), ("ports", "0"), .. properties]), multiport: true).Connections;
        yield return HttpSourceOptions.From(Context([("port", "0"), .. properties])).Connections;
    }

    [Fact]
    public void Every_network_source_reads_the_limit_keys()
    {
        Assert.All(AllSources(Limits), limits =>
        {
            Assert.Equal(10, limits.MaxConnections);
            Assert.Equal(TimeSpan.FromSeconds(7), limits.IdleTimeout);
            Assert.Equal(100, limits.MinDataRate);
            Assert.Equal(TimeSpan.FromSeconds(3), limits.MinDataRateGracePeriod);
        });
    }

    [Fact]
    public void Without_the_keys_every_network_source_has_the_documented_defaults()
    {
        Assert.All(AllSources([]), limits =>
        {
            Assert.Equal(4096, limits.MaxConnections);
            Assert.Equal(TimeSpan.FromSeconds(300), limits.IdleTimeout);
            Assert.Equal(240, limits.MinDataRate);
            Assert.Equal(TimeSpan.FromSeconds(5), limits.MinDataRateGracePeriod);
        });
    }

    [Theory]
    [InlineData("max-connections", "-1")]
    [InlineData("idle-timeout", "soon")]
    [InlineData("min-data-rate", "-5")]
    [InlineData("min-data-rate-grace-period", "-1")]
    public void A_bad_limit_is_refused_naming_its_key(string key, string value)
    {
        var error = Assert.Throws<ConfigurationException>(() => NetcatSourceOptions.From(Context(("bind", "127.0.0.1"), ("port", "0"), (key, value))));

        Assert.Contains(key, error.Message, StringComparison.Ordinal);
    }
}
