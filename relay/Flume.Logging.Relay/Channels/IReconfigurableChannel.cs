using Flume.Logging.Relay.Config;

namespace Flume.Logging.Relay.Channels;

/// <summary>
/// A channel that takes new settings of its own type while it runs, keeping the events it holds, as Flume's reload
/// reconfigures a running memory channel instead of replacing it. A reload that changes only such a channel's
/// properties restarts neither the channel nor the sources and sinks wired to it.
/// </summary>
internal interface IReconfigurableChannel : IChannel
{
    /// <summary>
    /// True when the change from <paramref name="before"/> to <paramref name="after"/> (both of this channel's type)
    /// can be applied to the running channel; otherwise the reload replaces the channel.
    /// </summary>
    bool CanReconfigure(ComponentContext before, ComponentContext after);

    /// <summary>
    /// Reads and validates <paramref name="properties"/> (errors name the key, as a build's do) without applying them:
    /// the reload applies the result only once everything else it builds has been built.
    /// </summary>
    ChannelReconfiguration Prepare(ComponentContext properties);
}
