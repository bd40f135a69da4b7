using Flume.Logging.Testing;
using static Flume.Logging.Relay.Tests.Interceptors.InterceptorConfig;

namespace Flume.Logging.Relay.Tests.Interceptors;

public sealed class RegexExtractorInterceptorTests
{
    private const string Type = """
        a1.sources.r1.interceptors = i1
        a1.sources.r1.interceptors.i1.type = regex_extractor

        """;

    // FlumeUserGuide, Regex Extractor Interceptor, Example 1.
    private const string GuideExample1 = """
        a1.sources.r1.interceptors.i1.regex = (\\d):(\\d):(\\d)
        a1.sources.r1.interceptors.i1.serializers = s1 s2 s3
        a1.sources.r1.interceptors.i1.serializers.s1.name = one
        a1.sources.r1.interceptors.i1.serializers.s2.name = two
        a1.sources.r1.interceptors.i1.serializers.s3.name = three
        """;

    // FlumeUserGuide, Regex Extractor Interceptor, Example 2.
    private const string GuideExample2 = """
        a1.sources.r1.interceptors.i1.regex = ^(?:\\n)?(\\d\\d\\d\\d-\\d\\d-\\d\\d\\s\\d\\d:\\d\\d)
        a1.sources.r1.interceptors.i1.serializers = s1
        a1.sources.r1.interceptors.i1.serializers.s1.type = org.apache.flume.interceptor.RegexExtractorInterceptorMillisSerializer
        a1.sources.r1.interceptors.i1.serializers.s1.name = timestamp
        a1.sources.r1.interceptors.i1.serializers.s1.pattern = yyyy-MM-dd HH:mm
        """;

    [Fact]
    public void Guide_example_1_adds_one_two_three_and_keeps_the_body()
    {
        // "If the Flume event body contained 1:2:3.4foobar5 [...] the following headers will have been added
        // one=>1, two=>2, three=>3".
        var result = Build(Type + GuideExample1).Intercept(Event("1:2:3.4foobar5"))!;

        Assert.Equal("1:2:3.4foobar5", Body(result));
        Assert.Equal(new Dictionary<string, string> { ["one"] = "1", ["two"] = "2", ["three"] = "3" }, result.Headers);
    }

