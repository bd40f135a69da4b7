using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Config;
using Flume.Logging.Relay.Sinks;

namespace Flume.Logging.Relay.Agent;

/// <summary>Everything needed to build a channel: its name, its properties subtree and the agent's services.</summary>
public sealed record ChannelBuildContext(string Name, ComponentContext Properties, ComponentServices Services);

/// <summary>Everything needed to build a source, including the processor it hands events to.</summary>
public sealed record SourceBuildContext(string Name, ComponentContext Properties, ChannelProcessor ChannelProcessor, ComponentServices Services);

/// <summary>Everything needed to build a sink, including the channel it drains.</summary>
public sealed record SinkBuildContext(string Name, ComponentContext Properties, IChannel Channel, ComponentServices Services);

/// <summary>Everything needed to build an interceptor from its <c>interceptors.&lt;name&gt;.</c> subtree.</summary>
public sealed record InterceptorBuildContext(string Name, ComponentContext Properties, ComponentServices Services);

/// <summary>Everything needed to build a channel selector from a source's <c>selector.</c> subtree.</summary>
public sealed record SelectorBuildContext(string SourceName, ComponentContext Properties, IReadOnlyList<IChannel> Channels, ComponentServices Services);

/// <summary>Everything needed to build a sink group's processor from its <c>processor.</c> subtree.</summary>
public sealed record SinkProcessorBuildContext(string GroupName, ComponentContext Properties, IReadOnlyList<ISink> Sinks, ComponentServices Services);
