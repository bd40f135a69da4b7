using System.Net.Sockets;
using System.Text;
using Flume.Logging.Testing;

namespace Flume.Logging.Relay.Cli.Tests;

/// <summary>The first example of the Flume user guide, run on the relay exactly as on flume-ng.</summary>
public sealed class UserGuideExampleTests
{
    /// <summary>The shipped copy of the user guide's example, with its fixed port swapped for 0 (the relay reports the one it got).</summary>
    private static string ExampleWithPortZero()
    {
        var shipped = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "examples", "flume", "netcat-memory-logger.properties"));
        Assert.Contains("a1.sources.r1.port = 44444", shipped, StringComparison.Ordinal);
        return shipped.Replace("a1.sources.r1.port = 44444", "a1.sources.r1.port = 0", StringComparison.Ordinal);
    }

    [Fact]
    public async Task Hello_world_gets_OK_and_shows_up_in_the_relay_log()
    {
        using var relay = await RelayProcess.StartRunningAsync(ExampleWithPortZero(), "a1", "-Dflume.root.logger=INFO,console");
        var port = await relay.ListeningPortAsync("r1");

        using (var client = new TcpClient())
        {
            await client.ConnectAsync("127.0.0.1", port);
            var stream = client.GetStream();
            await stream.WriteAsync("Hello world!\r\n"u8.ToArray());
            using var reader = new StreamReader(stream, Encoding.ASCII);
            Assert.Equal("OK", await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20)));
        }

        var logged = await relay.Process.WaitForLineAsync("Hello world!");
        Assert.Contains("Event: { headers:{} body: 48 65 6C 6C 6F 20 77 6F 72 6C 64 21 0D          Hello world!. }", logged, StringComparison.Ordinal);
        Assert.Equal(0, await relay.StopAsync());
    }

    [Fact]
    public async Task Runs_with_flume_ng_flag_spelling()
    {
        var file = Path.Combine(Directory.CreateTempSubdirectory("relay-conf-").FullName, "example.conf");
        await File.WriteAllTextAsync(file, ExampleWithPortZero());
        var conf = Path.GetDirectoryName(file)!;

        using var relay = RelayProcess.StartRaw("agent", "-n", "a1", "-f", file, "-c", conf, "-Dflume.root.logger=DEBUG,console", "--no-reload-conf");
        await relay.Process.WaitForLineAsync("agent a1 running");
        Assert.Equal(0, await relay.StopAsync());
    }
}
