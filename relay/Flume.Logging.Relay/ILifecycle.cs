namespace Flume.Logging.Relay;

/// <summary>
/// A component with Flume's lifecycle. Start and stop each run once; stop honours its token as a deadline and
/// drains what it can before returning.
/// </summary>
public interface ILifecycle
{
    /// <summary>The component's name in the configuration, e.g. <c>r1</c>.</summary>
    string Name { get; }

    /// <summary>Starts the component; throws when it cannot (for example a port in use), naming the cause.</summary>
    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>Stops the component, finishing work in flight until <paramref name="cancellationToken"/> fires.</summary>
    Task StopAsync(CancellationToken cancellationToken);
}
