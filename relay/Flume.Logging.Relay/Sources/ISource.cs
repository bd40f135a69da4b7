namespace Flume.Logging.Relay.Sources;

/// <summary>
/// Brings events into the agent, Flume's <c>Source</c>. A source hands events to its
/// <see cref="Channels.ChannelProcessor"/> and acknowledges its client only after that returns.
/// </summary>
public interface ISource : ILifecycle
{
}
