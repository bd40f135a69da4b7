using Flume.Logging.Protocol;

namespace Flume.Logging.Relay.Cli.Tools;

/// <summary>
/// The events <c>relay load</c> sends, built once and sent again and again: a full batch, and the shorter last batch
/// when the event count is not a multiple of the batch size. Events are immutable, so every connection shares them.
/// </summary>
internal sealed class LoadBatches
{
    private const string Printable = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    private LoadBatches(IReadOnlyList<FlumeEvent> full, IReadOnlyList<FlumeEvent> last)
    {
        Full = full;
        Last = last;
    }

    /// <summary>A batch of the configured size.</summary>
    public IReadOnlyList<FlumeEvent> Full { get; }

    /// <summary>The final, shorter batch; the same as <see cref="Full"/> when there is none.</summary>
    public IReadOnlyList<FlumeEvent> Last { get; }

    /// <summary>
    /// Builds <paramref name="batchSize"/> events of <paramref name="bodySize"/> printable bytes (so a logger sink
    /// shows them readably) and <paramref name="headers"/> headers each, and the last batch of
    /// <paramref name="lastSize"/> of them.
    /// </summary>
    public static LoadBatches Create(int batchSize, int bodySize, int headers, int lastSize)
    {
        var bodies = new byte[batchSize * bodySize];
        for (var i = 0; i < bodies.Length; i++)
        {
            bodies[i] = (byte)Printable[i % Printable.Length];
        }

        var events = new FlumeEvent[batchSize];
        for (var i = 0; i < batchSize; i++)
        {
            var map = new Dictionary<string, string>(headers, StringComparer.Ordinal);
            for (var h = 0; h < headers; h++)
            {
                map[$"h{h}"] = $"v{h}";
            }

            events[i] = new FlumeEvent(map, bodies.AsMemory(i * bodySize, bodySize));
        }

        IReadOnlyList<FlumeEvent> last = lastSize == batchSize ? events : new ArraySegment<FlumeEvent>(events, 0, lastSize);
        return new LoadBatches(events, last);
    }
}
