using System.Text;
using System.Text.Json;
using Flume.Logging.Protocol;
using Flume.Logging.Rpc.Avro;
using Flume.Logging.Rpc.Tests.Avro;
using Flume.Logging.Testing;

namespace Flume.Logging.Rpc.Tests.Interop.Avro;

/// <summary>Our Avro server and client against python3-avro 1.11's Requestor and Responder.</summary>
public class AvroPythonInteropTests
{
    private static readonly TimeSpan PeerTimeout = TimeSpan.FromSeconds(60);

    [Theory]
    [InlineData(CompressionType.None)]
    [InlineData(CompressionType.Deflate)]
    public async Task Python_requestor_delivers_append_and_appendBatch_to_our_server(CompressionType compression)
    {
        Python.RequireModules("avro.ipc");
        await using var fixture = await AvroServerFixture.StartAsync(compression);
        var port = fixture.Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        using var python = PeerProcess.Start(Python.Executable, [Script("avro_requestor.py"), port, .. Flags(compression)], AppContext.BaseDirectory);

        await python.WaitForSuccessAsync(PeerTimeout);
        Assert.Contains("append: OK", python.Lines);
        Assert.Contains("appendBatch: OK", python.Lines);
        Assert.Contains("DONE", python.Lines);

        var events = fixture.Receiver.Events.ToArray();
        Assert.Equal(5, events.Length);
        Assert.Equal("py-höst", events[0].Headers["host"]);
        Assert.Equal("0", events[0].Headers["n"]);
        Assert.Equal(new byte[] { 0, 1, 2, 254, 255 }, events[0].Body.ToArray());
        for (var i = 1; i <= 3; i++)
        {
            Assert.Equal(i.ToString(System.Globalization.CultureInfo.InvariantCulture), events[i].Headers["n"]);
            Assert.Equal("v中", events[i].Headers["kéy"]);
            var expected = Enumerable.Repeat(new[] { (byte)i, (byte)(255 - i) }, i + 1).SelectMany(b => b).ToArray();
            Assert.Equal(expected, events[i].Body.ToArray());
        }

        Assert.Empty(events[4].Headers);
        Assert.Equal(Enumerable.Repeat(Enumerable.Range(0, 256).Select(b => (byte)b), 80).SelectMany(b => b).ToArray(), events[4].Body.ToArray());
        Assert.Equal(1, fixture.Receiver.AppendCount);
        Assert.Equal([4], fixture.Receiver.BatchSizes.ToArray());
        Assert.False(fixture.Logs.Contains("closing connection", Microsoft.Extensions.Logging.LogLevel.Warning), fixture.Logs.Dump());
    }

    [Theory]
    [InlineData(CompressionType.None, false)]
    [InlineData(CompressionType.Deflate, false)]
    [InlineData(CompressionType.None, true)]
    [InlineData(CompressionType.Deflate, true)]
    public async Task Our_client_delivers_several_batches_over_one_connection_to_a_python_responder(CompressionType compression, bool blockingIo)
    {
        Python.RequireModules("avro.ipc");
        using var python = PeerProcess.Start(Python.Executable, [Script("avro_responder.py"), .. Flags(compression)], AppContext.BaseDirectory);
        var listening = await python.WaitForLineAsync("LISTENING ", PeerTimeout);
        var port = int.Parse(listening["LISTENING ".Length..], System.Globalization.CultureInfo.InvariantCulture);

        var options = new RpcClientOptions
        {
            BatchSize = 3,
            ConnectTimeout = PeerTimeout,
            RequestTimeout = PeerTimeout,
            Compression = compression,
            BlockingIo = blockingIo,
        };
        var sent = new List<FlumeEvent>();
        await using (var client = AvroRpc.CreateClient(new RpcHost("py", "127.0.0.1", port), options, new CapturingLoggerFactory()))
        {
            var single = new FlumeEvent(new Dictionary<string, string>(StringComparer.Ordinal) { ["kind"] = "single" }, new byte[] { 255, 0, 128 });
            await client.AppendAsync(single);
            sent.Add(single);
            for (var batch = 0; batch < 3; batch++)
            {
                var events = Enumerable.Range(0, 4).Select(i => new FlumeEvent(
                    new Dictionary<string, string>(StringComparer.Ordinal) { ["batch"] = $"{batch}", ["i"] = $"{i}", ["ünï"] = "😀" },
                    Encoding.UTF8.GetBytes($"event {batch}.{i} ✓"))).ToArray();
                await client.AppendBatchAsync(events);
                sent.AddRange(events);
            }
        }

        await Eventually.TrueAsync(() => python.CountLines("EVENT ") >= sent.Count, $"{sent.Count} EVENT lines from python", PeerTimeout);
        var received = python.Lines.Where(l => l.StartsWith("EVENT ", StringComparison.Ordinal)).Select(l => JsonDocument.Parse(l["EVENT ".Length..])).ToArray();
        Assert.Equal(sent.Count, received.Length);
        for (var i = 0; i < sent.Count; i++)
        {
            var root = received[i].RootElement;
            Assert.Equal(sent[i].Body.ToArray(), Convert.FromBase64String(root.GetProperty("body").GetString()!));
            var headers = root.GetProperty("headers").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!, StringComparer.Ordinal);
            Assert.Equal(sent[i].Headers.OrderBy(h => h.Key, StringComparer.Ordinal), headers.OrderBy(h => h.Key, StringComparer.Ordinal));
        }

        Assert.Equal(1, python.CountLines("CONNECTION"));
        Assert.DoesNotContain(python.Lines, l => l.Contains("Traceback", StringComparison.Ordinal));
    }

    private static string[] Flags(CompressionType compression) => compression == CompressionType.Deflate ? ["--deflate"] : [];

    private static string Script(string name) => Path.Combine(AppContext.BaseDirectory, "Interop", "Avro", name);
}
