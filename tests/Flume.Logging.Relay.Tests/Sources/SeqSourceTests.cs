using System.Globalization;
using System.Text;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Sources;
using Flume.Logging.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flume.Logging.Relay.Tests.Sources;

public sealed class SeqSourceTests
{
    [Fact]
    public async Task Generates_totalEvents_numbers_in_order_in_batches_then_goes_idle()
    {
        var channel = SourceTestChannel.Create(capacity: 1000, keepAlive: TimeSpan.Zero);
        await using var source = new SeqSource("r1", new SeqSourceOptions { BatchSize = 100, TotalEvents = 250 },
            SourceTestChannel.ProcessorFor(channel), TimeProvider.System, NullLogger<SeqSource>.Instance);
        await source.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => source.Sent == 250, "all 250 events sent");
        await source.StopAsync(CancellationToken.None);

        var bodies = Bodies(SourceTestChannel.TakeAll(channel, []));
        Assert.Equal(Enumerable.Range(0, 250).Select(i => i.ToString(CultureInfo.InvariantCulture)), bodies);
        Assert.Equal(3, source.Counter.AppendBatchAcceptedCount);
    }

    [Fact]
    public async Task Stop_while_the_full_channel_refuses_batches_ends_the_retrying_source_and_nothing_is_sent_twice()
    {
        var channel = SourceTestChannel.Create(capacity: 100, keepAlive: TimeSpan.Zero);
        await using var source = new SeqSource("r1", new SeqSourceOptions { BatchSize = 100 },
            SourceTestChannel.ProcessorFor(channel), TimeProvider.System, NullLogger<SeqSource>.Instance);
        await source.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => source.Counter.ChannelWriteFail > 0, "the second batch refused");

        // Stop cancels the pause between retries (200 ms, growing) and the loop with it.
        await source.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(10)).Token);

        Assert.Equal(100, source.Sent);
        Assert.Equal(Enumerable.Range(0, 100).Select(i => i.ToString(CultureInfo.InvariantCulture)), Bodies(SourceTestChannel.TakeAll(channel, [])));
    }

    private static List<string> Bodies(List<FlumeEvent> events) => events.ConvertAll(e => Encoding.ASCII.GetString(e.Body.Span));
}
