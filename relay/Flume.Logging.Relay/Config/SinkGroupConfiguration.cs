namespace Flume.Logging.Relay.Config;

/// <summary>A sink group (<c>a1.sinkgroups.g1.*</c>): its sinks and its sink processor's settings.</summary>
public sealed class SinkGroupConfiguration
{
    /// <summary>Creates the configuration.</summary>
    /// <param name="name">The group's name as listed in <c>a1.sinkgroups</c>.</param>
    /// <param name="sinks">The group's sinks (its <c>sinks</c> property), in order.</param>
    /// <param name="processor">The <c>processor.</c> subtree; its <c>type</c> is always set.</param>
    public SinkGroupConfiguration(string name, IReadOnlyList<string> sinks, ComponentContext processor)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(sinks);
        ArgumentNullException.ThrowIfNull(processor);
        Name = name;
        Sinks = [.. sinks];
        Processor = processor;
    }

    /// <summary>The group's name as listed in <c>a1.sinkgroups</c>.</summary>
    public string Name { get; }

    /// <summary>The group's sinks (its <c>sinks</c> property), in order.</summary>
    public IReadOnlyList<string> Sinks { get; }

    /// <summary>
    /// The <c>processor.</c> subtree (e.g. <c>type</c>, <c>priority.k1</c>, <c>backoff</c>); <c>type</c> is the trimmed
    /// configured value, <c>default</c> when none was given.
    /// </summary>
    public ComponentContext Processor { get; }
}
