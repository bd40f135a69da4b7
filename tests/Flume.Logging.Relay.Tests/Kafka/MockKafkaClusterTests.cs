using Confluent.Kafka;
using Flume.Logging.Testing.Kafka;

namespace Flume.Logging.Relay.Tests.Kafka;

public sealed class MockKafkaClusterTests
{
    [Fact]
    public async Task Mock_cluster_reports_loopback_brokers_that_another_client_can_produce_to()
    {
        using var cluster = MockKafkaCluster.Start();
        Assert.StartsWith("127.0.0.1:", cluster.BootstrapServers, StringComparison.Ordinal);
        Assert.Equal(3, cluster.BootstrapServers.Split(',').Length);
        Assert.Equal(4, cluster.CreateTopic("t"));
        using var producer = new ProducerBuilder<string?, byte[]>(new ProducerConfig { BootstrapServers = cluster.BootstrapServers }).Build();
        var result = await producer.ProduceAsync("t", new Message<string?, byte[]> { Value = [1, 2, 3] });
        Assert.Equal(PersistenceStatus.Persisted, result.Status);
    }
}
