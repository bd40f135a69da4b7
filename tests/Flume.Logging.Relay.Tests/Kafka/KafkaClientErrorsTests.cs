using Confluent.Kafka;
using Flume.Logging.Relay.Kafka;
using Flume.Logging.Testing;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Relay.Tests.Kafka;

public sealed class KafkaClientErrorsTests
{
    private readonly CapturingLoggerFactory _logs = new();

    private KafkaClientErrors Create() => new("kafka sink k1", "127.0.0.1:1", ((ILoggerFactory)_logs).CreateLogger("test"));

    private static Error Down(string reason) => new(ErrorCode.Local_Transport, reason);

    private List<LogLevel> Levels() => [.. _logs.Entries.Select(e => e.Level)];

    [Fact]
    public void The_first_error_is_a_warning_naming_the_brokers_and_its_repeats_are_debug_lines()
    {
        var errors = Create();

        errors.OnError(Down("Connection refused"));
        errors.OnError(Down("Connection refused"));
        errors.OnError(Down("1/1 brokers are down"));

        Assert.Equal([LogLevel.Warning, LogLevel.Debug, LogLevel.Debug], Levels());
        Assert.Contains("127.0.0.1:1", _logs.Entries.First().Message, StringComparison.Ordinal);
        Assert.Equal("; last client error: 1/1 brokers are down", errors.Suffix());
    }

    [Fact]
    public void Working_again_is_logged_once_and_the_next_outage_warns_again()
    {
        var errors = Create();
        errors.OnError(Down("Connection refused"));

        errors.Clear();
        errors.Clear();
        errors.OnError(Down("Connection refused"));

        Assert.Equal([LogLevel.Warning, LogLevel.Information, LogLevel.Warning], Levels());
        Assert.Contains("works again", _logs.Entries.ElementAt(1).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_client_that_never_failed_logs_nothing_when_it_works()
    {
        var errors = Create();

        errors.Clear();

        Assert.Empty(_logs.Entries);
        Assert.Equal("", errors.Suffix());
    }
}
