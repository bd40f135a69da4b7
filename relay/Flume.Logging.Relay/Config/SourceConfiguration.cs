namespace Flume.Logging.Relay.Config;

/// <summary>A source of an agent (<c>a1.sources.r1.*</c>), the channels it feeds, its selector and interceptors.</summary>
public sealed class SourceConfiguration : ComponentConfiguration
{
    /// <summary>Creates the configuration.</summary>
    /// <param name="name">The source's name as listed in <c>a1.sources</c>.</param>
    /// <param name="type">The trimmed <c>type</c> value, e.g. <c>netcat</c>.</param>
    /// <param name="context">Every property of the source's subtree.</param>
    /// <param name="channels">The channels the source feeds (its <c>channels</c> property), in order.</param>
    /// <param name="selector">The <c>selector.</c> subtree; its <c>type</c> is always set.</param>
    /// <param name="interceptors">The interceptor names (its <c>interceptors</c> property), in order.</param>
    /// <param name="interceptorsContext">The <c>interceptors.</c> subtree, e.g. <c>i1.type</c>.</param>
    public SourceConfiguration(
        string name,
        string type,
        ComponentContext context,
        IReadOnlyList<string> channels,
        ComponentContext selector,
        IReadOnlyList<string> interceptors,
        ComponentContext interceptorsContext)
        : base(name, type, context)
    {
        ArgumentNullException.ThrowIfNull(channels);
        ArgumentNullException.ThrowIfNull(selector);
        ArgumentNullException.ThrowIfNull(interceptors);
        ArgumentNullException.ThrowIfNull(interceptorsContext);
        Channels = [.. channels];
        Selector = selector;
        Interceptors = [.. interceptors];
        InterceptorsContext = interceptorsContext;
    }

    /// <summary>The channels the source feeds (its <c>channels</c> property), in order.</summary>
    public IReadOnlyList<string> Channels { get; }

    /// <summary>
    /// The <c>selector.</c> subtree (e.g. <c>type</c>, <c>header</c>, <c>mapping.CA</c>); <c>type</c> is the trimmed
    /// configured value, <c>replicating</c> when none was given.
    /// </summary>
    public ComponentContext Selector { get; }

    /// <summary>The interceptor names (its <c>interceptors</c> property), in order.</summary>
    public IReadOnlyList<string> Interceptors { get; }

    /// <summary>The <c>interceptors.</c> subtree, e.g. <c>i1.type</c>; use <c>GetSubContext("i1.")</c> per interceptor.</summary>
    public ComponentContext InterceptorsContext { get; }
}
