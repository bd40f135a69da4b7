using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Flume.Logging.Testing;

namespace Flume.Logging.Relay.Cli.Tests.Tools;

/// <summary>A relay with an avro, a thrift and an http source into a null sink, shared by the load command tests.</summary>
public sealed class NullSinkRelay : IAsyncLifetime
{
    /// <summary>The avro source's port, as the relay reported it.</summary>
    public int AvroPort { get; private set; }

    /// <summary>The thrift source's port, as the relay reported it.</summary>
    public int ThriftPort { get; private set; }

    /// <summary>The http source's port, as the relay reported it.</summary>
    public int HttpPort { get; private set; }

    public RelayProcess? Relay { get; private set; }

    public async Task InitializeAsync()
    {
        Relay = await RelayProcess.StartRunningAsync("""
        a1.sources = r1 r2 r3
        a1.channels = c1
        a1.sinks = k1
        a1.sources.r1.type = avro
        a1.sources.r1.bind = 127.0.0.1
        a1.sources.r1.port = 0
        a1.sources.r1.channels = c1
        a1.sources.r2.type = thrift
        a1.sources.r2.bind = 127.0.0.1
        a1.sources.r2.port = 0
        a1.sources.r2.channels = c1
        a1.sources.r3.type = http
        a1.sources.r3.bind = 127.0.0.1
        a1.sources.r3.port = 0
        a1.sources.r3.channels = c1
        a1.channels.c1.type = memory
        a1.channels.c1.capacity = 20000
        a1.channels.c1.transactionCapacity = 1000
        a1.sinks.k1.type = null
        a1.sinks.k1.channel = c1
        a1.sinks.k1.batchSize = 1000
        """);
        AvroPort = await Relay.ListeningPortAsync("r1");
        ThriftPort = await Relay.ListeningPortAsync("r2");
        HttpPort = await Relay.ListeningPortAsync("r3");
    }

    public async Task DisposeAsync()
    {
        if (Relay is not null)
        {
            await Relay.StopAsync();
            Relay.Dispose();
        }
    }
}

/// <summary><c>relay load</c> against a real relay, reading its JSON line as a benchmark script would.</summary>
public sealed class LoadCommandTests(NullSinkRelay relay) : IClassFixture<NullSinkRelay>
{
    private static JsonElement LastJsonLine(IReadOnlyList<string> lines)
    {
        var last = lines.Last(line => line.Length > 0);
        return JsonDocument.Parse(last).RootElement.Clone();
    }

    private static string Port(int port) => port.ToString(CultureInfo.InvariantCulture);

    [Fact]
    public async Task Json_run_delivers_every_event_and_reports_it_on_the_last_line()
    {
        var (exitCode, output, lines) = await ToolRun.RunAsync("load", "--host", "127.0.0.1", "--port", Port(relay.AvroPort), "--events", "20000", "--json", "--headers", "2");

        Assert.True(exitCode == 0, output);
        var json = LastJsonLine(lines);
        Assert.Equal(20000, json.GetProperty("events").GetInt64());
        Assert.Equal(0, json.GetProperty("failedBatches").GetInt64());
        Assert.True(json.GetProperty("eventsPerSecond").GetDouble() > 0);
        Assert.True(json.GetProperty("mbPerSecond").GetDouble() > 0);
        var p50 = json.GetProperty("p50Ms").GetDouble();
        var p99 = json.GetProperty("p99Ms").GetDouble();
        Assert.True(p50 > 0 && p50 <= p99 && p99 <= json.GetProperty("p999Ms").GetDouble(), output);
        Assert.DoesNotContain('\r', output);
    }

    [Fact]
    public async Task Thrift_protocol_delivers_every_event()
    {
        var (exitCode, output, lines) = await ToolRun.RunAsync("load", "--host", "127.0.0.1", "--port", Port(relay.ThriftPort), "--protocol", "thrift", "--events", "5000", "--batch", "50", "--connections", "2", "--json");

        Assert.True(exitCode == 0, output);
        Assert.Equal(5000, LastJsonLine(lines).GetProperty("events").GetInt64());
    }

