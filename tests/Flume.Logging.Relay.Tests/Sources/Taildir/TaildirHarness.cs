using System.Text;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Sources.Taildir;
using Flume.Logging.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace Flume.Logging.Relay.Tests.Sources.Taildir;

/// <summary>
/// A log folder in a fresh temp directory, a memory channel that refuses at once when full, a manual clock, and
/// helpers to start taildir sources on them and collect what arrives.
/// </summary>
internal sealed class TaildirHarness : IAsyncDisposable
{
    private readonly List<TaildirSource> _sources = [];
    private readonly List<FlumeEvent> _received = [];

    public TaildirHarness(int capacity = 10_000)
    {
        Root = Directory.CreateTempSubdirectory("taildir-test-").FullName;
        LogDir = Path.Combine(Root, "logs");
        Directory.CreateDirectory(LogDir);
        PositionFile = Path.Combine(Root, "state", "taildir_position.json");
        Channel = SourceTestChannel.Create(capacity, TimeSpan.Zero);
        Processor = SourceTestChannel.ProcessorFor(Channel);
    }

    public string Root { get; }

    public string LogDir { get; }

    public string PositionFile { get; }

    public MemoryChannel Channel { get; }

    public ChannelProcessor Processor { get; }

    public FakeTimeProvider Time { get; } = new();

    public CapturingLoggerFactory Logs { get; } = new();

    /// <summary>Options for one group <c>f1</c> matching <paramref name="pattern"/> in <see cref="LogDir"/>, polling every 100 ms of manual time.</summary>
    public TaildirSourceOptions Options(string pattern = @"app\.log.*", Action<TaildirSourceOptions>? configure = null, IReadOnlyDictionary<string, string>? headers = null)
    {
        var options = new TaildirSourceOptions
        {
            FileGroups = [new TaildirFileGroup("f1", Path.Combine(LogDir, pattern), headers ?? new Dictionary<string, string>())],
            PositionFile = PositionFile,
            BackoffSleepIncrement = TimeSpan.FromMilliseconds(100),
            MaxBackoffSleep = TimeSpan.FromMilliseconds(100),
        };
        configure?.Invoke(options);
        return options;
    }

    public TaildirSource Create(TaildirSourceOptions options)
    {
        var source = new TaildirSource("r1", options, Processor, Time, ((ILoggerFactory)Logs).CreateLogger<TaildirSource>());
        _sources.Add(source);
        return source;
    }

    public async Task<TaildirSource> StartAsync(TaildirSourceOptions? options = null)
    {
        var source = Create(options ?? Options());
        await source.StartAsync(CancellationToken.None);
        return source;
    }

    public string PathOf(string name) => Path.Combine(LogDir, name);

    public void Append(string name, string text) => File.AppendAllText(PathOf(name), text);

    /// <summary>Lines "name-from" .. "name-(from+count-1)", each ending with \n.</summary>
    public static string Lines(string name, int from, int count)
    {
        var text = new StringBuilder();
        for (var i = from; i < from + count; i++)
        {
            text.Append(name).Append('-').Append(i).Append('\n');
        }

        return text.ToString();
    }

    public static IEnumerable<string> Expected(string name, int from, int count) =>
        Enumerable.Range(from, count).Select(i => $"{name}-{i}");

    /// <summary>Every event received so far (taken from the channel as it arrives).</summary>
    public List<FlumeEvent> Received => SourceTestChannel.TakeAll(Channel, _received);

    public List<string> Bodies => Received.Select(e => Encoding.UTF8.GetString(e.Body.Span)).ToList();

    /// <summary>Waits until <paramref name="condition"/> holds, moving the clock by 100 ms per look so polls happen.</summary>
    public Task UntilAsync(Func<bool> condition, string what) =>
        Eventually.TrueAdvancingAsync(Time, TimeSpan.FromMilliseconds(100), condition, what, TimeSpan.FromSeconds(20));

    /// <summary>Waits until exactly <paramref name="expected"/> bodies have arrived, then checks them.</summary>
    public async Task ExpectAsync(IEnumerable<string> expected)
    {
        var list = expected.ToList();
        await UntilCountAsync(list.Count);
        Assert.Equal(list, Bodies);
    }

    /// <summary>Waits until <paramref name="count"/> events have arrived and a few more polls passed, so a duplicate would show.</summary>
    public async Task UntilCountAsync(int count)
    {
        await UntilAsync(() => Bodies.Count >= count, $"{count} lines (have {Bodies.Count})");
        for (var i = 0; i < 5; i++)
        {
            Time.Advance(TimeSpan.FromMilliseconds(100));
            await Task.Delay(20);
        }
    }

    /// <summary>The bodies starting with <paramref name="prefix"/>, in arrival order.</summary>
    public List<string> BodiesOf(string prefix) => Bodies.Where(b => b.StartsWith(prefix + "-", StringComparison.Ordinal)).ToList();

    public async ValueTask DisposeAsync()
    {
        foreach (var source in _sources)
        {
            await source.DisposeAsync();
        }

        TempFolder.Delete(Root);
    }
}
