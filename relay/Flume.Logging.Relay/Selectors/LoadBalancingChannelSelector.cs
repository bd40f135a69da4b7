using Flume.Logging.Protocol;
using Flume.Logging.Relay.Agent;
using Flume.Logging.Relay.Channels;

namespace Flume.Logging.Relay.Selectors;

/// <summary>
/// Flume's <c>load_balancing</c> selector (1.10+): each event is required on exactly one of the source's channels,
/// picked in turn or at random (<c>selector.policy</c>), so several channels and their sinks share the flow.
/// </summary>
internal sealed class LoadBalancingChannelSelector : IChannelSelector
{
    /// <summary>Flume's class name, accepted as <c>selector.type</c> too.</summary>
    public const string FlumeClass = "org.apache.flume.channel.LoadBalancingChannelSelector";

    private readonly IReadOnlyList<IChannel>[] _single;
    private readonly ChannelSelectionPolicy _policy;
    private readonly Random _random;
    private long _next = -1;

    /// <param name="channels">The source's channels, in configuration order; at least one.</param>
    /// <param name="policy">How each event's channel is picked.</param>
    /// <param name="random">Where <see cref="ChannelSelectionPolicy.Random"/> picks from; thread-safe (e.g. <see cref="Random.Shared"/>).</param>
    public LoadBalancingChannelSelector(IReadOnlyList<IChannel> channels, ChannelSelectionPolicy policy, Random random)
    {
        ArgumentNullException.ThrowIfNull(channels);
        ArgumentNullException.ThrowIfNull(random);
        ArgumentOutOfRangeException.ThrowIfZero(channels.Count);
        AllChannels = channels;

        // One list per channel, made once: picking allocates nothing per event.
        _single = [.. channels.Select(c => (IReadOnlyList<IChannel>)[c])];
        _policy = policy;
        _random = random;
    }

    public IReadOnlyList<IChannel> AllChannels { get; }

    /// <summary>Builds the selector from <c>selector.policy</c> (<c>round_robin</c> by default, or <c>random</c>).</summary>
    public static LoadBalancingChannelSelector Create(SelectorBuildContext context, Random random)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new LoadBalancingChannelSelector(context.Channels, context.Properties.GetEnum("policy", ChannelSelectionPolicy.RoundRobin), random);
    }

    public IReadOnlyList<IChannel> GetRequiredChannels(FlumeEvent flumeEvent)
    {
        var index = _policy == ChannelSelectionPolicy.Random
            ? _random.Next(_single.Length)
            : (int)((ulong)Interlocked.Increment(ref _next) % (ulong)_single.Length);
        return _single[index];
    }

    public IReadOnlyList<IChannel> GetOptionalChannels(FlumeEvent flumeEvent) => [];
}