    [Fact]
    public async Task Http_protocol_posts_JSON_batches_that_the_http_source_accepts()
    {
        var (exitCode, output, lines) = await ToolRun.RunAsync("load", "--host", "127.0.0.1", "--port", Port(relay.HttpPort), "--protocol", "http", "--events", "5000", "--batch", "100", "--connections", "2", "--headers", "1", "--json");

        Assert.True(exitCode == 0, output);
        var json = LastJsonLine(lines);
        Assert.Equal(5000, json.GetProperty("events").GetInt64());
        Assert.Equal(0, json.GetProperty("failedAttempts").GetInt64());
    }

    [Fact]
    public async Task Deflate_compression_delivers_every_event_to_an_avro_source_that_expects_it()
    {
        using var deflating = await RelayProcess.StartRunningAsync("""
            a1.sources = r1
            a1.channels = c1
            a1.sinks = k1
            a1.sources.r1.type = avro
            a1.sources.r1.bind = 127.0.0.1
            a1.sources.r1.port = 0
            a1.sources.r1.compression-type = deflate
            a1.sources.r1.channels = c1
            a1.channels.c1.type = memory
            a1.channels.c1.capacity = 10000
            a1.channels.c1.transactionCapacity = 1000
            a1.sinks.k1.type = null
            a1.sinks.k1.channel = c1
            """);

        var port = await deflating.ListeningPortAsync("r1");
        var (exitCode, output, lines) = await ToolRun.RunAsync("load", "--host", "127.0.0.1", "--port", Port(port), "--events", "2000", "--compression", "deflate", "--json");

        Assert.True(exitCode == 0, output);
        Assert.Equal(2000, LastJsonLine(lines).GetProperty("events").GetInt64());
    }

    [Fact]
    public async Task The_rate_cap_spreads_the_events_over_the_expected_time()
    {
        var watch = Stopwatch.StartNew();
        var (exitCode, output, lines) = await ToolRun.RunAsync("load", "--host", "127.0.0.1", "--port", Port(relay.AvroPort), "--events", "2000", "--rate", "2000", "--json");
        watch.Stop();

        Assert.True(exitCode == 0, output);
        var json = LastJsonLine(lines);
        Assert.Equal(2000, json.GetProperty("events").GetInt64());

        // 20 batches of 100 at 2000 events/s leave 50 ms apart: the last one starts 0.95 s after the first.
        Assert.InRange(json.GetProperty("seconds").GetDouble(), 0.9, 10);
        Assert.InRange(json.GetProperty("eventsPerSecond").GetDouble(), 100, 2200);
        Assert.True(watch.Elapsed >= TimeSpan.FromSeconds(0.9), $"took {watch.Elapsed}");
    }

    [Fact]
    public async Task A_dead_port_fails_every_batch_after_its_retries_and_exits_non_zero()
    {
        using var closed = new ClosedPort();
        var dead = closed.Port;

        var (exitCode, output, lines) = await ToolRun.RunAsync("load", "--host", "127.0.0.1", "--port", Port(dead), "--events", "500", "--json", "--attempts", "3", "--retry-backoff", "1");

        Assert.Equal(1, exitCode);
        var json = LastJsonLine(lines);
        Assert.Equal(5, json.GetProperty("failedBatches").GetInt64());
        Assert.Equal(0, json.GetProperty("events").GetInt64());
        Assert.Contains($"127.0.0.1:{dead}", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_json_the_summary_names_every_figure()
    {
        var (exitCode, output, _) = await ToolRun.RunAsync("load", "--host", "127.0.0.1", "--port", Port(relay.AvroPort), "--events", "1000", "--size", "10");

        Assert.True(exitCode == 0, output);
        foreach (var figure in new[] { "events:         1000", "seconds:", "events/s:", "MB/s:", "p50", "p99", "p99.9", "failed batches: 0" })
        {
            Assert.Contains(figure, output, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Compression_with_thrift_is_refused_with_a_reason()
    {
        var (exitCode, output, _) = await ToolRun.RunAsync("load", "--host", "127.0.0.1", "--port", Port(relay.ThriftPort), "--protocol", "thrift", "--compression", "deflate");

        Assert.Equal(1, exitCode);
        Assert.Contains("--compression deflate needs --protocol avro", output, StringComparison.Ordinal);
    }
}
