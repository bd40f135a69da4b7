using static Flume.Logging.Relay.Tests.Interceptors.InterceptorConfig;

namespace Flume.Logging.Relay.Tests.Interceptors;

public sealed class RemoveHeaderInterceptorTests
{
    private const string Type = """
        a1.sources.r1.interceptors = i1
        a1.sources.r1.interceptors.i1.type = remove_header

        """;

    private static IDictionary<string, string> Apply(string properties) =>
        Build(Type + properties).Intercept(Event("x", ("a", "1"), ("b", "2"), ("c", "3"), ("x-trace", "4"), ("x-span", "5")))!.Headers;

    [Fact]
    public void WithName_removes_that_header()
    {
        Assert.Equal(["b", "c", "x-span", "x-trace"], Apply("a1.sources.r1.interceptors.i1.withName = a").Keys.Order());
    }

    [Fact]
    public void FromList_removes_each_header_split_by_the_default_comma_separator()
    {
        // The guide's default fromListSeparator is \s*,\s*: a comma with any whitespace around it.
        Assert.Equal(["c", "x-trace"], Apply("a1.sources.r1.interceptors.i1.fromList = a ,b,  x-span").Keys.Order());
    }

    [Fact]
    public void FromListSeparator_is_a_regular_expression()
    {
        Assert.Equal(["b", "x-span", "x-trace"], Apply("""
            a1.sources.r1.interceptors.i1.fromList = a|c
            a1.sources.r1.interceptors.i1.fromListSeparator = \\|
            """).Keys.Order());
    }

    [Fact]
    public void Matching_removes_headers_whose_whole_name_matches()
    {
        Assert.Equal(["a", "b", "c"], Apply("a1.sources.r1.interceptors.i1.matching = x-.*").Keys.Order());

        // "x" alone is found inside "x-trace" but is not its whole name.
        Assert.Equal(5, Apply("a1.sources.r1.interceptors.i1.matching = x").Count);
    }

    [Fact]
    public void All_three_combine()
    {
        Assert.Empty(Apply("""
            a1.sources.r1.interceptors.i1.withName = a
            a1.sources.r1.interceptors.i1.fromList = b,c
            a1.sources.r1.interceptors.i1.matching = x-(trace|span)
            """));
    }

    [Fact]
    public void Nothing_configured_leaves_events_unchanged()
    {
        Assert.Equal(5, Apply("").Count);
    }

    [Theory]
    [InlineData("matching")]
    [InlineData("fromListSeparator")]
    public void An_invalid_regex_names_the_key(string key)
    {
        var error = Error(Type + $"""
            a1.sources.r1.interceptors.i1.fromList = a,b
            a1.sources.r1.interceptors.i1.{key} = a)|(b
            """);

        Assert.Equal($"a1.sources.r1.interceptors.i1.{key}", error.Key);
        Assert.Contains("not a valid regular expression", error.Message, StringComparison.Ordinal);
    }
}
