using System.Text;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Channels;

namespace Flume.Logging.Relay.Tests.Channels;

/// <summary>Whole transactions against any channel, for the channel tests: put bodies, take up to a count.</summary>
internal static class ChannelTestOps
{
    public static string Text(FlumeEvent? e) => e is null ? "<none>" : Encoding.UTF8.GetString(e.Body.Span);

    public static async Task PutAsync(IChannel channel, params string[] bodies)
    {
        using var tx = channel.BeginTransaction();
        foreach (var body in bodies)
        {
            tx.Put(FlumeEvent.FromText(body));
        }

        await tx.CommitAsync(CancellationToken.None);
    }

    public static async Task PutAsync(IChannel channel, IEnumerable<FlumeEvent> events)
    {
        using var tx = channel.BeginTransaction();
        foreach (var flumeEvent in events)
        {
            tx.Put(flumeEvent);
        }

        await tx.CommitAsync(CancellationToken.None);
    }

    /// <summary>Takes up to <paramref name="count"/> events in an open transaction, leaving it to the caller to end.</summary>
    public static List<FlumeEvent> Take(IChannelTransaction transaction, int count)
    {
        var taken = new List<FlumeEvent>();
        while (taken.Count < count && transaction.Take() is { } flumeEvent)
        {
            taken.Add(flumeEvent);
        }

        return taken;
    }

    public static async Task<List<string>> TakeAllAsync(IChannel channel, int max = 100)
    {
        var taken = new List<string>();
        using var tx = channel.BeginTransaction();
        while (taken.Count < max && tx.Take() is { } e)
        {
            taken.Add(Text(e));
        }

        await tx.CommitAsync(CancellationToken.None);
        return taken;
    }
}
