using System.Collections.Concurrent;
using Flume.Logging.Relay.Cli.Tools;
using Flume.Logging.Testing;

namespace Flume.Logging.Relay.Cli.Tests.Tools;

public sealed class LoadGeneratorTests
{
    private static LoadOptions Options(long events, int batch = 100, int connections = 1) => new()
    {
        Host = "127.0.0.1",
        Port = 1,
        Events = events,
        BatchSize = batch,
        Connections = connections,
        RetryBackoff = TimeSpan.Zero,
    };

    private static (LoadGenerator Generator, ConcurrentQueue<FakeRpcClient> Clients) Create(LoadOptions options, Action<FakeRpcClient>? setUp = null)
    {
        var clients = new ConcurrentQueue<FakeRpcClient>();
        var generator = new LoadGenerator(
            options,
            () =>
            {
                var client = new FakeRpcClient($"fake{clients.Count}", options.BatchSize);
                setUp?.Invoke(client);
                clients.Enqueue(client);
                return client;
            },
            TimeProvider.System);
        return (generator, clients);
    }

    [Fact]
    public async Task Sends_exactly_the_requested_events_over_every_connection_with_a_short_last_batch()
    {
        var (generator, clients) = Create(Options(events: 1050, batch: 100, connections: 3));

        var result = await generator.RunAsync(CancellationToken.None);

        Assert.Equal(3, clients.Count);
        var sizes = clients.SelectMany(c => c.Accepted).Select(b => b.Count).Order().ToList();
        Assert.Equal([50, .. Enumerable.Repeat(100, 10)], sizes);
        Assert.Equal((1050, 0, 0), (result.Events, result.FailedBatches, result.FailedAttempts));
        Assert.Equal(1050 * 100, result.BodyBytes);
        Assert.All(clients, c => Assert.Equal(1, c.DisposeCount));
    }

    [Fact]
    public async Task Events_have_the_requested_body_size_and_headers()
    {
        var (generator, clients) = Create(Options(events: 10, batch: 10) with { BodySize = 37, Headers = 3 });

        await generator.RunAsync(CancellationToken.None);

        var events = Assert.Single(clients).AcceptedEvents;
        Assert.Equal(10, events.Count);
        Assert.All(events, e => Assert.Equal(37, e.Body.Length));
        Assert.All(events, e => Assert.Equal(["h0", "h1", "h2"], e.Headers.Keys.Order()));
    }

    [Fact]
    public async Task A_batch_that_fails_a_few_times_is_retried_and_counted_as_delivered()
    {
        var (generator, clients) = Create(Options(events: 300), c => c.FailNext(2));

        var result = await generator.RunAsync(CancellationToken.None);

        Assert.Equal((300, 0, 2), (result.Events, result.FailedBatches, result.FailedAttempts));
        Assert.Contains("fake0", result.FirstFailure, StringComparison.Ordinal);
        Assert.Equal(5, Assert.Single(clients).BatchCalls);
    }

    [Fact]
    public async Task A_batch_that_keeps_failing_counts_as_failed_after_the_last_attempt()
    {
        var (generator, clients) = Create(Options(events: 200) with { MaxAttempts = 3 }, c => c.FailAlways = true);

        var result = await generator.RunAsync(CancellationToken.None);

        Assert.Equal((0, 2, 6), (result.Events, result.FailedBatches, result.FailedAttempts));
        Assert.Equal(6, Assert.Single(clients).BatchCalls);
        Assert.Equal((0, 0), (result.P50Ms, result.EventsPerSecond));
    }

    [Fact]
    public async Task A_duration_run_stops_starting_batches_when_the_time_is_up()
    {
        var options = Options(events: 0, connections: 2) with { Events = null, Duration = TimeSpan.FromMilliseconds(200) };
        var (generator, clients) = Create(options, c => c.ResponseDelay = TimeSpan.FromMilliseconds(5));

        var result = await generator.RunAsync(CancellationToken.None);

        Assert.InRange(result.Seconds, 0.2, 10);
        Assert.True(result.Events > 0);
        Assert.Equal(result.Events, clients.Sum(c => c.AcceptedEvents.Count));
    }

    [Fact]
    public async Task Stopping_ends_the_run_and_still_reports_what_was_delivered()
    {
        using var stop = new CancellationTokenSource();
        var (generator, clients) = Create(Options(events: long.MaxValue / 2), c => c.OnAttempt = _ => stop.Cancel());

        var result = await generator.RunAsync(stop.Token).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(100, result.Events);
        Assert.Equal(100, Assert.Single(clients).AcceptedEvents.Count);
    }

    [Fact]
    public void The_json_line_has_every_field_benchmarks_read()
    {
        var result = new LoadResult(20000, 2, 2_000_000, 1.5, 9.25, 12.125, 0, 0, null);

        using var json = System.Text.Json.JsonDocument.Parse(result.ToJson());

        var root = json.RootElement;
        Assert.Equal(20000, root.GetProperty("events").GetInt64());
        Assert.Equal(2, root.GetProperty("seconds").GetDouble());
        Assert.Equal(10000, root.GetProperty("eventsPerSecond").GetDouble());
        Assert.Equal(1, root.GetProperty("mbPerSecond").GetDouble());
        Assert.Equal((1.5, 9.25, 12.125), (root.GetProperty("p50Ms").GetDouble(), root.GetProperty("p99Ms").GetDouble(), root.GetProperty("p999Ms").GetDouble()));
        Assert.Equal(0, root.GetProperty("failedBatches").GetInt64());
        Assert.DoesNotContain('\n', result.ToJson());
    }
}
