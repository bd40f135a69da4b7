using System.Globalization;
using System.Text;
using Flume.Logging.Testing;

namespace Flume.Logging.Relay.Cli.Tests;

/// <summary>
/// The user guide's http source example on a real relay, with <c>curl</c> as the client. The example names a custom
/// handler class (<c>org.example.rest.RestHandler</c>) and has no sink; the tests keep every line of it, add a bind on
/// 127.0.0.1, a channel type and a file_roll sink, and swap the port for a free one.
/// </summary>
public sealed class HttpSourceTests : IDisposable
{
    private static readonly TimeSpan CurlLimit = TimeSpan.FromSeconds(30);

    private readonly string _root = Directory.CreateTempSubdirectory("relay-http-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>The example as the user guide prints it, port aside.</summary>
    private static string GuideExample() => $"""
        a1.sources = r1
        a1.channels = c1
        a1.sources.r1.type = http
        a1.sources.r1.port = 0
        a1.sources.r1.channels = c1
        a1.sources.r1.handler = org.example.rest.RestHandler
        a1.sources.r1.handler.nickname = random props
        a1.sources.r1.HttpConfiguration.sendServerVersion = false
        a1.sources.r1.ServerConnector.idleTimeout = 300
        """;

    /// <summary>What the snippet leaves out to be a running agent: loopback bind, channel type, a readable sink.</summary>
    private string Runnable(string example, string handler) => example.Replace(
        "a1.sources.r1.handler = org.example.rest.RestHandler", $"a1.sources.r1.handler = {handler}", StringComparison.Ordinal) + $"""

        a1.sources.r1.bind = 127.0.0.1
        a1.channels.c1.type = memory
        a1.sinks = k1
        a1.sinks.k1.type = file_roll
        a1.sinks.k1.channel = c1
        a1.sinks.k1.sink.directory = {_root}
        a1.sinks.k1.sink.serializer = header_and_text
        a1.sinks.k1.sink.rollInterval = 0
        """;

    private List<string> Written() => Directory.GetFiles(_root).SelectMany(File.ReadAllLines).ToList();

    /// <summary>Runs curl against the source and returns the HTTP status and the answer's body.</summary>
    private static async Task<(int Status, string Body)> CurlAsync(params string[] arguments)
    {
        using var curl = PeerProcess.Start("curl", ["-sS", "--max-time", "20", "-o", "-", "-w", "\nstatus=%{http_code}\n", .. arguments]);
        await curl.WaitForSuccessAsync(CurlLimit);
        var lines = curl.Output.TrimEnd('\n').Split('\n');
        var status = int.Parse(lines[^1]["status=".Length..], CultureInfo.InvariantCulture);
        return (status, string.Join('\n', lines[..^1]));
    }

    private static Task<(int Status, string Body)> PostJsonAsync(int port, string json) =>
        CurlAsync("-H", "Content-Type: application/json", "--data-binary", json, $"http://127.0.0.1:{port}/");

    [Fact]
    public async Task The_example_as_printed_stops_the_relay_naming_the_custom_handler_it_cannot_load()
    {
        using var relay = RelayProcess.Start(Runnable(GuideExample(), "org.example.rest.RestHandler"), "--name", "a1");

        Assert.Equal(1, await relay.Process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains(relay.Process.Lines, l => l.Contains("a1.sources.r1.handler", StringComparison.Ordinal)
            && l.Contains("'org.example.rest.RestHandler'", StringComparison.Ordinal)
            && l.Contains("org.apache.flume.source.http.JSONHandler", StringComparison.Ordinal));
    }

    [Fact]
    public async Task With_the_JSON_handler_curl_posts_land_in_the_file_sink_with_their_headers()
    {
        using var relay = await RelayProcess.StartRunningAsync(
            Runnable(GuideExample(), "org.apache.flume.source.http.JSONHandler"), "a1", "-Dflume.root.logger=INFO,console");
        var port = await relay.ListeningPortAsync("r1");
        await relay.Process.WaitForLineAsync("ignored: HttpConfiguration.sendServerVersion, ServerConnector.idleTimeout");

        var guideBatch = """
            [{"headers":{"timestamp":"434324343","host":"random_host.example.com"},"body":"random_body"},
             {"headers":{"namenode":"namenode.example.com","datanode":"random_datanode.example.com"},"body":"really_random_body"}]
            """;
        Assert.Equal((200, ""), await PostJsonAsync(port, guideBatch));
        Assert.Equal((200, ""), await PostJsonAsync(port, """[{"headers":{"k":"v é"},"body":"héllo wörld"}]"""));
        var (status, body) = await PostJsonAsync(port, """[{"body":"unterminated}]""");
        Assert.Equal(400, status);
        Assert.StartsWith("Bad request from client. Request has invalid JSON syntax:", body, StringComparison.Ordinal);

        string[] expected =
        [
            "{timestamp=434324343, host=random_host.example.com} random_body",
            "{namenode=namenode.example.com, datanode=random_datanode.example.com} really_random_body",
            "{k=v é} héllo wörld",
        ];
        await Eventually.TrueAsync(() => Written().Count == 3, "three events in the file sink");
        Assert.Equal(0, await relay.StopAsync());
        Assert.Equal(expected, Written());
    }

    [Fact]
    public async Task With_the_blob_handler_curl_uploads_become_one_event_with_query_parameters_as_headers()
    {
        using var relay = await RelayProcess.StartRunningAsync(
            Runnable(GuideExample(), "org.apache.flume.sink.solr.morphline.BlobHandler") + "\na1.sources.r1.handler.maxBlobLength = 20\n");
        var port = await relay.ListeningPortAsync("r1");
        var file = Path.Combine(Directory.CreateTempSubdirectory("relay-blob-").FullName, "blob.txt");
        await File.WriteAllTextAsync(file, "a blob, not JSON; and longer than twenty bytes");

        var (status, _) = await CurlAsync(
            "--data-binary", "@" + file, "-H", "Content-Type: application/octet-stream", $"http://127.0.0.1:{port}/?resourceName=blob.txt");

        Assert.Equal(200, status);
        await Eventually.TrueAsync(() => Written().Count == 1, "the blob in the file sink");
        Assert.Equal(0, await relay.StopAsync());
        Assert.Equal(["{Content-Type=application/octet-stream, resourceName=blob.txt} a blob, not JSON; an"], Written());
        Directory.Delete(Path.GetDirectoryName(file)!, recursive: true);
    }

    [Fact]
    public async Task A_full_channel_answers_503_and_every_batch_answered_200_is_delivered_once_the_sink_can_drain()
    {
        // The sink's receiver refuses every connection until it is let up, so the channel (capacity 100) only fills.
        var received = new RecordingReceiver { Refusing = true };
        await using var receiver = await received.ServeAvroAsync();
        var receiverPort = receiver.LocalEndPoint.Port;
        var configuration = Runnable(GuideExample(), "org.apache.flume.source.http.JSONHandler")
            .Replace("a1.sinks.k1.type = file_roll", $"""
                a1.sinks.k1.type = avro
                a1.sinks.k1.hostname = 127.0.0.1
                a1.sinks.k1.port = {receiverPort}
                """, StringComparison.Ordinal)
            + "\na1.channels.c1.capacity = 100\n";
        using var relay = await RelayProcess.StartRunningAsync(configuration);
        var port = await relay.ListeningPortAsync("r1");

        var accepted = new List<string>();
        var refused = 0;
        for (var batch = 0; batch < 30 && refused == 0; batch++)
        {
            var bodies = Enumerable.Range(0, 15).Select(i => $"b{batch}-e{i}").ToList();
            var json = "[" + string.Join(",", bodies.Select(b => $$"""{"headers":{"batch":"{{batch}}"},"body":"{{b}}"}""")) + "]";
            var (status, body) = await PostJsonAsync(port, json);
            if (status == 200)
            {
                accepted.AddRange(bodies);
            }
            else
            {
                Assert.Equal(503, status);
                Assert.Contains("Channel might be full", body, StringComparison.Ordinal);
                refused++;
            }
        }

        Assert.Equal(1, refused);
        Assert.Equal(90, accepted.Count);

        received.Refusing = false;
        await Eventually.TrueAsync(() => received.Events.Count >= accepted.Count, $"{accepted.Count} events at the receiver", TimeSpan.FromSeconds(60));
        Assert.Equal(0, await relay.StopAsync());
        Assert.Equal(
            accepted.Order(StringComparer.Ordinal),
            received.Events.Select(e => Encoding.UTF8.GetString(e.Body.Span)).Order(StringComparer.Ordinal));
    }
}
