using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Config;

namespace Flume.Logging.Relay.Tests.Channels;

public sealed class DurableFileChannelOptionsTests
{
    private static ComponentContext Context(params (string Key, string Value)[] properties) =>
        new("c1", "a1.channels.c1.", properties.ToDictionary(p => p.Key, p => p.Value));

    [Fact]
    public void MinimumRequiredSpace_defaults_to_500_MiB_as_in_Flume()
    {
        Assert.Equal(524_288_000, DurableFileChannel.Options(Context()).MinimumRequiredSpace);
    }

    [Theory]
    [InlineData("0", 1_048_576)]
    [InlineData("1000", 1_048_576)]
    [InlineData("1048577", 1_048_577)]
    public void MinimumRequiredSpace_below_1_MiB_is_raised_to_1_MiB_as_Flume_does(string value, long expected)
    {
        Assert.Equal(expected, DurableFileChannel.Options(Context(("minimumRequiredSpace", value))).MinimumRequiredSpace);
    }
}
