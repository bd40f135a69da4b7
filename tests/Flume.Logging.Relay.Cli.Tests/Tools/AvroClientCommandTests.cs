using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Flume.Logging.Testing;

namespace Flume.Logging.Relay.Cli.Tests.Tools;

/// <summary><c>relay avro-client</c> against a real relay whose logger sink shows what arrived.</summary>
public sealed partial class AvroClientCommandTests : IDisposable
{
    // Every line is at most 15 UTF-8 bytes, so the logger sink prints each event whole on one line.
    private static readonly string[] Lines = ["first line", "", "zwei: größe", "日本語", "tab\there", "last one"];

    private readonly string _directory = Directory.CreateTempSubdirectory("avro-client-test-").FullName;

    private static string Agent(string sourceType = "avro") => $"""
        a1.sources = r1
        a1.channels = c1
        a1.sinks = k1
        a1.sources.r1.type = {sourceType}
        a1.sources.r1.bind = 127.0.0.1
        a1.sources.r1.port = 0
        a1.sources.r1.channels = c1
        a1.channels.c1.type = memory
        a1.channels.c1.capacity = 1000
        a1.sinks.k1.type = logger
        a1.sinks.k1.channel = c1
        a1.sinks.k1.maxBytesToLog = 1024
        """;

    [GeneratedRegex(@"Event: \{ headers:\{(?<headers>[^}]*)\} body:(?<hex>( [0-9A-F]{2})*) ")]
    private static partial Regex LoggedEvent();

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private string WriteFile(string name, string text)
    {
        var path = Path.Combine(_directory, name);
        File.WriteAllText(path, text, new UTF8Encoding(false));
        return path;
    }

    /// <summary>The events the relay logged, in order: headers as written and the body decoded from its hex dump.</summary>
    private static List<(string Headers, string Body)> Logged(PeerProcess relay)
    {
        var events = new List<(string, string)>();
        foreach (var line in relay.Lines)
        {
            var match = LoggedEvent().Match(line);
            if (match.Success)
            {
                var hex = match.Groups["hex"].Value.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                var body = hex.Select(h => byte.Parse(h, NumberStyles.HexNumber, CultureInfo.InvariantCulture)).ToArray();
                events.Add((match.Groups["headers"].Value, Encoding.UTF8.GetString(body)));
            }
        }

        return events;
    }

    private static async Task<List<(string Headers, string Body)>> WaitForLoggedAsync(PeerProcess relay, int count)
    {
        await Eventually.TrueAsync(() => Logged(relay).Count >= count, $"{count} logged events", TimeSpan.FromSeconds(30));
        return Logged(relay);
    }

    [Fact]
    public async Task Each_line_of_a_file_arrives_as_one_event_in_order_in_batches()
    {
        using var relay = await RelayProcess.StartRunningAsync(Agent());
        var port = await relay.ListeningPortAsync("r1");
        var file = WriteFile("lines.txt", string.Join("\n", Lines[..4]) + "\r\n" + string.Join("\r", Lines[4..]) + "\n");

        var (exitCode, output, _) = await ToolRun.RunAsync("avro-client", "-H", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-F", file, "--batch-size", "4");

        Assert.True(exitCode == 0, output);
        Assert.Contains("sent 6 events in 2 batches", output, StringComparison.Ordinal);
        var logged = await WaitForLoggedAsync(relay.Process, Lines.Length);
        Assert.Equal(Lines, logged.Select(e => e.Body));
        Assert.All(logged, e => Assert.Equal("", e.Headers));
    }

    [Fact]
    public async Task Headers_from_the_header_file_are_on_every_event()
    {
        using var relay = await RelayProcess.StartRunningAsync(Agent());
        var port = await relay.ListeningPortAsync("r1");
        var file = WriteFile("lines.txt", "one\ntwo\nthree\n");
        var headers = WriteFile("headers.properties", "# added to every event\nhost = web-1\nenv:prod\n");

        var (exitCode, output, _) = await ToolRun.RunAsync("avro-client", "--host", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--filename", file, "--headerFile", headers);

        Assert.True(exitCode == 0, output);
        var logged = await WaitForLoggedAsync(relay.Process, 3);
        Assert.Equal(["one", "two", "three"], logged.Select(e => e.Body));
        Assert.All(logged, e => Assert.Equal(["env=prod", "host=web-1"], e.Headers.Split(", ").Order()));
    }

    [Fact]
    public async Task Thrift_sends_to_a_thrift_source()
    {
        using var relay = await RelayProcess.StartRunningAsync(Agent("thrift"));
        var port = await relay.ListeningPortAsync("r1");
        var file = WriteFile("lines.txt", string.Join("\n", Lines));

        var (exitCode, output, _) = await ToolRun.RunAsync("avro-client", "-H", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-F", file, "--thrift");

        Assert.True(exitCode == 0, output);
        Assert.Equal(Lines, (await WaitForLoggedAsync(relay.Process, Lines.Length)).Select(e => e.Body));
    }

    [Fact]
    public async Task Standard_input_is_sent_when_no_file_is_given()
    {
        using var relay = await RelayProcess.StartRunningAsync(Agent());
        var port = await relay.ListeningPortAsync("r1");
        var input = WriteFile("stdin.txt", string.Join("\n", Lines) + "\n");

        var (exitCode, output) = await ToolRun.RunWithInputAsync(input, "avro-client", "-H", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture));

        Assert.True(exitCode == 0, output);
        Assert.Contains("sent 6 events in 1 batches", output, StringComparison.Ordinal);
        Assert.Equal(Lines, (await WaitForLoggedAsync(relay.Process, Lines.Length)).Select(e => e.Body));
    }

    [Fact]
    public async Task Every_file_of_a_folder_is_sent_in_name_order()
    {
        using var relay = await RelayProcess.StartRunningAsync(Agent());
        var port = await relay.ListeningPortAsync("r1");
        var folder = Directory.CreateDirectory(Path.Combine(_directory, "spool")).FullName;
        File.WriteAllText(Path.Combine(folder, "b.log"), "b1\nb2\n");
        File.WriteAllText(Path.Combine(folder, "a.log"), "a1\n");

        var (exitCode, output, _) = await ToolRun.RunAsync("avro-client", "-H", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "--dirname", folder);

        Assert.True(exitCode == 0, output);
        Assert.Contains("sent 3 events in 2 batches", output, StringComparison.Ordinal);
        Assert.Equal(["a1", "b1", "b2"], (await WaitForLoggedAsync(relay.Process, 3)).Select(e => e.Body));
    }

    [Fact]
    public async Task A_dead_port_exits_non_zero_naming_the_batch_and_host_and_port()
    {
        using var closed = new ClosedPort();
        var port = closed.Port;
        var file = WriteFile("lines.txt", "never\ndelivered\n");

        var (exitCode, output, _) = await ToolRun.RunAsync("avro-client", "-H", "127.0.0.1", "-p", port.ToString(CultureInfo.InvariantCulture), "-F", file);

        Assert.Equal(1, exitCode);
        Assert.Contains("batch 1 (events 1-2) was not acknowledged", output, StringComparison.Ordinal);
        Assert.Contains($"127.0.0.1:{port}", output, StringComparison.Ordinal);
        Assert.DoesNotContain("sent ", output, StringComparison.Ordinal);
    }
}
