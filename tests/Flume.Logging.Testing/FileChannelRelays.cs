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
    private readonly int[] _ports;
    private readonly string _root;

    private FileChannelRelays(IRpcServer receiver, RecordingReceiver received, int count, string root)
    {
        _receiver = receiver;
        Received = received;
        _relays = new RelayProcess?[count];
        _ports = new int[count];
        _root = root;
    }

    /// <summary>Everything the relays delivered.</summary>
    public RecordingReceiver Received { get; }

    /// <summary>Each relay's avro source port on 127.0.0.1, as the relay reported it when it first started.</summary>
    public IReadOnlyList<int> Ports => _ports;

    /// <summary>The relays as an appender's space-separated <c>Hosts</c> setting.</summary>
    public string Hosts => string.Join(' ', _ports.Select(port => $"127.0.0.1:{port}"));

    /// <summary>Starts the receiver, then <paramref name="count"/> relays, and waits until each is running.</summary>
    public static async Task<FileChannelRelays> StartAsync(int count)
    {
        var received = new RecordingReceiver();
        var receiver = await received.ServeAvroAsync();
        var relays = new FileChannelRelays(receiver, received, count, Directory.CreateTempSubdirectory("file-channel-relays-").FullName);
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

    /// <summary>
    /// Starts relay <paramref name="index"/> (again) on its file channel and waits until it runs. The first start binds
    /// port 0 and reads the port back; a restart binds that same port again, since the appender under test knows only
    /// it: the one bind of a number chosen earlier that the crash-and-return scenario cannot avoid.
    /// </summary>
    public async Task RestartAsync(int index)
    {
        Kill(index);
        var relay = await RelayProcess.StartRunningAsync(Configuration(index));
        _relays[index] = relay;
        _ports[index] = await relay.ListeningPortAsync("avro");
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
        a1.sources.avro.port = {_ports[index]}
        a1.sources.avro.channels = disk
        a1.channels.disk.type = file
        a1.channels.disk.checkpointDir = {_root}/r{index}/checkpoint
        a1.channels.disk.dataDirs = {_root}/r{index}/data
        a1.channels.disk.minimumRequiredSpace = 0
        a1.sinks.fwd.type = avro
        a1.sinks.fwd.channel = disk
        a1.sinks.fwd.hostname = 127.0.0.1
        a1.sinks.fwd.port = {_receiver.LocalEndPoint.Port}
        a1.sinks.fwd.batch-size = 1000
        """;
}
