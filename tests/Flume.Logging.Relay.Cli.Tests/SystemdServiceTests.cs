using System.Net.Sockets;
using System.Text;
using Flume.Logging.Testing;

namespace Flume.Logging.Relay.Cli.Tests;

/// <summary>The relay as a systemd Type=notify unit: the notify socket and the journal, as systemd provides them.</summary>
public sealed class SystemdServiceTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("systemd-").FullName;

    public void Dispose() => TempFolder.Delete(_folder);

    [Fact]
    public async Task Notifies_ready_once_the_source_listens_and_stopping_on_SIGTERM_with_journal_priorities()
    {
        var socketPath = Path.Combine(_folder, "notify");
        using var notify = new Socket(AddressFamily.Unix, SocketType.Dgram, ProtocolType.Unspecified);
        notify.Bind(new UnixDomainSocketEndPoint(socketPath));
        using var relay = RelayProcess.Start(
            Config(),
            new Dictionary<string, string> { ["NOTIFY_SOCKET"] = socketPath, ["JOURNAL_STREAM"] = "8:4242" },
            "--name",
            "a1");

        Assert.Equal("READY=1", await ReceiveAsync(notify));

        // Ready means accepting: the source reported its port before the agent said it runs (which READY follows),
        // and the port takes a connection.
        var port = await relay.ListeningPortAsync("r1");
        var lines = relay.Process.Lines.ToList();
        Assert.True(
            lines.FindIndex(line => line.Contains("avro source r1 listening on", StringComparison.Ordinal))
                < lines.FindIndex(line => line.Contains("agent a1 running", StringComparison.Ordinal)),
            "the source listened before the agent reported running");
        using (var client = new TcpClient())
        {
            await client.ConnectAsync("127.0.0.1", port);
        }

        Assert.Contains(relay.Process.Lines, line => line.StartsWith("<6>", StringComparison.Ordinal) && line.Contains("agent a1 running", StringComparison.Ordinal));
        Assert.Equal(0, await relay.StopAsync());
        Assert.Equal("STOPPING=1", await ReceiveAsync(notify));
    }

    [Fact]
    public async Task Outside_systemd_lines_keep_their_timestamps()
    {
        using var relay = await RelayProcess.StartRunningAsync(Config());

        Assert.DoesNotContain(relay.Process.Lines, line => line.StartsWith('<'));
        Assert.Equal(0, await relay.StopAsync());
    }

    // A whole agent: the avro source on 127.0.0.1, port 0, a memory channel and a null sink.
    private static string Config() => RelayConfigs.AvroSource() + """

        a1.channels.c1.type = memory
        a1.sinks.k1.type = null
        a1.sinks.k1.channel = c1
        """;

    private static async Task<string> ReceiveAsync(Socket socket)
    {
        var buffer = new byte[256];
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var length = await socket.ReceiveAsync(buffer, SocketFlags.None, timeout.Token);
        return Encoding.UTF8.GetString(buffer, 0, length).Trim();
    }
}
