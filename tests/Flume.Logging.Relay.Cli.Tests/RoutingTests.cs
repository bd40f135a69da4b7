using System.Globalization;
using Flume.Logging.Protocol;
using Flume.Logging.Rpc;
using Flume.Logging.Testing;

namespace Flume.Logging.Relay.Cli.Tests;

/// <summary>"Multiplexing the flow" from the Flume user guide, with real relay processes writing real files.</summary>
public sealed class RoutingTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("routing-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Config(string interceptors = "") => $"""
        a1.sources = r1
        a1.channels = errors infos others
        a1.sinks = kErrors kInfos kOthers
        a1.sources.r1.type = avro
        a1.sources.r1.bind = 127.0.0.1
        a1.sources.r1.port = 0
        a1.sources.r1.channels = errors infos others
        a1.sources.r1.selector.type = multiplexing
        a1.sources.r1.selector.header = level
        a1.sources.r1.selector.mapping.ERROR = errors
        a1.sources.r1.selector.mapping.INFO = infos
        a1.sources.r1.selector.default = others
        {interceptors}
        a1.channels.errors.type = memory
        a1.channels.infos.type = memory
        a1.channels.others.type = memory
        a1.channels.errors.capacity = 10000
        a1.channels.infos.capacity = 10000
        a1.channels.others.capacity = 10000
        a1.sinks.kErrors.type = file_roll
        a1.sinks.kErrors.channel = errors
        a1.sinks.kErrors.sink.directory = {Folder("errors")}
        a1.sinks.kInfos.type = file_roll
        a1.sinks.kInfos.channel = infos
        a1.sinks.kInfos.sink.directory = {Folder("infos")}
        a1.sinks.kOthers.type = file_roll
        a1.sinks.kOthers.channel = others
        a1.sinks.kOthers.sink.directory = {Folder("others")}
        """;

    private string Folder(string name) => Directory.CreateDirectory(Path.Combine(_root, name)).FullName;

    private static async Task SendAsync(int port, IReadOnlyList<FlumeEvent> events)
    {
        var options = new RpcClientOptions { BatchSize = 100 };
        options.Hosts.Add(new RpcHost("relay", "127.0.0.1", port));
        await using var client = RpcClients.Create(options);
        await client.AppendBatchAsync(events);
    }

    private List<string> Lines(string folder) =>
        Directory.GetFiles(Path.Combine(_root, folder)).SelectMany(File.ReadAllLines).ToList();

    private async Task AssertRoutedAsync(RelayProcess relay, int errors, int infos, int others)
    {
        await Eventually.TrueAsync(
            () => Lines("errors").Count == errors && Lines("infos").Count == infos && Lines("others").Count == others,
            $"{errors}/{infos}/{others} lines in the three folders");
        Assert.Equal(0, await relay.StopAsync());
        Assert.All(Lines("errors"), l => Assert.StartsWith("ERROR ", l, StringComparison.Ordinal));
        Assert.All(Lines("infos"), l => Assert.StartsWith("INFO ", l, StringComparison.Ordinal));
        Assert.All(Lines("others"), l => Assert.DoesNotMatch("^(ERROR|INFO) ", l));
        Assert.Equal(errors + infos + others, Lines("errors").Concat(Lines("infos")).Concat(Lines("others")).Distinct().Count());
    }

    private static string Level(int i) => (i % 4) switch { 0 => "ERROR", 1 => "INFO", 2 => "WARN", _ => "DEBUG" };

    [Fact]
    public async Task Events_are_routed_by_their_level_header_to_separate_file_sinks_with_exact_counts()
    {
        using var relay = await RelayProcess.StartRunningAsync(Config());
        var port = await relay.ListeningPortAsync("r1");
        var events = Enumerable.Range(0, 1000)
            .Select(i => FlumeEvent.FromText($"{Level(i)} message {i.ToString(CultureInfo.InvariantCulture)}", i % 10 == 9 ? null : new Dictionary<string, string> { ["level"] = Level(i) }))
            .ToList();

        await SendAsync(port, events);

        // Every tenth event has no level header at all: it goes to the default channel whatever its body says.
        var errors = Enumerable.Range(0, 1000).Count(i => i % 10 != 9 && i % 4 == 0);
        var infos = Enumerable.Range(0, 1000).Count(i => i % 10 != 9 && i % 4 == 1);
        await Eventually.TrueAsync(() => Lines("errors").Count == errors, "the ERROR lines");
        Assert.Equal(0, await relay.StopAsync());
        Assert.Equal(errors, Lines("errors").Count);
        Assert.Equal(infos, Lines("infos").Count);
        Assert.Equal(1000 - errors - infos, Lines("others").Count);
        Assert.All(Lines("errors"), l => Assert.StartsWith("ERROR ", l, StringComparison.Ordinal));
        Assert.All(Lines("infos"), l => Assert.StartsWith("INFO ", l, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Regex_extractor_routes_by_a_value_inside_the_body()
    {
        var interceptors = """
            a1.sources.r1.interceptors = lvl
            a1.sources.r1.interceptors.lvl.type = regex_extractor
            a1.sources.r1.interceptors.lvl.regex = ^(ERROR|INFO|WARN|DEBUG)\\s
            a1.sources.r1.interceptors.lvl.serializers = s1
            a1.sources.r1.interceptors.lvl.serializers.s1.name = level
            """;
        using var relay = await RelayProcess.StartRunningAsync(Config(interceptors));
        var port = await relay.ListeningPortAsync("r1");
        var events = Enumerable.Range(0, 800)
            .Select(i => FlumeEvent.FromText($"{Level(i)} body-only message {i.ToString(CultureInfo.InvariantCulture)}"))
            .ToList();

        await SendAsync(port, events);

        await AssertRoutedAsync(relay, errors: 200, infos: 200, others: 400);
    }
}
