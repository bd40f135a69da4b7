namespace Flume.Logging.Rpc;

/// <summary>How a load-balancing client orders hosts, Flume SDK's <c>host-selector</c>.</summary>
public enum HostSelectorKind
{
    /// <summary><c>round_robin</c> (the default).</summary>
    RoundRobin,

    /// <summary><c>random</c>.</summary>
    Random,
}
