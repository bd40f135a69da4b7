using Confluent.Kafka;
using Flume.Logging.Relay.Config;

namespace Flume.Logging.Relay.Kafka;

/// <summary>Creates the librdkafka clients of the Kafka components, wired to their error reporting.</summary>
internal static class KafkaClients
{
    /// <summary>A producer of string keys and byte values (Flume's String and ByteArray serializers).</summary>
    /// <exception cref="ConfigurationException">librdkafka refused a setting; the message names it.</exception>
    public static IProducer<string?, byte[]> CreateProducer(string component, IReadOnlyDictionary<string, string> config, KafkaClientErrors errors)
    {
        try
        {
            return new ProducerBuilder<string?, byte[]>(config)
                .SetErrorHandler((_, error) => errors.OnError(error))
                .SetLogHandler((_, message) => errors.OnLog(message))
                .Build();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or KafkaException)
        {
            throw new ConfigurationException(component, $"{component}: librdkafka refused the kafka producer settings: {e.Message}", innerException: e);
        }
    }

    /// <summary>A consumer of string keys and byte values, with the given rebalance handlers.</summary>
    /// <exception cref="ConfigurationException">librdkafka refused a setting; the message names it.</exception>
    public static IConsumer<string?, byte[]> CreateConsumer(
        string component,
        IReadOnlyDictionary<string, string> config,
        KafkaClientErrors errors,
        Action<IConsumer<string?, byte[]>, List<TopicPartitionOffset>>? revoked = null)
    {
        try
        {
            var builder = new ConsumerBuilder<string?, byte[]>(config)
                .SetErrorHandler((_, error) => errors.OnError(error))
                .SetLogHandler((_, message) => errors.OnLog(message));
            if (revoked is not null)
            {
                builder.SetPartitionsRevokedHandler(revoked);
                builder.SetPartitionsLostHandler(revoked);
            }

            return builder.Build();
        }
        catch (Exception e) when (e is ArgumentException or InvalidOperationException or KafkaException)
        {
            throw new ConfigurationException(component, $"{component}: librdkafka refused the kafka consumer settings: {e.Message}", innerException: e);
        }
    }

    /// <summary>
    /// Flushes <paramref name="producer"/> until every record it holds is reported, <paramref name="wait"/> has passed
    /// or <paramref name="stop"/> fires, then disposes it. Returns how many records were left unreported.
    /// </summary>
    public static async Task<int> CloseAsync(IProducer<string?, byte[]> producer, TimeSpan wait, CancellationToken stop)
    {
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(stop);
        limit.CancelAfter(wait);
        var left = await Task.Run(() => FlushWithin(producer, limit.Token), CancellationToken.None);
        producer.Dispose();
        return left;
    }

    private static int FlushWithin(IProducer<string?, byte[]> producer, CancellationToken limit)
    {
        try
        {
            producer.Flush(limit);
            return 0;
        }
        catch (OperationCanceledException)
        {
            return producer.Flush(TimeSpan.Zero);
        }
    }

    /// <summary>
    /// Closes <paramref name="consumer"/>, leaving its group at once so the partitions move to the other members
    /// without waiting for a session timeout, then disposes it; a failed close is passed to <paramref name="onCloseFailed"/>.
    /// </summary>
    public static void Close(IConsumer<string?, byte[]> consumer, Action<string> onCloseFailed)
    {
        try
        {
            consumer.Close();
        }
        catch (KafkaException e)
        {
            onCloseFailed(e.Message);
        }
        finally
        {
            consumer.Dispose();
        }
    }
}
