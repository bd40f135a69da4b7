using Flume.Logging.Rpc;

namespace Flume.Logging.Testing;

/// <summary>
/// Real relay processes (avro source -> file channel -> avro sink) all forwarding to one in-test Avro server, for
/// load-balancing tests that kill a relay mid-run: what a killed relay acknowledged stays in its file channel and
/// reaches <see cref="Received"/> once <see cref="RestartAsync"/> brings it back on the same port and folders.
/// </summary>
public sealed class FileChannelRelays : IAsyncDisposable
{
    private readonly IRpcServer _receiver;
    private readonly RelayProcess?[] _relays;
    private readonly string _root;
    private readonly int _receiverPort;

    private FileChannelRelays(IRpcServer receiver, RecordingReceiver received, int receiverPort, int count, string root)
    {
        _receiver = receiver;
        Received = received;
        _receiverPort = receiverPort;
        _relays = new RelayProcess?[count];
        _root = root;
        Ports = Enumerable.Range(0, count).Select(_ => FreePort.Next()).ToArray();
    }

    /// <summary>Everything the relays delivered.</summary>
    public RecordingReceiver Received { get; }

    /// <summary>Each relay's avro source port on 127.0.0.1.</summary>
    public IReadOnlyList<int> Ports { get; }

    /// <summary>The relays as an appender's space-separated <c>Hosts</c> setting.</summary>
    public string Hosts => string.Join(' ', Ports.Select(port => $"127.0.0.1:{port}"));

    /// <summary>Starts the receiver, then <paramref name="count"/> relays, and waits until each is running.</summary>
    public static async Task<FileChannelRelays> StartAsync(int count)
    {
        var received = new RecordingReceiver();
        var receiverPort = FreePort.Next();
        var receiver = await received.ServeAvroAsync(receiverPort);
        var relays = new FileChannelRelays(receiver, received, receiverPort, count, Directory.CreateTempSubdirectory("file-channel-relays-").FullName);
        try
        {
            for (var i = 0; i < count; i++)
            {
                await relays.RestartAsync(i);
            }

            return relays;
        }
        catch
        {
            await relays.DisposeAsync();
            throw;
        }
    }

    /// <summary>Kills relay <paramref name="index"/> at once (SIGKILL), as a crash would.</summary>
    public void Kill(int index)
    {
        _relays[index]?.Dispose();
        _relays[index] = null;
    }

    /// <summary>Starts relay <paramref name="index"/> (again) on its port and file channel, and waits until it runs.</summary>
    public async Task RestartAsync(int index)
    {
        Kill(index);
        _relays[index] = await RelayProcess.StartRunningAsync(Configuration(index));
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = 0; i < _relays.Length; i++)
        {
            Kill(i);
        }

        await _receiver.DisposeAsync();
        Directory.Delete(_root, recursive: true);
    }

    private string Configuration(int index) => $"""
        a1.sources = avro
        a1.channels = disk
        a1.sinks = fwd
        a1.sources.avro.type = avro
        a1.sources.avro.bind = 127.0.0.1
        a1.sources.avro.port = {Ports[index]}
        a1.sources.avro.channels = disk
        a1.channels.disk.type = file
        a1.channels.disk.checkpointDir = {_root}/r{index}/checkpoint
        a1.channels.disk.dataDirs = {_root}/r{index}/data
        a1.channels.disk.minimumRequiredSpace = 0
        a1.sinks.fwd.type = avro
        a1.sinks.fwd.channel = disk
        a1.sinks.fwd.hostname = 127.0.0.1
        a1.sinks.fwd.port = {_receiverPort}
        a1.sinks.fwd.batch-size = 1000
        """;
}
