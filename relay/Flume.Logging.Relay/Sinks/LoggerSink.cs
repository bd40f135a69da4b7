using Flume.Logging.Protocol;
using Flume.Logging.Relay.Channels;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Relay.Sinks;

/// <summary>
/// Flume's <c>logger</c> sink: logs each event at Information in Flume's format, headers and a hex and text
/// preview of the first <c>maxBytesToLog</c> (default 16) body bytes. For testing and debugging flows.
/// </summary>
internal sealed partial class LoggerSink(string name, IChannel channel, int maxBytesToLog, ILogger<LoggerSink> logger)
    : BatchSink(name, channel, batchSize: 1)
{
    /// <summary>Flume's default <c>maxBytesToLog</c>.</summary>
    internal const int DefaultMaxBytesToLog = 16;

    protected override ValueTask DeliverAsync(IReadOnlyList<FlumeEvent> batch, CancellationToken cancellationToken)
    {
        for (var i = 0; i < batch.Count; i++)
        {
            LogEvent(new EventDump(batch[i], maxBytesToLog));
        }

        return ValueTask.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Event: {Event}")]
    private partial void LogEvent(EventDump @event);
}