    [Fact]
    public void Guide_example_2_parses_the_date_as_UTC_epoch_milliseconds()
    {
        // The guide's body "2012-10-18 18:47:57,614 some log line" gives timestamp=>1350611220000 on a JVM in
        // America/Los_Angeles (Joda parses in the JVM's zone: 2012-10-18 18:47 PDT). Zone-less patterns are UTC
        // here, whatever the host's zone, so 18:47Z: 1350611220000 - 7 h = 1350586020000.
        var result = Build(Type + GuideExample2).Intercept(Event("2012-10-18 18:47:57,614 some log line"))!;

        Assert.Equal("2012-10-18 18:47:57,614 some log line", Body(result));
        Assert.Equal("1350586020000", result.Headers["timestamp"]);
        Assert.Equal(1350611220000 - (7 * 3600 * 1000), long.Parse(result.Headers["timestamp"], System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public void Millis_alias_and_a_pattern_with_an_offset_honour_the_offset()
    {
        var result = Build(Type + """
            a1.sources.r1.interceptors.i1.regex = at (\\S+ \\S+ \\S+)
            a1.sources.r1.interceptors.i1.serializers = when
            a1.sources.r1.interceptors.i1.serializers.when.type = millis
            a1.sources.r1.interceptors.i1.serializers.when.name = ts
            a1.sources.r1.interceptors.i1.serializers.when.pattern = yyyy-MM-dd HH:mm:ss.SSS Z
            """).Intercept(Event("job ran at 2012-10-18 18:47:57.614 -0700 ok"))!;

        Assert.Equal("1350611277614", result.Headers["ts"]);
    }

    [Fact]
    public void A_date_that_does_not_parse_sets_no_header_and_is_logged()
    {
        var logs = new CapturingLoggerFactory();
        var interceptor = Build(Type + GuideExample2.Replace(@"\\d\\d:\\d\\d)", @"\\d\\d:\\d\\d.*)", StringComparison.Ordinal), logs: logs);

        var result = interceptor.Intercept(Event("2012-10-18 18:47:57,614 some log line"))!;

        Assert.False(result.Headers.ContainsKey("timestamp"));
        Assert.True(logs.Contains("a1.sources.r1.interceptors.i1.serializers.s1.pattern"), logs.Dump());
    }

    [Fact]
    public void Unmatched_bodies_pass_unchanged()
    {
        var result = Build(Type + GuideExample1).Intercept(Event("no digits here", ("k", "v")))!;

        Assert.Equal("no digits here", Body(result));
        Assert.Equal(new Dictionary<string, string> { ["k"] = "v" }, result.Headers);
    }

    [Fact]
    public void Groups_beyond_the_serializers_and_groups_that_did_not_match_set_no_header()
    {
        var result = Build(Type + """
            a1.sources.r1.interceptors.i1.regex = (a)(x)?(b)(c)
            a1.sources.r1.interceptors.i1.serializers = s1 s2 s3
            a1.sources.r1.interceptors.i1.serializers.s1.name = first
            a1.sources.r1.interceptors.i1.serializers.s2.name = optional
            a1.sources.r1.interceptors.i1.serializers.s3.type = default
            a1.sources.r1.interceptors.i1.serializers.s3.name = third
            """).Intercept(Event("abc"))!;

        Assert.Equal(new Dictionary<string, string> { ["first"] = "a", ["third"] = "b" }, result.Headers);
    }

    [Fact]
    public void The_pass_through_class_name_is_the_default_serializer()
    {
        var result = Build(Type + """
            a1.sources.r1.interceptors.i1.regex = id=(\\w+)
            a1.sources.r1.interceptors.i1.serializers = s1
            a1.sources.r1.interceptors.i1.serializers.s1.type = org.apache.flume.interceptor.RegexExtractorInterceptorPassThroughSerializer
            a1.sources.r1.interceptors.i1.serializers.s1.name = id
            """).Intercept(Event("user id=alice42 logged in"))!;

        Assert.Equal("alice42", result.Headers["id"]);
    }

    [Theory]
    [InlineData("a1.sources.r1.interceptors.i1.regex = ((\\\\d)", "regex")]
    [InlineData("a1.sources.r1.interceptors.i1.regex =", "regex")]
    [InlineData("a1.sources.r1.interceptors.i1.regex = (\\\\d)\na1.sources.r1.interceptors.i1.serializers =", "serializers")]
    [InlineData("a1.sources.r1.interceptors.i1.regex = (\\\\d)\na1.sources.r1.interceptors.i1.serializers = s1", "serializers.s1.name")]
    [InlineData("a1.sources.r1.interceptors.i1.regex = (\\\\d)\na1.sources.r1.interceptors.i1.serializers = s1\na1.sources.r1.interceptors.i1.serializers.s1.name = n\na1.sources.r1.interceptors.i1.serializers.s1.type = json", "serializers.s1.type")]
    [InlineData("a1.sources.r1.interceptors.i1.regex = (\\\\d)\na1.sources.r1.interceptors.i1.serializers = s1\na1.sources.r1.interceptors.i1.serializers.s1.name = n\na1.sources.r1.interceptors.i1.serializers.s1.type = millis", "serializers.s1.pattern")]
    [InlineData("a1.sources.r1.interceptors.i1.regex = (\\\\d)\na1.sources.r1.interceptors.i1.serializers = s1\na1.sources.r1.interceptors.i1.serializers.s1.name = n\na1.sources.r1.interceptors.i1.serializers.s1.type = millis\na1.sources.r1.interceptors.i1.serializers.s1.pattern = yyyy-MM-dd HH:mm z", "serializers.s1.pattern")]
    [InlineData("a1.sources.r1.interceptors.i1.regex = (\\\\d)\na1.sources.r1.interceptors.i1.serializers = s1\na1.sources.r1.interceptors.i1.serializers.s1.name = n\na1.sources.r1.interceptors.i1.serializers.s1.type = millis\na1.sources.r1.interceptors.i1.serializers.s1.pattern = yyyy-MM-dd 'T", "serializers.s1.pattern")]
    public void Configuration_errors_name_the_exact_key(string properties, string key)
    {
        Assert.Equal("a1.sources.r1.interceptors.i1." + key, Error(Type + properties).Key);
    }
}
