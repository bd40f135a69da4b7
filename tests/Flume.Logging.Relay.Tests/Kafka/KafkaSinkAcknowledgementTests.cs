using System.Collections.Concurrent;
using Confluent.Kafka;
using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Config;
using Flume.Logging.Relay.Kafka;
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

    private KafkaClientErrors? _errors;

    [Fact]
    public async Task Take_commits_only_after_every_record_is_acknowledged()
    {
        var (sink, process) = await StartTakeAsync("a", "b", "c");
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
        var (sink, process) = await StartTakeAsync("a", "b", "c");
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

    [Fact]
    public async Task Stop_with_every_broker_down_rolls_the_take_back_at_the_next_client_error()
    {
        var (sink, process) = await StartTakeAsync("a", "b", "c");
        Acknowledge(0, ErrorCode.NoError);
        _errors!.OnError(new Error(ErrorCode.Local_AllBrokersDown, "1/1 brokers are down"));

        sink.OnStopRequested();
        await Task.Delay(100);
        Assert.False(process.IsCompleted, "the take gave up before librdkafka reported a failure after the stop began");
        _errors.OnError(new Error(ErrorCode.Local_Transport, "Connect to ipv4#127.0.0.1:9 failed: Connection refused"));

        var error = await Assert.ThrowsAsync<EventDeliveryException>(() => process.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(
            "kafka sink k1: stopping with every broker down (brokers 127.0.0.1:9); last client error: Connect to ipv4#127.0.0.1:9 failed: " +
            "Connection refused; 2 of 3 records are not acknowledged, so the take is rolled back and its events stay in the channel",
            error.Message);
        Assert.Equal(3, _channel.Size);

        // The drain at stop does not hand librdkafka another take it cannot deliver.
        _sent.Clear();
        await Assert.ThrowsAsync<EventDeliveryException>(() => sink.ProcessAsync(CancellationToken.None).AsTask());
        Assert.Empty(_sent);
        Assert.Equal(3, _channel.Size);
    }

    [Fact]
    public async Task Stop_with_a_broker_reachable_still_waits_for_the_acknowledgements()
    {
        var (sink, process) = await StartTakeAsync("a", "b");

        // One broker of several failing, and an outage that ended with a take acknowledged, are not every broker down.
        _errors!.OnError(new Error(ErrorCode.Local_AllBrokersDown, "1/1 brokers are down"));
        _errors.Clear();
        sink.OnStopRequested();
        _errors.OnError(new Error(ErrorCode.Local_Transport, "127.0.0.1:9/2: Connect failed: Connection refused"));
        await Task.Delay(100);
        Assert.False(process.IsCompleted, "the take gave up although a broker could still acknowledge it");

        Acknowledge(0, ErrorCode.NoError);
        Acknowledge(1, ErrorCode.NoError);
        Assert.Equal(SinkStatus.Ready, await process.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Equal(0, _channel.Size);
    }

    [Fact]
    public async Task Close_after_giving_up_does_not_wait_the_close_timeout_for_the_abandoned_records()
    {
        // librdkafka holds the abandoned records: flushing would wait as long as it is allowed to.
        var producer = new Mock<IProducer<string?, byte[]>>();
        producer.Setup(p => p.Flush(It.IsAny<TimeSpan>())).Returns(2);
        producer.Setup(p => p.Flush(It.IsAny<CancellationToken>())).Callback<CancellationToken>(token =>
        {
            token.WaitHandle.WaitOne(TimeSpan.FromSeconds(30));
            token.ThrowIfCancellationRequested();
        });
        var sink = await StartSinkAsync(producer);
        _errors!.OnError(new Error(ErrorCode.Local_AllBrokersDown, "1/1 brokers are down"));
        sink.OnStopRequested();
        _errors.OnError(new Error(ErrorCode.Local_Transport, "Connection refused"));

        var stopped = System.Diagnostics.Stopwatch.StartNew();
        await sink.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.True(stopped.Elapsed < TimeSpan.FromSeconds(5), $"the close waited {stopped.Elapsed} for records no broker can take");
        producer.Verify(p => p.Dispose());
    }

    private async Task<KafkaSink> StartSinkAsync(Mock<IProducer<string?, byte[]>>? given = null)
    {
        var producer = given ?? new Mock<IProducer<string?, byte[]>>();
        producer
            .Setup(p => p.Produce(It.IsAny<TopicPartition>(), It.IsAny<Message<string?, byte[]>>(), It.IsAny<Action<DeliveryReport<string?, byte[]>>>()))
            .Callback<TopicPartition, Message<string?, byte[]>, Action<DeliveryReport<string?, byte[]>>>((_, message, handler) => _sent.Enqueue((message, handler)));
        var options = KafkaSinkOptions.From(new ComponentContext("k1", "a1.sinks.k1.", new Dictionary<string, string> { ["kafka.bootstrap.servers"] = "127.0.0.1:9" }));
        var sink = new KafkaSink("k1", _channel, options, errors =>
        {
            _errors = errors;
            return producer.Object;
        }, TimeProvider.System, NullLogger<KafkaSink>.Instance);
        await sink.StartAsync(CancellationToken.None);
        return sink;
    }

    /// <summary>Puts <paramref name="bodies"/>, starts the sink and its take, and waits until the take sent every record.</summary>
    private async Task<(KafkaSink Sink, Task<SinkStatus> Process)> StartTakeAsync(params string[] bodies)
    {
        await _channel.PutTextAsync(bodies);
        var sink = await StartSinkAsync();
        var process = sink.ProcessAsync(CancellationToken.None).AsTask();
        await WaitForSentAsync(bodies.Length);
        return (sink, process);
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
