using System.Globalization;
using System.Text.Json;
using Flume.Logging.Protocol;
using Flume.Logging.Rpc.Thrift;
using Flume.Logging.Testing;

namespace Flume.Logging.Rpc.Tests.Thrift;

/// <summary>Byte compatibility with real Thrift 0.17 peers generated from our IDL (python3-thrift).</summary>
public sealed class ThriftInteropTests : IClassFixture<ThriftPeerFixture>
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(30);
    private readonly ThriftPeerFixture _peers;
    private readonly CapturingLoggerFactory _logs = new();

    public ThriftInteropTests(ThriftPeerFixture peers)
    {
        _peers = peers;
    }

    [Theory]
    [InlineData(ThriftProtocolKind.Compact)]
    [InlineData(ThriftProtocolKind.Binary)]
    public async Task Generated_python_client_delivers_to_our_server(ThriftProtocolKind protocol)
    {
        var receiver = new RecordingReceiver();
        var options = new RpcServerOptions { Bind = "127.0.0.1", ThriftProtocol = protocol };
        await using var server = ThriftRpc.CreateServer("thrift source interop", options, receiver, _logs);
        await server.StartAsync(CancellationToken.None);

        using var client = PeerProcess.Start(Python.Executable, [
            ThriftPeerFixture.Script("thrift_client.py"), _peers.GeneratedDirectory,
            server.LocalEndPoint.Port.ToString(CultureInfo.InvariantCulture), ProtocolArgument(protocol)]);
        var exit = await client.WaitForExitAsync(Bound);

        Assert.True(exit == 0, client.Output);
        Assert.Equal(2, client.CountLines("append OK"));
        Assert.Equal(1, client.CountLines("appendBatch OK"));
        Assert.Equal([3], receiver.BatchSizes.ToArray());
        ThriftTestEvents.AssertSame(PythonClientEvents(), receiver.Events.ToList());
    }

    [Theory]
    [InlineData(ThriftProtocolKind.Compact, false)]
    [InlineData(ThriftProtocolKind.Binary, false)]
    [InlineData(ThriftProtocolKind.Compact, true)]
    public async Task Our_client_delivers_several_batches_to_the_generated_python_server(ThriftProtocolKind protocol, bool blockingIo)
    {
        using var server = PeerProcess.Start(Python.Executable, [
            ThriftPeerFixture.Script("thrift_server.py"), _peers.GeneratedDirectory, ProtocolArgument(protocol)]);
        var listening = await server.WaitForLineAsync("LISTENING ", Bound);
        var port = int.Parse(listening["LISTENING ".Length..], CultureInfo.InvariantCulture);
        var options = new RpcClientOptions { ClientType = RpcClientType.Thrift, ThriftProtocol = protocol, BatchSize = 4, BlockingIo = blockingIo };
        await using var client = ThriftRpc.CreateClient(new RpcHost("h1", "127.0.0.1", port), options, _logs);
        var batches = Enumerable.Range(0, 3).Select(b => Enumerable.Range(b * 10, 10).Select(ThriftTestEvents.Make).ToList()).ToList();
        var single = ThriftTestEvents.Make(99);

        foreach (var batch in batches)
        {
            await client.AppendBatchAsync(batch);
        }

        await client.AppendAsync(single);

        var expected = batches.SelectMany(b => b).Append(single).ToList();
        await Eventually.TrueAsync(() => server.CountLines("\"method\"") >= expected.Count, "every event to be printed", Bound);
        var lines = server.Lines.Where(l => l.StartsWith('{')).ToList();
        Assert.Equal(expected.Count, lines.Count);
        Assert.Equal(30, lines.Count(l => l.Contains("\"appendBatch\"", StringComparison.Ordinal)));
        ThriftTestEvents.AssertSame(expected, lines.Select(ParseRecordedEvent).ToList());
        Assert.Equal(1, server.CountLines("ACCEPTED"));
    }

    /// <summary>Kept in step with <c>events()</c> in thrift_client.py.</summary>
    private static List<FlumeEvent> PythonClientEvents()
    {
        var all = Enumerable.Range(0, 256).Select(i => (byte)i).ToArray();
        var events = new List<FlumeEvent>
        {
            new(new Dictionary<string, string> { ["host"] = "web-1", ["k\u00fcy"] = "v\u00e4l \u65e5\u672c" }, all),
            new(new Dictionary<string, string>(), Array.Empty<byte>()),
        };
        for (var i = 1; i <= 3; i++)
        {
            events.Add(new FlumeEvent(
                new Dictionary<string, string> { ["i"] = i.ToString(CultureInfo.InvariantCulture) },
                Enumerable.Repeat((byte)i, i * 100).ToArray()));
        }

        return events;
    }

    private static FlumeEvent ParseRecordedEvent(string line)
    {
        using var json = JsonDocument.Parse(line);
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var header in json.RootElement.GetProperty("headers").EnumerateObject())
        {
            headers[header.Name] = header.Value.GetString()!;
        }

        return new FlumeEvent(headers, Convert.FromBase64String(json.RootElement.GetProperty("body").GetString()!));
    }

    private static string ProtocolArgument(ThriftProtocolKind protocol) =>
        protocol == ThriftProtocolKind.Binary ? "binary" : "compact";
}
