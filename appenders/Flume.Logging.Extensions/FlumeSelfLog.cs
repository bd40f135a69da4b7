namespace Flume.Logging.Extensions;

/// <summary>The self-log chosen with <c>AddFlume(configure, selfLog)</c>, handed to the provider through the container.</summary>
internal sealed class FlumeSelfLog(Action<string> write)
{
    public Action<string> Write { get; } = write;
}
