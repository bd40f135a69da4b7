namespace Flume.Logging.Relay.Config;

/// <summary>A source, channel or sink of an agent: its name, its (unresolved) type and its properties.</summary>
public abstract class ComponentConfiguration
{
    /// <summary>Creates the configuration.</summary>
    /// <param name="name">The component's name as listed, e.g. <c>r1</c>.</param>
    /// <param name="type">The trimmed <c>type</c> value, e.g. <c>avro</c>; resolved by the engine's registry.</param>
    /// <param name="context">Every property of the component's subtree, <c>type</c> included.</param>
    protected ComponentConfiguration(string name, string type, ComponentContext context)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        ArgumentNullException.ThrowIfNull(context);
        Name = name;
        Type = type;
        Context = context;
    }

    /// <summary>The component's name as listed, e.g. <c>r1</c>.</summary>
    public string Name { get; }

    /// <summary>The trimmed <c>type</c> value, e.g. <c>avro</c> or a class-like name; not resolved here.</summary>
    public string Type { get; }

    /// <summary>Every property of the component's subtree (e.g. <c>a1.sources.r1.</c>), <c>type</c> included.</summary>
    public ComponentContext Context { get; }
}
