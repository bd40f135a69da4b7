using Flume.Logging.Protocol;
using Flume.Logging.Relay.Channels;

namespace Flume.Logging.Relay.Selectors;

/// <summary>Flume's default <c>replicating</c> selector: every event to every channel; <c>selector.optional</c> ones may fail.</summary>
internal sealed class ReplicatingChannelSelector : IChannelSelector
{
    private readonly IReadOnlyList<IChannel> _required;
    private readonly IReadOnlyList<IChannel> _optional;

    /// <param name="channels">The source's channels, in configuration order.</param>
    /// <param name="optionalNames">Names listed in <c>selector.optional</c>; each must be one of <paramref name="channels"/>.</param>
    public ReplicatingChannelSelector(IReadOnlyList<IChannel> channels, IReadOnlyCollection<string> optionalNames)
    {
        ArgumentNullException.ThrowIfNull(channels);
        ArgumentNullException.ThrowIfNull(optionalNames);
        AllChannels = channels;
        var required = new List<IChannel>();
        var optional = new List<IChannel>();
        foreach (var channel in channels)
        {
            (optionalNames.Contains(channel.Name) ? optional : required).Add(channel);
        }

        _required = required;
        _optional = optional;
    }

    public IReadOnlyList<IChannel> AllChannels { get; }

    public IReadOnlyList<IChannel> GetRequiredChannels(FlumeEvent flumeEvent) => _required;

    public IReadOnlyList<IChannel> GetOptionalChannels(FlumeEvent flumeEvent) => _optional;
}
