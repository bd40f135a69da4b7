using Flume.Logging.Relay.Config;
using Flume.Logging.Rpc;

namespace Flume.Logging.Relay.Tests.Config;

public sealed class ComponentContextTests
{
    private static ComponentContext Context(params (string Key, string Value)[] properties) =>
        new("r1", "a1.sources.r1.", properties.ToDictionary(p => p.Key, p => p.Value));

    /// <summary>A context read from a file, so errors can say where the key was written.</summary>
    private static ComponentContext FromFile(string text, string agent = "a1") =>
        FlumeConfiguration.Load(PropertiesReader.Read(new StringReader(text), "agent.conf"), agent).Sources[0].Context;

    private const string MinimalAgent =
        "a1.sources = r1\na1.channels = c1\na1.sources.r1.type = netcat\na1.sources.r1.channels = c1\na1.channels.c1.type = memory\n";

    [Fact]
    public void A_missing_required_key_is_located_at_the_components_type_line()
    {
        var error = Assert.Throws<ConfigurationException>(() => FromFile(MinimalAgent).GetRequiredInt32("port"));

        Assert.Equal("agent.conf:3: a1.sources.r1.port is required", error.Message);
    }

    [Fact]
    public void Exposes_name_prefix_and_relative_keys()
    {
        var context = Context(("port", "44444"), ("selector.type", "replicating"));

        Assert.Equal("r1", context.ComponentName);
        Assert.Equal("a1.sources.r1.", context.KeyPrefix);
        Assert.Equal("a1.sources.r1.port", context.FullKey("port"));
        Assert.Equal(["port", "selector.type"], context.Properties.Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void GetString_returns_the_value_as_written_or_the_default()
    {
        var context = Context(("bind", " localhost "));

        Assert.Equal(" localhost ", context.GetString("bind"));
        Assert.Null(context.GetString("missing"));
        Assert.Equal("fallback", context.GetString("missing", "fallback"));
        Assert.Equal(" localhost ", context.GetString("bind", "fallback"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    public void GetRequiredString_refuses_missing_or_blank_values_naming_the_full_key(string? value)
    {
        var context = value is null ? Context() : Context(("bind", value));

        var error = Assert.Throws<ConfigurationException>(() => context.GetRequiredString("bind"));

        Assert.Equal("a1.sources.r1.bind is required", error.Message);
        Assert.Equal("a1.sources.r1.bind", error.Key);
    }

    [Fact]
    public void Errors_name_the_file_and_line_the_key_was_read_from()
    {
        var context = FromFile(MinimalAgent + "a1.sources.r1.port = abc\n");

        var error = Assert.Throws<ConfigurationException>(() => context.GetInt32("port", 0));

        Assert.Equal("agent.conf:6: a1.sources.r1.port: 'abc' is not an integer", error.Message);
        Assert.Equal(("agent.conf", 6), (error.SourceName, error.Line));
    }

    [Fact]
    public void GetInt32_trims_the_value_and_defaults_when_absent()
    {
        var context = Context(("port", "  44444 \t"), ("negative", "-5"), ("plus", "+7"));

        Assert.Equal(44444, context.GetInt32("port", 0));
        Assert.Equal(-5, context.GetInt32("negative", 0));
        Assert.Equal(7, context.GetInt32("plus", 0));
        Assert.Equal(41414, context.GetInt32("missing", 41414));
    }

    [Theory]
    [InlineData("abc")]
    [InlineData("")]
    [InlineData("12.5")]
    [InlineData("1,000")]
    [InlineData("0x10")]
    public void GetInt32_names_the_key_and_the_bad_value(string value)
    {
        var error = Assert.Throws<ConfigurationException>(() => Context(("port", value)).GetInt32("port", 0));

        Assert.Equal($"a1.sources.r1.port: '{value}' is not an integer", error.Message);
    }

    [Fact]
    public void GetInt32_reports_a_number_too_big_as_out_of_range()
    {
        var error = Assert.Throws<ConfigurationException>(() => Context(("port", "99999999999")).GetInt32("port", 0));

        Assert.Equal("a1.sources.r1.port: '99999999999' is out of range for a 32-bit integer", error.Message);
    }

    [Fact]
    public void GetRequiredInt32_refuses_a_missing_key()
    {
        Assert.Equal(8080, Context(("port", "8080")).GetRequiredInt32("port"));

        var error = Assert.Throws<ConfigurationException>(() => Context().GetRequiredInt32("port"));
        Assert.Equal("a1.sources.r1.port is required", error.Message);
    }

    [Theory]
    [InlineData("0", 1, int.MaxValue, "must be at least 1 (got 0)")]
    [InlineData("70000", 0, 65535, "must be between 0 and 65535 (got 70000)")]
    [InlineData("11", int.MinValue, 10, "must be at most 10 (got 11)")]
    public void Range_checked_GetInt32_says_what_range_was_expected(string value, int min, int max, string reason)
    {
        var error = Assert.Throws<ConfigurationException>(() => Context(("capacity", value)).GetInt32("capacity", 5, min, max));

        Assert.Equal("a1.sources.r1.capacity " + reason, error.Message);
    }

    [Fact]
    public void Range_checked_getters_accept_bounds_and_return_an_unchecked_default()
    {
        var context = Context(("low", "1"), ("high", "65535"), ("big", "5000000000"));

        Assert.Equal(1, context.GetInt32("low", 9, 1, 10));
        Assert.Equal(65535, context.GetInt32("high", 9, 0, 65535));
        Assert.Equal(-1, context.GetInt32("missing", -1, 0, 10));
        Assert.Equal(5_000_000_000L, context.GetInt64("big", 0, 1, long.MaxValue));
        var error = Assert.Throws<ConfigurationException>(() => context.GetInt64("big", 0, 1, int.MaxValue));
        Assert.Equal("a1.sources.r1.big must be between 1 and 2147483647 (got 5000000000)", error.Message);
    }

    [Fact]
    public void GetInt64_reads_numbers_beyond_32_bits()
    {
        var context = Context(("size", " 9223372036854775807 "), ("bad", "lots"));

        Assert.Equal(long.MaxValue, context.GetInt64("size", 0));
        Assert.Equal(3L, context.GetInt64("missing", 3));
        var error = Assert.Throws<ConfigurationException>(() => context.GetInt64("bad", 0));
        Assert.Equal("a1.sources.r1.bad: 'lots' is not an integer", error.Message);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("TRUE", true)]
    [InlineData(" True ", true)]
    [InlineData("false", false)]
    [InlineData("False\t", false)]
    public void GetBoolean_accepts_true_and_false_in_any_case(string value, bool expected)
    {
        Assert.Equal(expected, Context(("ssl", value)).GetBoolean("ssl", !expected));
    }

    [Theory]
    [InlineData("yes")]
    [InlineData("1")]
    [InlineData("")]
    public void GetBoolean_names_the_key_and_the_bad_value(string value)
    {
        var error = Assert.Throws<ConfigurationException>(() => Context(("ssl", value)).GetBoolean("ssl", false));

        Assert.Equal($"a1.sources.r1.ssl: '{value}' is not a boolean (true or false)", error.Message);
    }

    [Fact]
    public void GetBoolean_defaults_when_absent()
    {
        Assert.True(Context().GetBoolean("ssl", true));
    }

    [Fact]
    public void Durations_read_whole_milliseconds_and_seconds()
    {
        var context = Context(("timeout", " 20000 "), ("keep-alive", "3"));

        Assert.Equal(TimeSpan.FromSeconds(20), context.GetMilliseconds("timeout", TimeSpan.Zero));
        Assert.Equal(TimeSpan.FromSeconds(3), context.GetSeconds("keep-alive", TimeSpan.Zero));
        Assert.Equal(TimeSpan.FromMinutes(1), context.GetSeconds("missing", TimeSpan.FromMinutes(1)));
        Assert.Equal(TimeSpan.FromMilliseconds(5), context.GetMilliseconds("missing", TimeSpan.FromMilliseconds(5)));
    }

    [Theory]
    [InlineData("-1")]
    [InlineData("9223372036854775807")]
    public void Durations_refuse_negative_or_overflowing_amounts(string value)
    {
        var error = Assert.Throws<ConfigurationException>(() => Context(("timeout", value)).GetSeconds("timeout", TimeSpan.Zero));

        Assert.StartsWith($"a1.sources.r1.timeout: '{value}' is not a usable number of seconds", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("round_robin", HostSelectorKind.RoundRobin)]
    [InlineData("ROUND-ROBIN", HostSelectorKind.RoundRobin)]
    [InlineData(" roundrobin ", HostSelectorKind.RoundRobin)]
    [InlineData("random", HostSelectorKind.Random)]
    public void GetEnum_matches_Flume_spellings(string value, HostSelectorKind expected)
    {
        Assert.Equal(expected, Context(("host-selector", value)).GetEnum("host-selector", HostSelectorKind.Random));
    }

    [Theory]
    [InlineData("default_loadbalance", RpcClientType.DefaultLoadBalance)]
    [InlineData("default_failover", RpcClientType.DefaultFailover)]
    [InlineData("DEFAULT", RpcClientType.Default)]
    [InlineData("thrift", RpcClientType.Thrift)]
    public void GetEnum_ignores_case_dashes_and_underscores(string value, RpcClientType expected)
    {
        Assert.Equal(expected, Context(("client.type", value)).GetEnum("client.type", RpcClientType.Thrift));
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("1")]
    [InlineData("")]
    [InlineData("-")]
    public void GetEnum_lists_the_accepted_values(string value)
    {
        var error = Assert.Throws<ConfigurationException>(
            () => Context(("compression-type", value)).GetEnum("compression-type", CompressionType.None));

        Assert.Equal($"a1.sources.r1.compression-type: '{value}' is not one of: none, deflate", error.Message);
    }

    [Fact]
    public void GetEnum_lists_the_values_as_Flume_spells_them()
    {
        var policy = Assert.Throws<ConfigurationException>(
            () => Context(("trackingPolicy", "move")).GetEnum("trackingPolicy", Flume.Logging.Relay.Sources.Spooling.SpoolTrackingPolicy.Rename));
        var fileType = Assert.Throws<ConfigurationException>(
            () => Context(("hdfs.fileType", "Parquet")).GetEnum("hdfs.fileType", Flume.Logging.Relay.Sinks.Hdfs.HdfsFileType.SequenceFile));

        Assert.EndsWith("'move' is not one of: rename, tracker_dir", policy.Message, StringComparison.Ordinal);
        Assert.EndsWith("'Parquet' is not one of: SequenceFile, DataStream, CompressedStream", fileType.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void GetEnum_defaults_when_absent()
    {
        Assert.Equal(CompressionType.Deflate, Context().GetEnum("compression-type", CompressionType.Deflate));
    }

    [Fact]
    public void GetList_splits_on_whitespace()
    {
        var context = Context(("channels", "  c1 c2\tc3  c4 "));

        Assert.Equal(["c1", "c2", "c3", "c4"], context.GetList("channels"));
        Assert.Empty(context.GetList("missing"));
    }

    [Fact]
    public void Sub_context_holds_the_keys_under_the_prefix_and_extends_the_key_prefix()
    {
        var context = Context(("selector.type", "multiplexing"), ("selector.mapping.CA", "c1"), ("selector", "x"), ("port", "1"));

        var selector = context.GetSubContext("selector.");

        Assert.Equal("a1.sources.r1.selector.", selector.KeyPrefix);
        Assert.Equal("r1", selector.ComponentName);
        Assert.Equal(["mapping.CA", "type"], selector.Properties.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("a1.sources.r1.selector.mapping.CA", selector.GetSubContext("mapping.").FullKey("CA"));
    }

    [Fact]
    public void Sub_context_errors_keep_the_full_key_and_its_line()
    {
        var context = FromFile(MinimalAgent + "a1.sources.r1.interceptors.i1.type = host\na1.sources.r1.interceptors = i1\n" +
            "a1.sources.r1.interceptors.i1.preserveExisting = maybe\n");

        var interceptor = context.GetSubContext("interceptors.").GetSubContext("i1.");
        var error = Assert.Throws<ConfigurationException>(() => interceptor.GetBoolean("preserveExisting", false));

        Assert.Equal(
            "agent.conf:8: a1.sources.r1.interceptors.i1.preserveExisting: 'maybe' is not a boolean (true or false)",
            error.Message);
    }

    [Fact]
    public void Sub_context_prefix_must_end_with_a_dot()
    {
        Assert.Throws<ArgumentException>(() => Context().GetSubContext("selector"));
    }

    [Fact]
    public void Require_reports_the_full_key_and_the_reason()
    {
        var context = new ComponentContext("c1", "a1.channels.c1.", new Dictionary<string, string> { ["capacity"] = "0" });
        var capacity = context.GetInt32("capacity", 100);

        context.Require(capacity == 0, "capacity", "is not reported when the condition holds");
        var error = Assert.Throws<ConfigurationException>(
            () => context.Require(capacity >= 1, "capacity", $"must be at least 1 (got {capacity})"));

        Assert.Equal("a1.channels.c1.capacity must be at least 1 (got 0)", error.Message);
        Assert.Equal("a1.channels.c1.capacity", error.Key);
    }
}
