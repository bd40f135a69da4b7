using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Selectors;
using Flume.Logging.Relay.Sources.Http;
using Flume.Logging.Relay.Tests.Sources.Spooling;
using Flume.Logging.Rpc;
using Flume.Logging.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flume.Logging.Relay.Tests.Sources.Http;

public sealed class HttpSourceTests : IAsyncLifetime
{
    private const string TwoEvents = """[{"headers":{"a":"1"},"body":"first"},{"headers":{"b":"2"},"body":"second"}]""";

    private readonly CapturingLoggerFactory _logs = new();
    private readonly HttpClient _client = new() { Timeout = TimeSpan.FromSeconds(30) };
    private MemoryChannel _channel = null!;
    private HttpSource _source = null!;

    public Task InitializeAsync() => StartAsync(new HttpSourceOptions { Bind = "127.0.0.1" });

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _source.DisposeAsync();
    }

    private async Task StartAsync(
        HttpSourceOptions options, int capacity = 100, TimeProvider? time = null, Func<IChannel, IChannel>? wrap = null, int? transactionCapacity = null)
    {
        _channel = new MemoryChannel("c1", new MemoryChannelOptions { Capacity = capacity, TransactionCapacity = transactionCapacity ?? capacity, KeepAlive = TimeSpan.Zero },
            TimeProvider.System, NullLogger<MemoryChannel>.Instance);
        IChannel channel = wrap is null ? _channel : wrap(_channel);
        var processor = new ChannelProcessor(new ReplicatingChannelSelector([channel], []), [], NullLogger<ChannelProcessor>.Instance);
        _source = new HttpSource("r1", options, processor, time ?? TimeProvider.System, _logs);
        await _source.StartAsync(CancellationToken.None);
    }

    private async Task RestartAsync(HttpSourceOptions options, int capacity = 100, TimeProvider? time = null, Func<IChannel, IChannel>? wrap = null)
    {
        await _source.DisposeAsync();
        await StartAsync(options, capacity, time, wrap);
    }

    private Uri Url(string pathAndQuery = "/") => new($"http://127.0.0.1:{_source.LocalEndPoint.Port}{pathAndQuery}");

    private Task<HttpResponseMessage> PostAsync(string json, string pathAndQuery = "/") =>
        _client.PostAsync(Url(pathAndQuery), new StringContent(json, Encoding.UTF8, "application/json"));

    private List<string> Drain()
    {
        var events = new List<string>();
        using var tx = _channel.BeginTransaction();
        while (tx.Take() is { } e)
        {
            var headers = string.Join(",", e.Headers.OrderBy(h => h.Key, StringComparer.Ordinal).Select(h => $"{h.Key}={h.Value}"));
            events.Add($"{headers}|{Encoding.UTF8.GetString(e.Body.Span)}");
        }

        tx.CommitAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
        return events;
    }

    /// <summary>Flume's HTTPSource counts each request as one appendBatch and its events as received, then accepted once committed.</summary>
    private void AssertCounted(long batchesReceived, long batchesAccepted, long eventsReceived, long eventsAccepted)
    {
        Assert.Equal(
            (batchesReceived, batchesAccepted, eventsReceived, eventsAccepted),
            (_source.Counter.AppendBatchReceivedCount, _source.Counter.AppendBatchAcceptedCount, _source.Counter.EventReceivedCount, _source.Counter.EventAcceptedCount));
    }

    [Fact]
    public async Task A_JSON_batch_is_stored_with_its_headers_and_answered_200()
    {
        using var response = await PostAsync(TwoEvents);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["a=1|first", "b=2|second"], Drain());
        AssertCounted(batchesReceived: 1, batchesAccepted: 1, eventsReceived: 2, eventsAccepted: 2);
    }

    [Fact]
    public async Task A_request_with_more_events_than_the_channels_transactionCapacity_is_stored_whole()
    {
        await _source.DisposeAsync();
        await StartAsync(new HttpSourceOptions { Bind = "127.0.0.1" }, capacity: 10, transactionCapacity: 1);

        using var response = await PostAsync(TwoEvents);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, _channel.Size);
    }

    [Fact]
    public async Task The_answer_waits_for_the_channel_commit()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        CommitCountingChannel? counting = null;
        await RestartAsync(new HttpSourceOptions { Bind = "127.0.0.1" }, wrap: c => counting = new CommitCountingChannel(c, gate.Task));

        var posting = PostAsync(TwoEvents);
        await Eventually.TrueAsync(() => counting!.CommitsStarted == 1, "the commit to start");
        await Task.Delay(200);
        Assert.False(posting.IsCompleted, "answered before the commit ended");

        gate.SetResult();
        using var response = await posting;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, Drain().Count);
    }

    [Fact]
    public async Task A_full_channel_answers_503_and_keeps_nothing_of_the_refused_batch()
    {
        await RestartAsync(new HttpSourceOptions { Bind = "127.0.0.1" }, capacity: 3);

        using var first = await PostAsync(TwoEvents);
        using var second = await PostAsync(TwoEvents);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, second.StatusCode);
        Assert.StartsWith("Error appending event to channel. Channel might be full.", await second.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(["a=1|first", "b=2|second"], Drain());
        Assert.Equal(1, _source.Counter.ChannelWriteFail);
        AssertCounted(batchesReceived: 2, batchesAccepted: 1, eventsReceived: 4, eventsAccepted: 2);
    }

    [Fact]
    public async Task Malformed_JSON_answers_400_naming_the_cause_and_stores_nothing()
    {
        using var response = await PostAsync("""[{"headers":{"a":"1"},"body":"x"}, {"body": nope}]""");

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var message = await response.Content.ReadAsStringAsync();
        Assert.StartsWith("Bad request from client. Request has invalid JSON syntax:", message, StringComparison.Ordinal);
        Assert.Contains("BytePositionInLine", message, StringComparison.Ordinal);
        Assert.Empty(Drain());
        Assert.Equal(1, _source.Counter.EventReadFail);
        Assert.Equal(0, _source.Counter.AppendBatchReceivedCount);
        Assert.True(_logs.Contains("bad request from 127.0.0.1"), _logs.Dump());
    }

    [Fact]
    public async Task An_unsupported_charset_answers_400_naming_it()
    {
        using var content = new ByteArrayContent("[]"u8.ToArray());
        content.Headers.ContentType = MediaTypeHeaderValue.Parse("application/json; charset=ISO-8859-1");

        using var response = await _client.PostAsync(Url(), content);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("'ISO-8859-1'", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_body_over_maxRequestSize_answers_413_whether_its_length_is_declared_or_chunked()
    {
        await RestartAsync(new HttpSourceOptions { Bind = "127.0.0.1", MaxRequestSize = 100 });
        var exactly = """[{"body":"x"}]""".PadRight(100);
        var over = exactly + " ";

        using var declared = await PostAsync(over);
        using var chunkedContent = new StreamContent(new MemoryStream(Encoding.UTF8.GetBytes(over)));
        chunkedContent.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        using var chunkedRequest = new HttpRequestMessage(HttpMethod.Post, Url()) { Content = chunkedContent };
        chunkedRequest.Headers.TransferEncodingChunked = true;
        using var chunked = await _client.SendAsync(chunkedRequest);
        using var atLimit = await PostAsync(exactly);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, declared.StatusCode);
        Assert.Contains("of 101 bytes is over maxRequestSize (100 bytes)", await declared.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, chunked.StatusCode);
        Assert.Contains("over maxRequestSize (100 bytes)", await chunked.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, atLimit.StatusCode);
        Assert.Equal(["|x"], Drain());
        Assert.Equal(2, _source.Counter.EventReadFail);
    }

    private static async Task<string> ReadUntilClosedAsync(Socket socket)
    {
        var received = new StringBuilder();
        var buffer = new byte[4096];
        while (true)
        {
            int read;
            try
            {
                read = await socket.ReceiveAsync(buffer, SocketFlags.None);
            }
            catch (SocketException e) when (e.SocketErrorCode == SocketError.ConnectionReset)
            {
                return received.ToString();
            }

            if (read == 0)
            {
                return received.ToString();
            }

            received.Append(Encoding.ASCII.GetString(buffer, 0, read));
        }
    }

    [Fact]
    public async Task A_body_slower_than_requestTimeout_answers_408()
    {
        var time = new CountingTimeProvider();
        // Kestrel's min-data-rate runs on the real clock: off here, so only requestTimeout (on the manual clock) decides.
        await RestartAsync(new HttpSourceOptions { Bind = "127.0.0.1", RequestTimeout = TimeSpan.FromSeconds(5), Connections = new Flume.Logging.Rpc.ConnectionLimits { MinDataRate = 0 } }, time: time);
        using var client = new TcpClient();
        await client.ConnectAsync(_source.LocalEndPoint);
        var stream = client.GetStream();
        await stream.WriteAsync("POST / HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n[{\"body\""u8.ToArray());

        // The first timer bounds the wait for the connection's first byte and ends with it; the second is the request's.
        await Eventually.TrueAsync(() => time.TimersCreated >= 2 && time.ActiveTimerCount > 0, "the request timeout to be set");
        time.Advance(TimeSpan.FromSeconds(5));

        // Kestrel may reset the connection right after the answer (the request body was never complete): what arrived
        // before the reset is the answer.
        var answer = await ReadUntilClosedAsync(client.Client).WaitAsync(TimeSpan.FromSeconds(30));
        Assert.StartsWith("HTTP/1.1 408", answer, StringComparison.Ordinal);
        Assert.Contains("requestTimeout (5000 ms)", answer, StringComparison.Ordinal);
        Assert.Empty(Drain());
    }

    [Fact]
    public async Task A_connection_that_sends_nothing_is_closed_after_requestTimeout()
    {
        var time = new CountingTimeProvider();
        await RestartAsync(new HttpSourceOptions { Bind = "127.0.0.1", RequestTimeout = TimeSpan.FromSeconds(5) }, time: time);
        using var client = new TcpClient();
        await client.ConnectAsync(_source.LocalEndPoint);

        await Eventually.TrueAsync(() => time.ActiveTimerCount > 0, "the wait for the first byte");
        time.Advance(TimeSpan.FromSeconds(5));

        Assert.Equal(0, await client.GetStream().ReadAsync(new byte[1]).AsTask().WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task GET_is_handled_as_POST_like_Flumes_servlet()
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, Url()) { Content = new StringContent(TwoEvents) };

        using var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(2, Drain().Count);
    }

    [Theory]
    [InlineData("PUT", HttpStatusCode.MethodNotAllowed)]
    [InlineData("DELETE", HttpStatusCode.MethodNotAllowed)]
    [InlineData("TRACE", HttpStatusCode.Forbidden)]
    [InlineData("OPTIONS", HttpStatusCode.Forbidden)]
    [InlineData("PATCH", HttpStatusCode.NotImplemented)]
    public async Task Other_methods_are_refused_as_Flume_refuses_them(string method, HttpStatusCode status)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), Url());
        if (method is "PUT" or "PATCH")
        {
            request.Content = new StringContent(TwoEvents);
        }

        using var response = await _client.SendAsync(request);

        Assert.Equal(status, response.StatusCode);
        Assert.Empty(Drain());
        if (status == HttpStatusCode.MethodNotAllowed)
        {
            Assert.Equal(["GET", "HEAD", "POST"], response.Content.Headers.Allow.Order(StringComparer.Ordinal));
        }
    }

    [Fact]
    public async Task The_morphline_blob_handler_stores_the_body_with_the_query_parameters_and_content_type_as_headers()
    {
        await RestartAsync(new HttpSourceOptions { Bind = "127.0.0.1", Handler = HttpHandlerKind.MorphlineBlob });
        byte[] blob = [0, 1, 2, 0xFF, .. "binary"u8];
        using var content = new ByteArrayContent(blob);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");

        using var response = await _client.PostAsync(Url("/any/path?resourceName=a%20b.avro&x=1&x=2"), content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var tx = _channel.BeginTransaction();
        var e = tx.Take()!;
        Assert.Equal(blob, e.Body.ToArray());
        Assert.Equal("application/octet-stream", e.Headers["Content-Type"]);
        Assert.Equal("a b.avro", e.Headers["resourceName"]);
        Assert.Equal("1", e.Headers["x"]);
        Assert.Null(tx.Take());
    }

    [Fact]
    public async Task The_morphline_blob_handler_truncates_at_maxBlobLength_with_a_warning_as_Flume_does()
    {
        await RestartAsync(new HttpSourceOptions { Bind = "127.0.0.1", Handler = HttpHandlerKind.MorphlineBlob, MaxBlobLength = 4 });

        using var response = await _client.PostAsync(Url(), new ByteArrayContent("0123456789"u8.ToArray()));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["|0123"], Drain());
        Assert.True(_logs.Contains("truncating BLOB event"), _logs.Dump());
    }

    [Fact]
    public async Task The_core_blob_handler_refuses_a_request_without_a_mandatory_parameter()
    {
        await RestartAsync(new HttpSourceOptions { Bind = "127.0.0.1", Handler = HttpHandlerKind.CoreBlob, MandatoryParameters = ["host"] });

        using var missing = await _client.PostAsync(Url("/?other=1"), new ByteArrayContent("blob"u8.ToArray()));
        using var given = await _client.PostAsync(Url("/?host=h1"), new ByteArrayContent("blob"u8.ToArray()));

        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        Assert.Contains("Please specify host parameter in the request.", await missing.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, given.StatusCode);
        Assert.Equal(["host=h1|blob"], Drain());
    }

    [Fact]
    public async Task An_empty_array_is_answered_200_and_counted_as_an_empty_batch()
    {
        using var response = await PostAsync("[]");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        AssertCounted(batchesReceived: 1, batchesAccepted: 1, eventsReceived: 0, eventsAccepted: 0);
    }

    [Fact]
    public async Task Concurrent_requests_are_all_stored()
    {
        await RestartAsync(new HttpSourceOptions { Bind = "127.0.0.1" }, capacity: 1000);

        var responses = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => PostAsync($$"""[{"body":"{{i}}"}]""")));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        Assert.Equal(Enumerable.Range(0, 50).Select(i => $"|{i}").Order(StringComparer.Ordinal), Drain().Order(StringComparer.Ordinal));
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task A_second_source_on_a_busy_port_fails_naming_the_port()
    {
        var port = _source.LocalEndPoint.Port;
        var processor = new ChannelProcessor(new ReplicatingChannelSelector([_channel], []), [], NullLogger<ChannelProcessor>.Instance);
        await using var second = new HttpSource("r2", new HttpSourceOptions { Bind = "127.0.0.1", Port = port }, processor, TimeProvider.System, _logs);

        var error = await Assert.ThrowsAsync<RpcServerException>(() => second.StartAsync(CancellationToken.None));

        Assert.Contains($"127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
        Assert.Contains("already in use", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_bind_address_that_does_not_resolve_fails_the_start_naming_the_source_and_the_address()
    {
        var processor = new ChannelProcessor(new ReplicatingChannelSelector([_channel], []), [], NullLogger<ChannelProcessor>.Instance);
        await using var source = new HttpSource("r2", new HttpSourceOptions { Bind = "not a host", Port = 0 }, processor, TimeProvider.System, _logs);

        var error = await Assert.ThrowsAsync<RpcServerException>(() => source.StartAsync(CancellationToken.None));

        Assert.StartsWith("http source r2 cannot listen on 'not a host': the bind address cannot be resolved", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Jetty_keys_given_are_logged_as_ignored_at_start()
    {
        await RestartAsync(new HttpSourceOptions { Bind = "127.0.0.1", IgnoredJettyKeys = ["HttpConfiguration.sendServerVersion", "ServerConnector.idleTimeout"] });

        Assert.True(_logs.Contains("ignored: HttpConfiguration.sendServerVersion, ServerConnector.idleTimeout"), _logs.Dump());
    }
}
