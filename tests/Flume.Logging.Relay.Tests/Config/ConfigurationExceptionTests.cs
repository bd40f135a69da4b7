using Flume.Logging.Relay.Config;

namespace Flume.Logging.Relay.Tests.Config;

public sealed class ConfigurationExceptionTests
{
    [Fact]
    public void Message_gets_the_key_when_the_text_does_not_name_it()
    {
        var error = new ConfigurationException("a1.sources.r1.port", "must be a number");

        Assert.Equal("a1.sources.r1.port: must be a number", error.Message);
    }

    [Fact]
    public void Message_naming_the_key_is_kept_and_prefixed_with_the_location()
    {
        var error = new ConfigurationException("a1.sources.r1.port", "a1.sources.r1.port is required", "agent.conf", 12);

        Assert.Equal("agent.conf:12: a1.sources.r1.port is required", error.Message);
        Assert.Equal(("a1.sources.r1.port", "agent.conf", 12), (error.Key, error.SourceName, error.Line));
    }

    [Fact]
    public void Unknown_line_leaves_the_location_out()
    {
        var error = new ConfigurationException("a1.channels", "a1.channels is required", "agent.conf", 0);

        Assert.Equal("a1.channels is required", error.Message);
    }
}
