using System.Text.RegularExpressions;
using Confluent.Kafka;

namespace Flume.Logging.Testing.Kafka;

/// <summary>
/// librdkafka's built-in mock Kafka cluster, held by an admin client in the test process: clients in this process,
/// relay processes and <c>kcat</c> connect to <see cref="BootstrapServers"/> (127.0.0.1) while it is alive.
/// </summary>
public sealed partial class MockKafkaCluster : IDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);
    private readonly IAdminClient _admin;

    private MockKafkaCluster(IAdminClient admin, string bootstrapServers)
    {
        _admin = admin;
        BootstrapServers = bootstrapServers;
    }

    /// <summary>The brokers, <c>127.0.0.1:P1,127.0.0.1:P2,...</c>.</summary>
    public string BootstrapServers { get; }

    /// <summary>The first broker, for tools that take one address (<c>kcat -b</c>).</summary>
    public string FirstBroker => BootstrapServers.Split(',')[0];

    /// <summary>Starts a cluster of <paramref name="brokers"/> brokers and waits until it reports its addresses.</summary>
    public static MockKafkaCluster Start(int brokers = 3)
    {
        var announced = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        var config = new AdminClientConfig
        {
            // Replaced by the mock cluster's own addresses, as its log line says.
            BootstrapServers = "127.0.0.1:9",
            AllowAutoCreateTopics = true,
        };
        config.Set("test.mock.num.brokers", brokers.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var admin = new AdminClientBuilder(config)
            .SetLogHandler((_, message) =>
            {
                var match = MockAnnouncement().Match(message.Message);
                if (match.Success)
                {
                    announced.TrySetResult(match.Groups[1].Value.TrimEnd('.', ' '));
                }
            })
            .Build();
        if (!announced.Task.Wait(StartTimeout))
        {
            admin.Dispose();
            throw new InvalidOperationException("librdkafka's mock cluster did not report its addresses");
        }

        return new MockKafkaCluster(admin, announced.Task.Result);
    }

    /// <summary>
    /// Creates <paramref name="topic"/> (the mock cluster creates a topic on first mention, with 4 partitions) and
    /// returns its partition count.
    /// </summary>
    public int CreateTopic(string topic)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            var metadata = _admin.GetMetadata(topic, StartTimeout);
            var partitions = metadata.Topics.Count == 1 && !metadata.Topics[0].Error.IsError ? metadata.Topics[0].Partitions.Count : 0;
            if (partitions > 0)
            {
                return partitions;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new InvalidOperationException($"the mock cluster did not create topic {topic}");
            }

            Thread.Sleep(50);
        }
    }

    public void Dispose() => _admin.Dispose();

    [GeneratedRegex(@"replaced with (\S+)")]
    private static partial Regex MockAnnouncement();
}
