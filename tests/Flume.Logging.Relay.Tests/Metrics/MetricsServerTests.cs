using System.Net;
using System.Net.Sockets;
using System.Text;
using Flume.Logging.Relay.Metrics;
using Flume.Logging.Rpc;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flume.Logging.Relay.Tests.Metrics;

public sealed class MetricsServerTests : IAsyncLifetime
{
    private readonly MetricsRegistry _registry = new();
    private MetricsServer _server = null!;

    public async Task InitializeAsync()
    {
        var channel = new ChannelCounter("c1", 100);
        channel.SetChannelSize(5);
        _registry.Register(channel);
        _server = new MetricsServer(new MonitoringOptions("127.0.0.1", 0), _registry, NullLoggerFactory.Instance);
        await _server.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        _registry.Dispose();
    }

    private async Task<string> RequestAsync(string request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(_server.LocalEndPoint);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request));
        using var reader = new StreamReader(stream, Encoding.UTF8);
        return await reader.ReadToEndAsync().WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task Get_metrics_answers_Flumes_json()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{_server.LocalEndPoint.Port}/metrics"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("{\"CHANNEL.c1\":{\"ChannelSize\":\"5\",", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_metrics_prometheus_answers_the_text_format()
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{_server.LocalEndPoint.Port}/metrics/prometheus?x=1"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("flume_channel_size{component=\"c1\"} 5\n", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("GET /nope HTTP/1.1\r\nHost: x\r\n\r\n", "HTTP/1.1 404 ")]
    [InlineData("POST /metrics HTTP/1.1\r\nContent-Length: 0\r\n\r\n", "HTTP/1.1 405 ")]
    [InlineData("HELLO\r\n\r\n", "HTTP/1.1 400 ")]
    [InlineData("HEAD /metrics HTTP/1.0\n\n", "HTTP/1.1 200 ")]
    public async Task Other_requests_get_the_right_status(string request, string statusLine)
    {
        var response = await RequestAsync(request);

        Assert.StartsWith(statusLine, response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_head_without_a_body_answers_no_body()
    {
        var response = await RequestAsync("HEAD /metrics HTTP/1.1\r\n\r\n");

        Assert.EndsWith("Connection: close\r\n\r\n", response, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_endless_request_head_is_refused_and_the_server_keeps_serving()
    {
        try
        {
            var response = await RequestAsync("GET /metrics HTTP/1.1\r\nX: " + new string('a', 20_000));
            Assert.StartsWith("HTTP/1.1 431 ", response, StringComparison.Ordinal);
        }
        catch (IOException)
        {
            // Closing with the rest of the oversized head unread makes TCP reset: an equally valid refusal.
        }

        Assert.StartsWith("HTTP/1.1 200 ", await RequestAsync("GET /metrics HTTP/1.1\r\n\r\n"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_port_in_use_fails_the_start_naming_it()
    {
        var port = _server.LocalEndPoint.Port;
        await using var second = new MetricsServer(new MonitoringOptions("127.0.0.1", port), _registry, NullLoggerFactory.Instance);

        var error = await Assert.ThrowsAsync<RpcServerException>(() => second.StartAsync(CancellationToken.None));
        Assert.Contains($"127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
        Assert.Contains("already in use", error.Message, StringComparison.Ordinal);
    }
}
