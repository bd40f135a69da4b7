namespace Flume.Logging.Relay.Sinks;

/// <summary>
/// Drives one sink or a sink group (failover, load balancing), Flume's <c>SinkProcessor</c>. The sink runner calls
/// it in a loop; exceptions mean no sink could deliver and the runner backs off.
/// </summary>
public interface ISinkProcessor : ILifecycle
{
    /// <summary>The sinks this processor drives.</summary>
    IReadOnlyList<ISink> Sinks { get; }

    /// <summary>Runs one step of one sink.</summary>
    ValueTask<SinkStatus> ProcessAsync(CancellationToken cancellationToken);
}
