using System.Collections.Concurrent;
using Confluent.Kafka;
using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Config;
using Flume.Logging.Relay.Sinks;
using Flume.Logging.Relay.Sinks.Kafka;
using Flume.Logging.Relay.Tests.Sinks;
using Flume.Logging.Rpc;
using Microsoft.Extensions.Logging.Abstractions;
using Moq;

namespace Flume.Logging.Relay.Tests.Kafka;

/// <summary>The sink's commit waits for Kafka's acknowledgements, checked with a producer whose acks the test hands out.</summary>
public sealed class KafkaSinkAcknowledgementTests
{
    private readonly MemoryChannel _channel = new(
        "c1", new MemoryChannelOptions { Capacity = 100, TransactionCapacity = 100 }, TimeProvider.System, NullLogger<MemoryChannel>.Instance);

    private readonly ConcurrentQueue<(Message<string?, byte[]> Message, Action<DeliveryReport<string?, byte[]>> Handler)> _sent = new();

    [Fact]
    public async Task Take_commits_only_after_every_record_is_acknowledged()
    {
        await _channel.PutTextAsync("a", "b", "c");
        var sink = await StartSinkAsync();

        var process = sink.ProcessAsync(CancellationToken.None).AsTask();
        await WaitForSentAsync(3);
        Acknowledge(0, ErrorCode.NoError);
        Acknowledge(1, ErrorCode.NoError);
        await Task.Delay(100);
        Assert.False(process.IsCompleted, "the take completed before the last record was acknowledged");

        Acknowledge(2, ErrorCode.NoError);
        Assert.Equal(SinkStatus.Ready, await process);
        Assert.Equal(0, _channel.Size);
    }

    [Fact]
    public async Task One_unacknowledged_record_rolls_the_whole_take_back_for_another_try()
    {
        await _channel.PutTextAsync("a", "b", "c");
        var sink = await StartSinkAsync();

        var process = sink.ProcessAsync(CancellationToken.None).AsTask();
        await WaitForSentAsync(3);
        Acknowledge(0, ErrorCode.NoError);
        Acknowledge(1, ErrorCode.Local_MsgTimedOut);
        Acknowledge(2, ErrorCode.NoError);

        var error = await Assert.ThrowsAsync<EventDeliveryException>(() => process);
        Assert.Contains("1 of 3 records were not acknowledged", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, _channel.Size);

        // The same events come again, in order, on the next take.
        _sent.Clear();
        var retry = sink.ProcessAsync(CancellationToken.None).AsTask();
        await WaitForSentAsync(3);
        Assert.Equal(["a", "b", "c"], _sent.Select(s => System.Text.Encoding.UTF8.GetString(s.Message.Value)));
        for (var i = 0; i < 3; i++)
        {
            Acknowledge(i, ErrorCode.NoError);
        }

        Assert.Equal(SinkStatus.Ready, await retry);
        Assert.Equal(0, _channel.Size);
    }

    [Fact]
    public async Task Stop_past_its_deadline_does_not_wait_the_close_timeout_for_records_kafka_never_acknowledges()
    {
        // A broker that never answers: flushing would take as long as it is allowed to.
        var producer = new Mock<IProducer<string?, byte[]>>();
        producer.Setup(p => p.Flush(It.IsAny<TimeSpan>())).Returns<TimeSpan>(wait =>
        {
            Thread.Sleep(wait);
            return 1;
        });
        producer.Setup(p => p.Flush(It.IsAny<CancellationToken>())).Callback<CancellationToken>(token =>
        {
            token.WaitHandle.WaitOne(TimeSpan.FromSeconds(30));
            token.ThrowIfCancellationRequested();
        });
        var sink = await StartSinkAsync(producer);

        await sink.StopAsync(new CancellationToken(canceled: true)).WaitAsync(TimeSpan.FromSeconds(5));
    }

    private async Task<KafkaSink> StartSinkAsync(Mock<IProducer<string?, byte[]>>? given = null)
    {
        var producer = given ?? new Mock<IProducer<string?, byte[]>>();
        producer
            .Setup(p => p.Produce(It.IsAny<TopicPartition>(), It.IsAny<Message<string?, byte[]>>(), It.IsAny<Action<DeliveryReport<string?, byte[]>>>()))
            .Callback<TopicPartition, Message<string?, byte[]>, Action<DeliveryReport<string?, byte[]>>>((_, message, handler) => _sent.Enqueue((message, handler)));
        var options = KafkaSinkOptions.From(new ComponentContext("k1", "a1.sinks.k1.", new Dictionary<string, string> { ["kafka.bootstrap.servers"] = "127.0.0.1:9" }));
        var sink = new KafkaSink("k1", _channel, options, _ => producer.Object, TimeProvider.System, NullLogger<KafkaSink>.Instance);
        await sink.StartAsync(CancellationToken.None);
        return sink;
    }

    private async Task WaitForSentAsync(int count)
    {
        for (var i = 0; i < 500 && _sent.Count < count; i++)
        {
            await Task.Delay(10);
        }

        Assert.Equal(count, _sent.Count);
    }

    private void Acknowledge(int index, ErrorCode code)
    {
        var (message, handler) = _sent.ElementAt(index);
        handler(new DeliveryReport<string?, byte[]>
        {
            Message = message,
            Error = new Error(code),
            TopicPartitionOffset = new TopicPartitionOffset("default-flume-topic", 0, index),
        });
    }
}
