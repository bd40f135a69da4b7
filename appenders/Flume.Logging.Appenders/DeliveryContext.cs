using Flume.Logging.Rpc;

namespace Flume.Logging.Appenders;

/// <summary>
/// Who a delivery core works for and where it reports: the front end's kind and name (the tags of its metrics), its
/// internal log, the listener of dropped events, and the clock, randomness and RPC client factory tests replace.
/// </summary>
internal sealed class DeliveryContext
{
    /// <summary>The front end: <c>log4net</c>, <c>nlog</c>, <c>serilog</c> or <c>mel</c>. Default: <c>appender</c>.</summary>
    public string Kind { get; init; } = "appender";

    /// <summary>The appender's name in its framework's configuration (NLog target name, log4net appender name). Default: the kind.</summary>
    public string? Name { get; init; }

    /// <summary>Where delivery problems and drops are reported (the framework's internal log); exceptions from it are swallowed. Default: nowhere.</summary>
    public Action<string>? SelfLog { get; init; }

    /// <summary>
    /// Called with the <see cref="FlumeLogRecord.Source"/> objects of dropped records (those that have one) and the
    /// reason, so a framework can hand its own events to a fallback. Called on the thread that dropped them: the
    /// logging thread for an overflow, the delivery loop otherwise. Default: none.
    /// </summary>
    public Action<IReadOnlyList<object>, string>? DropListener { get; init; }

    /// <summary>Clock for batching, backoff and shutdown deadlines. Default: <see cref="TimeProvider.System"/>.</summary>
    public TimeProvider? TimeProvider { get; init; }

    /// <summary>Builds the RPC client from the options' client settings. Default: the real client.</summary>
    public Func<RpcClientOptions, IRpcClient>? ClientFactory { get; init; }
}
