using Flume.Logging.Relay.Config;

namespace Flume.Logging.Relay.Tests.Config;

public sealed class ValueSubstitutionTests
{
    private static readonly Dictionary<string, string> Environment = new(StringComparer.Ordinal) { ["NC_PORT"] = "44444", ["HOST"] = "127.0.0.1" };

    private static readonly Dictionary<string, string> System = new(StringComparer.Ordinal) { ["NC_PORT"] = "55555" };

    private static IReadOnlyList<PropertyEntry> Substitute(string text) =>
        ValueSubstitution.Apply(
            PropertiesReader.Read(new StringReader(text), "flume.conf"),
            "a1",
            name => Environment.GetValueOrDefault(name),
            name => System.GetValueOrDefault(name));

    private static Dictionary<string, string> Apply(string text) =>
        Substitute(text).ToDictionary(e => e.Key, e => e.Value, StringComparer.Ordinal);

    /// <summary>The substituted values in file order, so a test can compare them all at once.</summary>
    private static string[] ValuesOf(string text) => [.. Substitute(text).Select(e => e.Value)];

    [Fact]
    public void Env_sys_and_file_keys_are_substituted_in_values()
    {
        var values = ValuesOf("""
            NC_PORT = 33333
            a1.sources.r1.port = ${env:NC_PORT}
            a1.sources.r2.port = ${sys:NC_PORT}
            a1.sources.r3.port = ${NC_PORT}
            a1.sources.r4.bind = ${env:HOST}:${a1.sources.r3.port}
            """);

        Assert.Equal(
            ["33333", "44444", "55555", "33333", "127.0.0.1:33333"],
            values);
    }

    [Fact]
    public void Defaults_escapes_and_unknown_names_behave_as_in_commons_text()
    {
        var values = ValuesOf("""
            a1.sources.r1.port = ${env:NOT_SET:-4545}
            a1.sources.r1.a = $${env:NC_PORT}
            a1.sources.r1.b = ${f1['secret']}
            a1.sources.r1.c = ${date:yyyy}
            a1.sources.r1.d = ${no.such.key}
            """);

        // In file order: a default, an escape, a config filter reference, a lookup the relay does not offer, a missing key.
        Assert.Equal(["4545", "${env:NC_PORT}", "${f1['secret']}", "${date:yyyy}", "${no.such.key}"], values);
    }

    [Fact]
    public void A_substituted_value_is_itself_substituted()
    {
        var values = Apply("""
            base = /var/flume
            dir = ${base}/c1
            a1.channels.c1.dataDirs = ${dir}/data
            """);

        Assert.Equal("/var/flume/c1/data", values["a1.channels.c1.dataDirs"]);
    }

    [Theory]
    [InlineData("${env:NOT_SET}", "environment variable 'NOT_SET', which is not set")]
    [InlineData("${sys:NOT_SET}", "system property (a -D option) 'NOT_SET', which is not set")]
    public void An_unset_env_or_sys_variable_of_the_agent_is_an_error_naming_key_line_and_variable(string value, string why)
    {
        var error = Assert.Throws<ConfigurationException>(() => Apply($"a1.sources = r1\na1.sources.r1.port = {value}\n"));

        Assert.Equal("a1.sources.r1.port", error.Key);
        Assert.Equal(2, error.Line);
        Assert.Contains(why, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unset_variable_of_another_agent_is_left_as_written()
    {
        var values = Apply("a2.sources.r1.port = ${env:NOT_SET}\n");

        Assert.Equal("${env:NOT_SET}", values["a2.sources.r1.port"]);
    }

    [Fact]
    public void Variables_referring_to_each_other_are_an_error_not_a_hang()
    {
        var error = Assert.Throws<ConfigurationException>(() => Apply("x = ${y}\ny = ${x}\na1.sources.r1.port = ${x}\n"));

        Assert.Contains("cycle", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Later_files_override_earlier_keys_and_add_new_ones()
    {
        var first = PropertiesReader.Read(new StringReader("a1.sources.r1.port = ${NC_PORT}\na1.sources.r1.bind = 0.0.0.0\n"), "example.conf");
        var second = PropertiesReader.Read(new StringReader("NC_PORT = 44444\na1.sources.r1.bind = 127.0.0.1\n"), "override.conf");

        var merged = ConfigurationFiles.Merge([first, second]);

        Assert.Equal(["a1.sources.r1.port", "a1.sources.r1.bind", "NC_PORT"], merged.Select(e => e.Key));
        Assert.Equal("override.conf:2", merged[1].Location);
        Assert.Equal("127.0.0.1", merged[1].Value);
    }
}
