using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Interceptors;
using Flume.Logging.Relay.Selectors;
using Flume.Logging.Relay.Sinks;
using Flume.Logging.Relay.Sources;

namespace Flume.Logging.Relay.Agent;

/// <summary>
/// Maps the <c>type</c> of each configured component to a factory: Flume's aliases for the built-in ones
/// (<c>avro</c>, <c>memory</c>, <c>logger</c>, ...), or a .NET type name for custom components.
/// </summary>
public sealed class ComponentRegistry
{
    internal ComponentRegistry(IReadOnlyList<string> pluginDirectories)
    {
        var plugins = new PluginTypes(pluginDirectories);
        Sources = new("source", plugins);
        Channels = new("channel", plugins);
        Sinks = new("sink", plugins);
        Interceptors = new("interceptor", plugins);
        Selectors = new("channel selector", plugins);
        SinkProcessors = new("sink processor", plugins);
    }

    internal ComponentFactories<SourceBuildContext, ISource> Sources { get; }

    internal ComponentFactories<ChannelBuildContext, IChannel> Channels { get; }

    internal ComponentFactories<SinkBuildContext, ISink> Sinks { get; }

    internal ComponentFactories<InterceptorBuildContext, IInterceptor> Interceptors { get; }

    internal ComponentFactories<SelectorBuildContext, IChannelSelector> Selectors { get; }

    internal ComponentFactories<SinkProcessorBuildContext, ISinkProcessor> SinkProcessors { get; }

    /// <summary>
    /// The registry of every built-in component. Custom components are found by .NET type name, loaded from
    /// the relay's folder or from Flume-style plugin folders (<c>&lt;dir&gt;/&lt;plugin&gt;/lib/*.dll</c>).
    /// </summary>
    public static ComponentRegistry CreateDefault(IReadOnlyList<string>? pluginDirectories = null)
    {
        var registry = new ComponentRegistry(pluginDirectories ?? []);
        BuiltInComponents.Register(registry);
        return registry;
    }

    /// <summary>Registers (or replaces) a source factory under a type alias.</summary>
    public void AddSource(string alias, Func<SourceBuildContext, ISource> factory) => Sources.Add(alias, factory);

    /// <summary>Registers (or replaces) a channel factory under a type alias.</summary>
    public void AddChannel(string alias, Func<ChannelBuildContext, IChannel> factory) => Channels.Add(alias, factory);

    /// <summary>Registers (or replaces) a sink factory under a type alias.</summary>
    public void AddSink(string alias, Func<SinkBuildContext, ISink> factory) => Sinks.Add(alias, factory);

    /// <summary>Registers (or replaces) an interceptor factory under a type alias.</summary>
    public void AddInterceptor(string alias, Func<InterceptorBuildContext, IInterceptor> factory) => Interceptors.Add(alias, factory);

    /// <summary>Registers (or replaces) a channel selector factory under a <c>selector.type</c> alias.</summary>
    public void AddSelector(string alias, Func<SelectorBuildContext, IChannelSelector> factory) => Selectors.Add(alias, factory);

    /// <summary>Registers (or replaces) a sink processor factory under a <c>processor.type</c> alias.</summary>
    public void AddSinkProcessor(string alias, Func<SinkProcessorBuildContext, ISinkProcessor> factory) => SinkProcessors.Add(alias, factory);
}
