using Flume.Logging.Relay.Config;
using Flume.Logging.Relay.Sources.Exec;

namespace Flume.Logging.Relay.Tests.Sources.Exec;

public sealed class ExecSourceOptionsTests
{
    private static ComponentContext Context(params (string Key, string Value)[] properties) =>
        new("r1", "a1.sources.r1.", properties.ToDictionary(p => p.Key, p => p.Value));

    [Fact]
    public void Defaults_are_flumes()
    {
        var options = ExecSourceOptions.From(Context(("command", "tail -F /var/log/secure")));

        Assert.Equal("tail -F /var/log/secure", options.Command);
        Assert.Null(options.Shell);
        Assert.Equal(TimeSpan.FromMilliseconds(10_000), options.RestartThrottle);
        Assert.False(options.Restart);
        Assert.False(options.LogStdErr);
        Assert.Equal(20, options.BatchSize);
        Assert.Equal(TimeSpan.FromMilliseconds(3000), options.BatchTimeout);
        Assert.Equal("UTF-8", options.Charset);
        Assert.Equal(["tail", "-F", "/var/log/secure"], options.Arguments());
    }

    [Fact]
    public void Every_property_is_read_under_flumes_name_and_a_shell_gets_the_whole_command()
    {
        var options = ExecSourceOptions.From(Context(
            ("command", "for i in /path/*.txt; do cat $i; done"),
            ("shell", "/bin/bash -c"),
            ("restartThrottle", "500"),
            ("restart", "true"),
            ("logStdErr", "true"),
            ("batchSize", "5"),
            ("batchTimeout", "100"),
            ("charset", "ISO-8859-1")));

        Assert.Equal(["/bin/bash", "-c", "for i in /path/*.txt; do cat $i; done"], options.Arguments());
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.RestartThrottle);
        Assert.True(options.Restart);
        Assert.True(options.LogStdErr);
        Assert.Equal(5, options.BatchSize);
        Assert.Equal(TimeSpan.FromMilliseconds(100), options.BatchTimeout);
        Assert.Equal("ISO-8859-1", options.Charset);
    }

    [Theory]
    [InlineData("command", "", "a1.sources.r1.command")]
    [InlineData("charset", "NO-SUCH-CHARSET", "a1.sources.r1.charset 'NO-SUCH-CHARSET' is not a known character set")]
    [InlineData("batchSize", "0", "a1.sources.r1.batchSize")]
    [InlineData("batchTimeout", "0", "a1.sources.r1.batchTimeout must be positive")]
    public void Bad_values_are_errors_naming_the_key(string key, string value, string expected)
    {
        var properties = new List<(string, string)> { ("command", "tail -F /x") };
        properties.RemoveAll(p => p.Item1 == key);
        properties.Add((key, value));

        var error = Assert.Throws<ConfigurationException>(() => ExecSourceOptions.From(Context([.. properties])));
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_command_is_an_error_naming_the_key() =>
        Assert.Contains("a1.sources.r1.command", Assert.Throws<ConfigurationException>(() => ExecSourceOptions.From(Context())).Message, StringComparison.Ordinal);
}
