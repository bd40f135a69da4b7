using System.ComponentModel;

namespace Flume.Logging.Relay.Sinks.Processors;

/// <summary>How the <c>load_balance</c> processor orders its sinks for each step (<c>processor.selector</c>).</summary>
internal enum SinkSelection
{
    /// <summary>Each step starts one sink further along (<c>round_robin</c>, the default).</summary>
    [Description("round_robin")]
    RoundRobin,

    /// <summary>Each step tries the sinks in a fresh random order (<c>random</c>).</summary>
    Random,
}
