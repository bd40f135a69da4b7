using Flume.Logging.Protocol;
using Flume.Logging.Relay.Channels;

namespace Flume.Logging.Relay.Tests.Sinks;

/// <summary>Fills a channel for a sink test, as a source would: one committed transaction per call.</summary>
internal static class ChannelPuts
{
    public static async Task PutAsync(this IChannel channel, params FlumeEvent[] events)
    {
        using var transaction = channel.BeginTransaction();
        foreach (var e in events)
        {
            transaction.Put(e);
        }

        await transaction.CommitAsync(CancellationToken.None);
    }

    public static Task PutTextAsync(this IChannel channel, params string[] lines) =>
        channel.PutAsync([.. lines.Select(line => FlumeEvent.FromText(line))]);
}
