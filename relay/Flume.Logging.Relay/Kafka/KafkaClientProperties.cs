using System.Collections.Frozen;
using System.Globalization;
using Flume.Logging.Relay.Config;

namespace Flume.Logging.Relay.Kafka;

/// <summary>
/// Turns the Java Kafka client properties a Flume configuration passes through (<c>kafka.producer.*</c>,
/// <c>kafka.consumer.*</c>) into librdkafka's: most names are the same in both clients; the ones that differ are
/// renamed (or their value converted), and a Java property librdkafka has no equivalent for is refused with an
/// error naming it, instead of being dropped and silently changing what the user asked for.
/// </summary>
internal static class KafkaClientProperties
{
    /// <summary>Flume's default key (de)serializers and value (de)serializers: the only ones that mean what we do.</summary>
    private static readonly FrozenDictionary<string, string> AcceptedClasses = new Dictionary<string, string>
    {
        ["key.serializer"] = "org.apache.kafka.common.serialization.StringSerializer",
        ["value.serializer"] = "org.apache.kafka.common.serialization.ByteArraySerializer",
        ["key.deserializer"] = "org.apache.kafka.common.serialization.StringDeserializer",
        ["value.deserializer"] = "org.apache.kafka.common.serialization.ByteArrayDeserializer",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Java names whose librdkafka property has another name but the same meaning and unit.</summary>
    private static readonly FrozenDictionary<string, string> Renamed = new Dictionary<string, string>
    {
        ["receive.buffer.bytes"] = "socket.receive.buffer.bytes",
        ["send.buffer.bytes"] = "socket.send.buffer.bytes",
        ["max.request.size"] = "message.max.bytes",
        ["fetch.max.wait.ms"] = "fetch.wait.max.ms",
        ["sasl.mechanism"] = "sasl.mechanisms",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Java properties with no librdkafka equivalent, and what to do instead.</summary>
    private static readonly FrozenDictionary<string, string> Refused = new Dictionary<string, string>
    {
        ["partitioner.class"] = "Java partitioner classes do not exist here; use partitioner (murmur2_random is the Java client's default, also random, consistent, consistent_random, murmur2, fnv1a, fnv1a_random)",
        ["interceptor.classes"] = "Java interceptor classes cannot run here; use a Flume interceptor on the source",
        ["metric.reporters"] = "Java metric reporters cannot run here; the relay's monitoring reports the component's counters",
        ["max.poll.records"] = "librdkafka has no such limit; batchSize bounds the records taken per batch",
        ["max.block.ms"] = "librdkafka never blocks a send on metadata; delivery.timeout.ms bounds how long a record may wait",
        ["buffer.memory"] = "librdkafka counts its buffer in kilobytes and messages: use queue.buffering.max.kbytes and queue.buffering.max.messages",
        ["ssl.protocol"] = "librdkafka negotiates the highest TLS version both ends support",
        ["ssl.enabled.protocols"] = "librdkafka negotiates the highest TLS version both ends support",
        ["ssl.provider"] = "librdkafka uses OpenSSL",
        ["ssl.keymanager.algorithm"] = "librdkafka uses OpenSSL",
        ["ssl.trustmanager.algorithm"] = "librdkafka uses OpenSSL",
        ["ssl.secure.random.implementation"] = "librdkafka uses OpenSSL",
        ["security.providers"] = "librdkafka uses OpenSSL",
        ["sasl.login.class"] = "Java login classes cannot run here; use sasl.username and sasl.password, or sasl.kerberos.keytab and sasl.kerberos.principal",
        ["sasl.client.callback.handler.class"] = "Java callback handlers cannot run here",
        ["sasl.login.callback.handler.class"] = "Java callback handlers cannot run here",
        ["exclude.internal.topics"] = "librdkafka never subscribes to internal topics through a pattern",
        ["default.api.timeout.ms"] = "librdkafka has no such setting",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Java consumer assignor classes and librdkafka's names for the same strategies.</summary>
    private static readonly FrozenDictionary<string, string> Assignors = new Dictionary<string, string>
    {
        ["org.apache.kafka.clients.consumer.RangeAssignor"] = "range",
        ["org.apache.kafka.clients.consumer.RoundRobinAssignor"] = "roundrobin",
        ["org.apache.kafka.clients.consumer.CooperativeStickyAssignor"] = "cooperative-sticky",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>
    /// The librdkafka properties for the Java ones under <paramref name="prefix"/> (e.g. <c>kafka.producer.</c>) of
    /// <paramref name="properties"/>, in configuration order; errors name the full key.
    /// </summary>
    public static Dictionary<string, string> Map(ComponentContext properties, string prefix)
    {
        ArgumentNullException.ThrowIfNull(properties);
        var sub = properties.GetSubContext(prefix);
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in sub.Properties)
        {
            if (!KafkaTlsStores.Keys.Contains(key))
            {
                Add(sub, key, value, result);
            }
        }

        // After the others, so that librdkafka's own certificate settings, if also given, are seen.
        KafkaTlsStores.Map(sub, result);
        return result;
    }

    /// <summary>Maps one Java property into <paramref name="result"/>, or throws naming it.</summary>
    internal static void Add(ComponentContext properties, string key, string value, Dictionary<string, string> result)
    {
        if (Refused.TryGetValue(key, out var instead))
        {
            throw properties.CreateError(key, $"is a Java Kafka client property with no librdkafka equivalent: {instead}");
        }

        if (AcceptedClasses.TryGetValue(key, out var accepted))
        {
            // Flume fixes these to its own; a different class would decode records differently than we do.
            properties.Require(
                value.Trim() == accepted, key, $"must be {accepted} (got {value}): records are read and written as Flume's default (de)serializers do");
            return;
        }

        switch (key)
        {
            case "ssl.endpoint.identification.algorithm":
                // Java's "" (no check) is librdkafka's "none".
                result[key] = value.Trim().Length == 0 ? "none" : value.Trim().ToLowerInvariant();
                return;
            case "partition.assignment.strategy":
                result[key] = MapAssignors(properties, key, value);
                return;
            case "sasl.jaas.config":
                MapJaas(properties, key, value, result);
                return;
        }

        result[Renamed.GetValueOrDefault(key, key)] = value;
    }

    private static string MapAssignors(ComponentContext properties, string key, string value)
    {
        var names = new List<string>();
        foreach (var part in value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (Assignors.TryGetValue(part, out var name))
            {
                names.Add(name);
            }
            else if (part is "range" or "roundrobin" or "cooperative-sticky")
            {
                names.Add(part);
            }
            else
            {
                throw properties.CreateError(
                    key, $"names {part}, which librdkafka does not have; use RangeAssignor, RoundRobinAssignor or CooperativeStickyAssignor (range, roundrobin, cooperative-sticky)");
            }
        }

        return string.Join(',', names);
    }

    /// <summary>
    /// The JAAS line of PLAIN and SCRAM logins carries a user name and password, which librdkafka takes as
    /// properties; a Kerberos login carries a keytab and principal.
    /// </summary>
    private static void MapJaas(ComponentContext properties, string key, string value, Dictionary<string, string> result)
    {
        var options = JaasOptions(value);
        if (value.Contains("PlainLoginModule", StringComparison.Ordinal) || value.Contains("ScramLoginModule", StringComparison.Ordinal))
        {
            properties.Require(
                options.TryGetValue("username", out var user) && options.TryGetValue("password", out _),
                key,
                "must give username=\"...\" and password=\"...\" for its login module");
            result["sasl.username"] = user!;
            result["sasl.password"] = options["password"];
        }
        else if (value.Contains("Krb5LoginModule", StringComparison.Ordinal))
        {
            properties.Require(
                options.TryGetValue("keyTab", out var keytab) && options.TryGetValue("principal", out var principal),
                key,
                "must give keyTab=\"...\" and principal=\"...\" (librdkafka logs in with kinit and a keytab, not a ticket cache)");
            result["sasl.kerberos.keytab"] = keytab!;
            result["sasl.kerberos.principal"] = options["principal"];
        }
        else
        {
            throw properties.CreateError(key, "names a login module librdkafka has no equivalent of; PlainLoginModule, ScramLoginModule and Krb5LoginModule are understood");
        }
    }

    /// <summary>The <c>name="value"</c> (or unquoted) options of a JAAS line.</summary>
    private static Dictionary<string, string> JaasOptions(string jaas)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        var i = 0;
        while (i < jaas.Length)
        {
            var equals = jaas.IndexOf('=', i);
            if (equals < 0)
            {
                break;
            }

            var nameStart = equals;
            while (nameStart > 0 && !char.IsWhiteSpace(jaas[nameStart - 1]))
            {
                nameStart--;
            }

            var name = jaas[nameStart..equals];
            string optionValue;
            if (equals + 1 < jaas.Length && jaas[equals + 1] == '"')
            {
                var close = jaas.IndexOf('"', equals + 2);
                close = close < 0 ? jaas.Length : close;
                optionValue = jaas[(equals + 2)..close];
                i = close + 1;
            }
            else
            {
                var end = equals + 1;
                while (end < jaas.Length && !char.IsWhiteSpace(jaas[end]) && jaas[end] != ';')
                {
                    end++;
                }

                optionValue = jaas[(equals + 1)..end];
                i = end;
            }

            options[name] = optionValue;
        }

        return options;
    }

    /// <summary>
    /// The producer settings: the mapped <c>kafka.producer.*</c> ones over Flume's and the Java client's defaults
    /// that librdkafka does not share (no host name check, a delivery timeout of 120 s).
    /// </summary>
    public static Dictionary<string, string> Producer(ComponentContext properties, string bootstrapServers, string? acks)
    {
        var config = Map(properties, "kafka.producer.");
        ApplyCommonDefaults(config, bootstrapServers);
        if (acks is not null)
        {
            config["acks"] = acks;
        }

        // librdkafka waits 300 s for a record by default, the Java client 120 s: a take stays open that long.
        if (!config.ContainsKey("delivery.timeout.ms") && !config.ContainsKey("message.timeout.ms"))
        {
            config["delivery.timeout.ms"] = "120000";
        }

        return config;
    }

    /// <summary>
    /// The consumer settings: the mapped <c>kafka.consumer.*</c> ones with the group and the broker list, and
    /// offsets committed only by the component, after its channel transaction.
    /// </summary>
    public static Dictionary<string, string> Consumer(ComponentContext properties, string bootstrapServers, string groupId)
    {
        var config = Map(properties, "kafka.consumer.");
        ApplyCommonDefaults(config, bootstrapServers);
        config["group.id"] = groupId;
        config["enable.auto.commit"] = "false";
        // Offsets are committed explicitly; the stored-offset bookkeeping librdkafka does for auto commit is not used.
        config["enable.auto.offset.store"] = "false";
        return config;
    }

    private static void ApplyCommonDefaults(Dictionary<string, string> config, string bootstrapServers)
    {
        config["bootstrap.servers"] = bootstrapServers;

        // Flume leaves host name verification off unless asked (Java's ""); librdkafka checks by default.
        config.TryAdd("ssl.endpoint.identification.algorithm", "none");
    }

    /// <summary>Reads a comma-separated broker list as Flume does, refusing a blank one.</summary>
    public static string BootstrapServers(ComponentContext properties, string key)
    {
        var value = properties.GetString(key);
        properties.Require(!string.IsNullOrWhiteSpace(value), key, "is required: the comma-separated host:port list of the Kafka brokers");
        var servers = value!.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        foreach (var server in servers)
        {
            var colon = server.LastIndexOf(':');
            properties.Require(
                colon > 0 && int.TryParse(server.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and <= 65535,
                key,
                $"has '{server}', which is not host:port");
        }

        return string.Join(',', servers);
    }
}
