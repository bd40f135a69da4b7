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

    [Theory]
    [InlineData("dataDirs", "a1.channels.c1.dataDirs must not include checkpointDir (/tmp/c1)", "checkpointDir", "/tmp/c1", "dataDirs", "/tmp/c1")]
    [InlineData("transactionCapacity", "a1.channels.c1.transactionCapacity must be 1-100 (got 200)", "capacity", "100", "transactionCapacity", "200")]
    [InlineData("backupCheckpointDir", "a1.channels.c1.backupCheckpointDir must not be a data directory (/tmp/d)", "useDualCheckpoints", "true", "backupCheckpointDir", "/tmp/d")]
    public void A_setting_the_channel_could_not_open_with_is_a_configuration_error_naming_its_key(
        string key, string message, string key1, string value1, string key2, string value2)
    {
        var properties = new Dictionary<string, string> { ["dataDirs"] = "/tmp/d", [key1] = value1, [key2] = value2 };
        var error = Assert.Throws<ConfigurationException>(() => DurableFileChannel.Options(new ComponentContext("c1", "a1.channels.c1.", properties)));

        Assert.Equal("a1.channels.c1." + key, error.Key);
        Assert.Equal(message, error.Message);
    }
}
