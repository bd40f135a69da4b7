using Flume.Logging.Hdfs.Config;
using Flume.Logging.Hdfs.NameNode;

namespace Flume.Logging.Hdfs.Tests.NameNode;

public sealed class HdfsClientOptionsTests
{
    private static readonly NameNodeAddress[] Address = [new("127.0.0.1", 8020)];

    public static TheoryData<HdfsClientOptions> InvalidOptions() =>
    [
        new HdfsClientOptions { User = string.Empty },
        new HdfsClientOptions { ProxyUser = string.Empty },
        new HdfsClientOptions { ConnectTimeout = TimeSpan.Zero },
        new HdfsClientOptions { CallTimeout = TimeSpan.FromSeconds(-1) },
        new HdfsClientOptions { MaxFailoverAttempts = 0 },
        new HdfsClientOptions { CompleteRetries = -1 },
        new HdfsClientOptions { CompleteInitialDelay = TimeSpan.Zero },
        new HdfsClientOptions { FailoverDelay = TimeSpan.Zero },
    ];

    [Theory]
    [MemberData(nameof(InvalidOptions))]
    public void Invalid_settings_are_refused_when_the_client_is_built(HdfsClientOptions options)
    {
        Assert.ThrowsAny<ArgumentException>(() => new NameNodeClient(Address, options));
    }

    [Fact]
    public void Defaults_are_hadoops_and_the_user_falls_back_to_the_environment()
    {
        var options = new HdfsClientOptions();

        Assert.Equal(TimeSpan.FromSeconds(20), options.ConnectTimeout);
        Assert.Equal(15, options.MaxFailoverAttempts);
        Assert.Equal(5, options.CompleteRetries);
        Assert.Equal(TimeSpan.FromMilliseconds(400), options.CompleteInitialDelay);
        var expected = Environment.GetEnvironmentVariable("HADOOP_USER_NAME") is { Length: > 0 } user ? user : Environment.UserName;
        Assert.Equal(expected, options.EffectiveUser);
        Assert.Equal("bob", new HdfsClientOptions { User = "flume", ProxyUser = "bob" }.EffectiveUser);
    }

    [Fact]
    public void A_client_needs_at_least_one_namenode()
    {
        Assert.Throws<ArgumentException>(() => new NameNodeClient([], new HdfsClientOptions()));
    }
}
