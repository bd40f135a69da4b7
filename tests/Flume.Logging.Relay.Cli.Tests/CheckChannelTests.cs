using System.Net.Sockets;
using System.Text;
using Flume.Logging.Testing;

namespace Flume.Logging.Relay.Cli.Tests;

/// <summary>Corruption found at start, named; check-channel reports it; --repair lets the relay start again.</summary>
public sealed class CheckChannelTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("check-channel-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    private string Config() => $"""
        a1.sources = r1
        a1.channels = c1
        a1.sinks = k1
        a1.sources.r1.type = netcat
        a1.sources.r1.bind = 127.0.0.1
        a1.sources.r1.port = 0
        a1.sources.r1.channels = c1
        a1.channels.c1.type = file
        a1.channels.c1.checkpointDir = {_root}/checkpoint
        a1.channels.c1.dataDirs = {_root}/data
        a1.channels.c1.minimumRequiredSpace = 0
        a1.sinks.k1.type = logger
        a1.sinks.k1.channel = c1
        """;

    private static string DataConfigWithoutSink(string config) =>
        config.Replace("a1.sinks = k1", "a1.sinks =", StringComparison.Ordinal)
            .Replace("a1.sinks.k1.type = logger", "", StringComparison.Ordinal)
            .Replace("a1.sinks.k1.channel = c1", "", StringComparison.Ordinal);

    [Fact]
    public async Task Corruption_stops_the_start_and_check_channel_repairs_it()
    {
        using (var writer = await RelayProcess.StartRunningAsync(DataConfigWithoutSink(Config())))
        {
            using var client = new TcpClient();
            await client.ConnectAsync("127.0.0.1", await writer.ListeningPortAsync("r1"));
            var stream = client.GetStream();
            using var reader = new StreamReader(stream, Encoding.ASCII);
            for (var i = 0; i < 20; i++)
            {
                await stream.WriteAsync(Encoding.ASCII.GetBytes($"line-{i:D2}\n"));
                Assert.Equal("OK", await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20)));
            }

            writer.Process.Kill();
        }

        var log = Directory.GetFiles(Path.Combine(_root, "data"), "log-*").OrderBy(f => f, StringComparer.Ordinal).First(f => new FileInfo(f).Length > 0);
        var bytes = await File.ReadAllBytesAsync(log);

        // The killed relay left the zeros it writes ahead of its records: flip a byte in the middle of the records.
        bytes[Array.FindLastIndex(bytes, b => b != 0) / 2] ^= 0xFF;
        await File.WriteAllBytesAsync(log, bytes);
        File.Delete(Path.Combine(_root, "checkpoint", "checkpoint"));

        using (var refused = RelayProcess.Start(Config(), "--name", "a1"))
        {
            Assert.Equal(1, await refused.Process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains(log, refused.Process.Output, StringComparison.Ordinal);
            Assert.Contains("check-channel", refused.Process.Output, StringComparison.Ordinal);
        }

        using (var check = RelayProcess.StartRaw("check-channel", "--dataDirs", Path.Combine(_root, "data"), "--checkpointDir", Path.Combine(_root, "checkpoint")))
        {
            Assert.Equal(1, await check.Process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains($"{log} offset", check.Process.Output, StringComparison.Ordinal);
        }

        using (var repair = RelayProcess.StartRaw("check-channel", "-l", Path.Combine(_root, "data"), "--checkpointDir", Path.Combine(_root, "checkpoint"), "--repair"))
        {
            Assert.Equal(0, await repair.Process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains("repaired", repair.Process.Output, StringComparison.Ordinal);
        }

        using var relay = await RelayProcess.StartRunningAsync(Config());
        await Eventually.TrueAsync(() => relay.Process.CountLines("Event: ") >= 19, "the surviving events delivered");
        Assert.True(relay.Process.CountLines("Event: ") <= 20);
        Assert.Equal(0, await relay.StopAsync());
    }
}
