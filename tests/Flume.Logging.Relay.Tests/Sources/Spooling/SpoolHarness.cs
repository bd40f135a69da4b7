using System.Text;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Sources.Spooling;
using Flume.Logging.Testing;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Relay.Tests.Sources.Spooling;

/// <summary>
/// A spool folder in a fresh temp directory, a memory channel that refuses at once when full, a manual clock,
/// and helpers to start sources on them and drain what arrives.
/// </summary>
internal sealed class SpoolHarness : IAsyncDisposable
{
    private readonly List<SpoolDirectorySource> _sources = [];

    /// <param name="capacity">The channel's capacity and transaction capacity.</param>
    /// <param name="keepAlive">How long a commit waits for room (real time); zero refuses at once.</param>
    public SpoolHarness(int capacity = 1000, TimeSpan? keepAlive = null)
    {
        Root = Directory.CreateTempSubdirectory("spooldir-test-").FullName;
        SpoolDir = Path.Combine(Root, "spool");
        Directory.CreateDirectory(SpoolDir);
        Channel = SourceTestChannel.Create(capacity, keepAlive ?? TimeSpan.Zero);
        Watched = new CommitCountingChannel(Channel);
        Processor = SourceTestChannel.ProcessorFor(Watched);
    }

    public string Root { get; }

    public string SpoolDir { get; }

    public MemoryChannel Channel { get; }

    /// <summary>The channel as the source sees it, counting commits begun.</summary>
    public CommitCountingChannel Watched { get; }

    public ChannelProcessor Processor { get; }

    public CountingTimeProvider Time { get; } = new();

    public CapturingLoggerFactory Logs { get; } = new();

    public SpoolDirectorySourceOptions Options(Action<SpoolDirectorySourceOptions>? configure = null)
    {
        var options = new SpoolDirectorySourceOptions { SpoolDir = SpoolDir };
        configure?.Invoke(options);
        return options;
    }

    public SpoolDirectorySource Create(SpoolDirectorySourceOptions options, Random? random = null)
    {
        var source = new SpoolDirectorySource("r1", options, Processor, Time, random ?? new Random(7), ((ILoggerFactory)Logs).CreateLogger<SpoolDirectorySource>());
        _sources.Add(source);
        return source;
    }

    public async Task<SpoolDirectorySource> StartAsync(Action<SpoolDirectorySourceOptions>? configure = null, Random? random = null)
    {
        var source = Create(Options(configure), random);
        await source.StartAsync(CancellationToken.None);
        return source;
    }

    /// <summary>Writes a file with the given last-write time (default: one per call, a second apart, oldest first).</summary>
    public string Write(string relativePath, string content, DateTime? lastWrite = null) =>
        WriteBytes(relativePath, Encoding.UTF8.GetBytes(content), lastWrite);

    public string WriteBytes(string relativePath, byte[] content, DateTime? lastWrite = null)
    {
        var path = Path.Combine(SpoolDir, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, content);
        File.SetLastWriteTimeUtc(path, lastWrite ?? new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(_written++));
        return path;
    }

    private int _written;

    /// <summary>Lines "name-0" .. "name-(count-1)", each ending with \n.</summary>
    public static string Lines(string name, int count)
    {
        var text = new StringBuilder();
        for (var i = 0; i < count; i++)
        {
            text.Append(name).Append('-').Append(i).Append('\n');
        }

        return text.ToString();
    }

    /// <summary>Takes every event now in the channel.</summary>
    public List<FlumeEvent> Drain() => SourceTestChannel.TakeAll(Channel, []);

    public static List<string> Bodies(IEnumerable<FlumeEvent> events) => events.Select(e => Encoding.UTF8.GetString(e.Body.Span)).ToList();

    /// <summary>Waits until <paramref name="condition"/> holds, moving the clock by the poll delay so idle scans happen.</summary>
    public Task UntilAsync(Func<bool> condition, string what) =>
        Eventually.TrueAdvancingAsync(Time, TimeSpan.FromMilliseconds(500), condition, what, TimeSpan.FromSeconds(20));

    /// <summary>
    /// Lets the source finish what it is doing and scan the folder once more: waits until it is idle on its poll delay
    /// (its one timer armed), moves the clock past that delay and waits until it is idle on a new one. Whatever the
    /// source would still pick up it has picked up by then, so a test can assert what it did not, without sleeping.
    /// </summary>
    public async Task PollAgainAsync()
    {
        await Eventually.TrueAsync(() => Time.ActiveTimerCount == 1, "the source idle on its poll delay");
        var created = Time.TimersCreated;
        Time.Advance(TimeSpan.FromSeconds(2));
        await Eventually.TrueAsync(() => Time.TimersCreated > created && Time.ActiveTimerCount == 1, "the source to scan again and idle");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var source in _sources)
        {
            await source.DisposeAsync();
        }

        TempFolder.Delete(Root);
    }
}
