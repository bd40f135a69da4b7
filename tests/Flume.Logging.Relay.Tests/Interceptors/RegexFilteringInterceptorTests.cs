using System.Text;
using Flume.Logging.Protocol;
using static Flume.Logging.Relay.Tests.Interceptors.InterceptorConfig;

namespace Flume.Logging.Relay.Tests.Interceptors;

public sealed class RegexFilteringInterceptorTests
{
    private const string Type = """
        a1.sources.r1.interceptors = i1
        a1.sources.r1.interceptors.i1.type = regex_filter

        """;

    [Fact]
    public void The_default_regex_keeps_every_event()
    {
        var interceptor = Build(Type);

        Assert.NotNull(interceptor.Intercept(Event("anything")));
        Assert.NotNull(interceptor.Intercept(Event("")));
    }

    [Fact]
    public void Keeps_only_bodies_where_the_regex_is_found()
    {
        var interceptor = Build(Type + @"a1.sources.r1.interceptors.i1.regex = ERROR|WARN\\s");

        Assert.NotNull(interceptor.Intercept(Event("2026-01-01 ERROR disk full")));
        Assert.NotNull(interceptor.Intercept(Event("WARN low memory")));
        Assert.Null(interceptor.Intercept(Event("INFO started")));
    }

    [Fact]
    public void ExcludeEvents_drops_the_bodies_where_the_regex_is_found()
    {
        var interceptor = Build(Type + """
            a1.sources.r1.interceptors.i1.regex = ^DEBUG
            a1.sources.r1.interceptors.i1.excludeEvents = true
            """);

        Assert.Null(interceptor.Intercept(Event("DEBUG noise")));
        Assert.NotNull(interceptor.Intercept(Event("INFO not DEBUG")));
    }

    [Fact]
    public void Reads_the_body_as_UTF8()
    {
        var interceptor = Build(Type + "a1.sources.r1.interceptors.i1.regex = ^caf\u00e9 \u2615$");

        Assert.NotNull(interceptor.Intercept(new FlumeEvent(Encoding.UTF8.GetBytes("caf\u00e9 \u2615"))));
        Assert.Null(interceptor.Intercept(new FlumeEvent(Encoding.Latin1.GetBytes("caf\u00e9 ?"))));
    }

    [Fact]
    public void An_invalid_regex_names_the_key()
    {
        var error = Error(Type + "a1.sources.r1.interceptors.i1.regex = (unclosed");

        Assert.Equal("a1.sources.r1.interceptors.i1.regex", error.Key);
        Assert.Contains("test.properties:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_bad_excludeEvents_names_the_key()
    {
        Assert.Equal(
            "a1.sources.r1.interceptors.i1.excludeEvents",
            Error(Type + "a1.sources.r1.interceptors.i1.excludeEvents = yes").Key);
    }

    [Fact]
    public void A_catastrophic_regex_times_out_instead_of_hanging_the_source()
    {
        var logs = new Flume.Logging.Testing.CapturingLoggerFactory();
        var interceptor = Build(Type + @"a1.sources.r1.interceptors.i1.regex = ^(a+)+$", logs: logs);

        Assert.Null(interceptor.Intercept(Event(new string('a', 40) + "!")));
        Assert.True(logs.Contains("timed out"), logs.Dump());
    }
}
