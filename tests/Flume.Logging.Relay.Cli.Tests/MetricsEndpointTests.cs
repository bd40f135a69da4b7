using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using Flume.Logging.Testing;

namespace Flume.Logging.Relay.Cli.Tests;

/// <summary>The relay as a process serving Flume's metrics over HTTP, in every spelling that turns it on.</summary>
public sealed class MetricsEndpointTests
{
    private static string NetcatToNull(int port, string extra = "") => $"""
        {extra}
        a1.sources = r1
        a1.channels = c1
        a1.sinks = k1
        a1.sources.r1.type = netcat
        a1.sources.r1.bind = 127.0.0.1
        a1.sources.r1.port = {port}
        a1.sources.r1.channels = c1
        a1.channels.c1.type = memory
        a1.sinks.k1.type = null
        a1.sinks.k1.channel = c1
        """;

    private static async Task<(HttpStatusCode Status, string Body)> GetAsync(int port, string path)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(20) };
        using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}{path}"));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static async Task<JsonElement> MetricsAsync(int port)
    {
        var (status, body) = await GetAsync(port, "/metrics");
        Assert.Equal(HttpStatusCode.OK, status);
        return JsonDocument.Parse(body).RootElement.Clone();
    }

    private static string Value(JsonElement metrics, string component, string name) =>
        metrics.GetProperty(component).GetProperty(name).GetString()!;

    [Fact]
    public async Task Metrics_count_exactly_what_was_sent_in_Flume_json_and_Prometheus_text()
    {
        using var relay = await RelayProcess.StartRunningAsync(
            NetcatToNull(0), "a1", "-Dflume.monitoring.type=http", "-Dflume.monitoring.port=0");
        var (sourcePort, metricsPort) = (await relay.ListeningPortAsync("r1"), await relay.MetricsPortAsync());
        Assert.Equal(0, relay.Process.CountLines("reserved"));

        using (var client = new TcpClient())
        {
            await client.ConnectAsync(IPAddress.Loopback, sourcePort);
            var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.ASCII);
            await stream.WriteAsync("one\ntwo\nthree\nfour\nfive\n"u8.ToArray());
            for (var i = 0; i < 5; i++)
            {
                Assert.Equal("OK", await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20)));
            }

            var open = await MetricsAsync(metricsPort);
            Assert.Equal("1", Value(open, "SOURCE.r1", "OpenConnectionCount"));
        }

        JsonElement metrics = default;
        await Eventually.TrueAsync(
            () =>
            {
                metrics = MetricsAsync(metricsPort).GetAwaiter().GetResult();
                return Value(metrics, "SINK.k1", "EventDrainSuccessCount") == "5" && Value(metrics, "SOURCE.r1", "OpenConnectionCount") == "0";
            },
            "the sink to drain 5 events and the connection to close");
        Assert.Equal("5", Value(metrics, "SOURCE.r1", "EventReceivedCount"));
        Assert.Equal("5", Value(metrics, "SOURCE.r1", "EventAcceptedCount"));
        Assert.Equal("0", Value(metrics, "SOURCE.r1", "ChannelWriteFail"));
        Assert.Equal("SOURCE", Value(metrics, "SOURCE.r1", "Type"));
        Assert.Equal("5", Value(metrics, "CHANNEL.c1", "EventPutAttemptCount"));
        Assert.Equal("5", Value(metrics, "CHANNEL.c1", "EventPutSuccessCount"));
        Assert.Equal("5", Value(metrics, "CHANNEL.c1", "EventTakeSuccessCount"));
        Assert.Equal("0", Value(metrics, "CHANNEL.c1", "ChannelSize"));
        Assert.Equal("100", Value(metrics, "CHANNEL.c1", "ChannelCapacity"));
        Assert.Equal("5", Value(metrics, "SINK.k1", "EventDrainAttemptCount"));
        Assert.Equal("1", Value(metrics, "SINK.k1", "BatchUnderflowCount"));
        Assert.Equal("0", Value(metrics, "SINK.k1", "EventWriteFail"));
        Assert.NotEqual("0", Value(metrics, "SINK.k1", "StartTime"));
        Assert.Equal("0", Value(metrics, "SINK.k1", "StopTime"));

        var (status, text) = await GetAsync(metricsPort, "/metrics/prometheus");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("# TYPE flume_source_event_accepted_total counter\n", text, StringComparison.Ordinal);
        Assert.Contains("flume_source_event_accepted_total{component=\"r1\"} 5\n", text, StringComparison.Ordinal);
        Assert.Contains("flume_channel_event_put_success_total{component=\"c1\"} 5\n", text, StringComparison.Ordinal);
        Assert.Contains("# TYPE flume_channel_size gauge\n", text, StringComparison.Ordinal);
        Assert.Contains("flume_sink_event_drain_success_total{component=\"k1\"} 5\n", text, StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.NotFound, (await GetAsync(metricsPort, "/nope")).Status);
        Assert.False(relay.Process.HasExited);
        Assert.Equal(0, await relay.StopAsync());
    }

    [Fact]
    public async Task Top_level_monitoring_keys_in_the_properties_file_serve_metrics_without_a_warning()
    {
        const string Extra = "flume.monitoring.type = http\nflume.monitoring.port = 0\nflume.monitoring.bind = 127.0.0.1";
        using var relay = RelayProcess.Start(NetcatToNull(0, Extra));
        await relay.Process.WaitForLineAsync("agent a1 running");

        var metrics = await MetricsAsync(await relay.MetricsPortAsync());
        Assert.Equal("CHANNEL", Value(metrics, "CHANNEL.c1", "Type"));
        Assert.Equal(0, relay.Process.CountLines("ignored"));
        Assert.Equal(0, await relay.StopAsync());
    }

    [Fact]
    public async Task The_metrics_port_option_serves_metrics()
    {
        using var relay = await RelayProcess.StartRunningAsync(NetcatToNull(0), "a1", "--metrics-port", "0");

        var (status, text) = await GetAsync(await relay.MetricsPortAsync(), "/metrics/prometheus");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Contains("flume_channel_capacity{component=\"c1\"} 100\n", text, StringComparison.Ordinal);
        Assert.Equal(0, await relay.StopAsync());
    }

    [Fact]
    public async Task An_unknown_monitoring_type_refuses_to_start_naming_the_property()
    {
        using var relay = RelayProcess.Start(NetcatToNull(0), "-Dflume.monitoring.type=ganglia");

        Assert.Equal(1, await relay.Process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains("flume.monitoring.type", relay.Process.Output, StringComparison.Ordinal);
        Assert.Contains("ganglia", relay.Process.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_busy_metrics_port_refuses_to_start_naming_it()
    {
        using var occupant = new TcpListener(IPAddress.Loopback, 0);
        occupant.Start();
        var port = ((IPEndPoint)occupant.LocalEndpoint).Port;

        using var relay = RelayProcess.Start(NetcatToNull(0), "--metrics-port", $"{port}");

        Assert.Equal(1, await relay.Process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains($"metrics server cannot listen on 127.0.0.1:{port}", relay.Process.Output, StringComparison.Ordinal);
        Assert.Contains("already in use", relay.Process.Output, StringComparison.Ordinal);
    }
}
