using Flume.Logging.Relay.Config;
using Flume.Logging.Relay.Kafka;

namespace Flume.Logging.Relay.Tests.Kafka;

public sealed class KafkaClientPropertiesTests
{
    [Theory]
    [InlineData("linger.ms", "5", "linger.ms", "5")]
    [InlineData("compression.type", "snappy", "compression.type", "snappy")]
    [InlineData("receive.buffer.bytes", "65536", "socket.receive.buffer.bytes", "65536")]
    [InlineData("send.buffer.bytes", "65536", "socket.send.buffer.bytes", "65536")]
    [InlineData("max.request.size", "2000000", "message.max.bytes", "2000000")]
    [InlineData("fetch.max.wait.ms", "100", "fetch.wait.max.ms", "100")]
    [InlineData("sasl.mechanism", "PLAIN", "sasl.mechanisms", "PLAIN")]
    [InlineData("ssl.endpoint.identification.algorithm", "", "ssl.endpoint.identification.algorithm", "none")]
    [InlineData("ssl.endpoint.identification.algorithm", "HTTPS", "ssl.endpoint.identification.algorithm", "https")]
    [InlineData("partition.assignment.strategy", "org.apache.kafka.clients.consumer.RoundRobinAssignor", "partition.assignment.strategy", "roundrobin")]
    public void Java_property_becomes_its_librdkafka_equivalent(string javaName, string value, string librdkafkaName, string expected)
    {
        var mapped = KafkaClientProperties.Map(Context(("kafka.producer." + javaName, value)), "kafka.producer.");
        Assert.Equal(expected, mapped[librdkafkaName]);
        Assert.Single(mapped);
    }

    [Theory]
    [InlineData("partitioner.class", "com.example.MyPartitioner")]
    [InlineData("max.poll.records", "500")]
    [InlineData("buffer.memory", "33554432")]
    [InlineData("interceptor.classes", "com.example.Interceptor")]
    public void Java_property_without_librdkafka_equivalent_is_refused_naming_it(string javaName, string value)
    {
        var error = Assert.Throws<ConfigurationException>(() => KafkaClientProperties.Map(Context(("kafka.producer." + javaName, value)), "kafka.producer."));
        Assert.Contains($"a1.sinks.k1.kafka.producer.{javaName} is a Java Kafka client property with no librdkafka equivalent", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Flume_default_serializer_is_accepted_and_another_refused()
    {
        Assert.Empty(KafkaClientProperties.Map(
            Context(("kafka.producer.value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer")), "kafka.producer."));
        var error = Assert.Throws<ConfigurationException>(() => KafkaClientProperties.Map(
            Context(("kafka.producer.value.serializer", "io.confluent.kafka.serializers.KafkaAvroSerializer")), "kafka.producer."));
        Assert.Contains("a1.sinks.k1.kafka.producer.value.serializer must be", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Jaas_plain_login_becomes_sasl_username_and_password()
    {
        var mapped = KafkaClientProperties.Map(
            Context(("kafka.producer.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"alice\" password=\"s3cret\";")),
            "kafka.producer.");
        Assert.Equal("alice", mapped["sasl.username"]);
        Assert.Equal("s3cret", mapped["sasl.password"]);
    }

    [Fact]
    public void Producer_defaults_follow_flume_and_the_java_client_unless_set()
    {
        var config = KafkaClientProperties.Producer(Context(), "127.0.0.1:9092", "1");
        Assert.Equal("1", config["acks"]);
        Assert.Equal("none", config["ssl.endpoint.identification.algorithm"]);
        Assert.Equal("120000", config["delivery.timeout.ms"]);
        Assert.Equal("127.0.0.1:9092", config["bootstrap.servers"]);
    }

    [Fact]
    public void Consumer_never_commits_on_its_own()
    {
        var config = KafkaClientProperties.Consumer(Context(("kafka.consumer.enable.auto.commit", "true")), "127.0.0.1:9092", "flume");
        Assert.Equal("false", config["enable.auto.commit"]);
        Assert.Equal("flume", config["group.id"]);
    }

    [Fact]
    public void Broker_list_that_is_not_host_port_is_refused_naming_the_entry()
    {
        var error = Assert.Throws<ConfigurationException>(() => KafkaClientProperties.BootstrapServers(Context(("kafka.bootstrap.servers", "a:9092,b")), "kafka.bootstrap.servers"));
        Assert.Contains("'b', which is not host:port", error.Message, StringComparison.Ordinal);
    }

    private static ComponentContext Context(params (string Key, string Value)[] properties) =>
        new("k1", "a1.sinks.k1.", properties.ToDictionary(p => p.Key, p => p.Value));
}
