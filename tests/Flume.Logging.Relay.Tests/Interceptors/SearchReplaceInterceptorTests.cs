using System.Text;
using Flume.Logging.Protocol;
using static Flume.Logging.Relay.Tests.Interceptors.InterceptorConfig;

namespace Flume.Logging.Relay.Tests.Interceptors;

public sealed class SearchReplaceInterceptorTests
{
    private const string Type = """
        a1.sources.r1.interceptors = i1
        a1.sources.r1.interceptors.i1.type = search_replace

        """;

    private static string Replace(string properties, string body) =>
        Body(Build(Type + properties).Intercept(Event(body))!);

    [Fact]
    public void Guide_example_removes_leading_alphanumeric_characters()
    {
        // FlumeUserGuide, Search and Replace Interceptor, first example.
        var interceptor = Build("""
            a1.sources.avroSrc.interceptors = search-replace
            a1.sources.avroSrc.interceptors.search-replace.type = search_replace

            # Remove leading alphanumeric characters in an event body.
            a1.sources.avroSrc.interceptors.search-replace.searchPattern = ^[A-Za-z0-9_]+
            a1.sources.avroSrc.interceptors.search-replace.replaceString =
            """);

        Assert.Equal(" world: 42", Body(interceptor.Intercept(Event("hello_7 world: 42"))!));
    }

    [Fact]
    public void Guide_example_reorders_words_with_groups()
    {
        // FlumeUserGuide, Search and Replace Interceptor, "Another example".
        var interceptor = Build("""
            a1.sources.avroSrc.interceptors = search-replace
            a1.sources.avroSrc.interceptors.search-replace.type = search_replace

            # Use grouping operators to reorder and munge words on a line.
            a1.sources.avroSrc.interceptors.search-replace.searchPattern = The quick brown ([a-z]+) jumped over the lazy ([a-z]+)
            a1.sources.avroSrc.interceptors.search-replace.replaceString = The hungry $2 ate the careless $1
            """);

        Assert.Equal(
            "The hungry dog ate the careless fox",
            Body(interceptor.Intercept(Event("The quick brown fox jumped over the lazy dog"))!));
    }

    [Fact]
    public void Replaces_every_match_and_keeps_headers()
    {
        var result = Build(Type + """
            a1.sources.r1.interceptors.i1.searchPattern = \\d
            a1.sources.r1.interceptors.i1.replaceString = #
            """).Intercept(Event("card 4111 exp 12", ("k", "v")))!;

        Assert.Equal("card #### exp ##", Body(result));
        Assert.Equal("v", result.Headers["k"]);
    }

    [Theory]
    [InlineData(@"(?<user>\\w+)@(?<host>\\w+)", @"${host}/${user}", "example/bob")]
    [InlineData(@"(\\w+)@(\\w+)", @"\\$1 costs \\\\ $2", @"$1 costs \ example")]
    [InlineData(@"(\\w+)@(\\w+)", @"$12", "bob2")]
    [InlineData(@"(\\w+)@(\\w+)", @"$0!", "bob@example!")]
    public void Follows_Java_replacement_rules(string search, string replace, string expected)
    {
        // Java: $n takes the longest number naming a group ($12 is group 1 then '2' when there is no group 12),
        // \x is a literal x, and a literal $ must be escaped.
        var properties = $"""
            a1.sources.r1.interceptors.i1.searchPattern = {search}
            a1.sources.r1.interceptors.i1.replaceString = {replace}
            """;

        Assert.Equal(expected, Replace(properties, "bob@example"));
    }

    [Fact]
    public void Charset_decodes_and_encodes_the_body()
    {
        var interceptor = Build(Type + """
            a1.sources.r1.interceptors.i1.searchPattern = \u00e9
            a1.sources.r1.interceptors.i1.replaceString = e
            a1.sources.r1.interceptors.i1.charset = ISO-8859-1
            """);

        var result = interceptor.Intercept(new FlumeEvent(Encoding.Latin1.GetBytes("caf\u00e9 cr\u00e8me")))!;

        Assert.Equal(Encoding.Latin1.GetBytes("cafe cr\u00e8me"), result.Body.ToArray());
    }

    [Fact]
    public void A_body_without_a_match_is_passed_as_is()
    {
        var original = Event("nothing to see");
        var result = Build(Type + """
            a1.sources.r1.interceptors.i1.searchPattern = secret
            a1.sources.r1.interceptors.i1.replaceString = ***
            """).Intercept(original);

        Assert.Same(original, result);
    }

    [Theory]
    [InlineData("a1.sources.r1.interceptors.i1.replaceString = x", "searchPattern")]
    [InlineData("a1.sources.r1.interceptors.i1.searchPattern = [a-\na1.sources.r1.interceptors.i1.replaceString = x", "searchPattern")]
    [InlineData("a1.sources.r1.interceptors.i1.searchPattern = a", "replaceString")]
    [InlineData("a1.sources.r1.interceptors.i1.searchPattern = (a)\na1.sources.r1.interceptors.i1.replaceString = $2", "replaceString")]
    [InlineData("a1.sources.r1.interceptors.i1.searchPattern = (a)\na1.sources.r1.interceptors.i1.replaceString = ${name}", "replaceString")]
    [InlineData("a1.sources.r1.interceptors.i1.searchPattern = (a)\na1.sources.r1.interceptors.i1.replaceString = cost: $", "replaceString")]
    [InlineData("a1.sources.r1.interceptors.i1.searchPattern = (a)\na1.sources.r1.interceptors.i1.replaceString = $$1", "replaceString")]
    [InlineData("a1.sources.r1.interceptors.i1.searchPattern = (a)\na1.sources.r1.interceptors.i1.replaceString = x\\\\", "replaceString")]
    [InlineData("a1.sources.r1.interceptors.i1.searchPattern = (a)\na1.sources.r1.interceptors.i1.replaceString = x\na1.sources.r1.interceptors.i1.charset = EBCDIC-XX", "charset")]
    public void Configuration_errors_name_the_exact_key(string properties, string key)
    {
        Assert.Equal("a1.sources.r1.interceptors.i1." + key, Error(Type + properties).Key);
    }
}
