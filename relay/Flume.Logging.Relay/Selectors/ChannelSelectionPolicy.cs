using System.ComponentModel;

namespace Flume.Logging.Relay.Selectors;

/// <summary>How the <c>load_balancing</c> selector picks each event's channel (<c>selector.policy</c>).</summary>
internal enum ChannelSelectionPolicy
{
    /// <summary>Each event goes to the next channel in turn (<c>round_robin</c>, the default).</summary>
    [Description("round_robin")]
    RoundRobin,

    /// <summary>Each event goes to a channel picked at random (<c>random</c>).</summary>
    Random,
}
