using Flume.Logging.Protocol;
using Flume.Logging.Relay.Channels;

namespace Flume.Logging.Relay.Selectors;

/// <summary>
/// Chooses the channels each event goes to, Flume's <c>ChannelSelector</c>. A failed put to a required channel
/// fails the whole request (the client retries); a failed put to an optional channel is only logged.
/// </summary>
public interface IChannelSelector
{
    /// <summary>Every channel the source is bound to.</summary>
    IReadOnlyList<IChannel> AllChannels { get; }

    /// <summary>Channels the event must reach.</summary>
    IReadOnlyList<IChannel> GetRequiredChannels(FlumeEvent flumeEvent);

    /// <summary>Channels the event should reach if they can take it.</summary>
    IReadOnlyList<IChannel> GetOptionalChannels(FlumeEvent flumeEvent);
}
