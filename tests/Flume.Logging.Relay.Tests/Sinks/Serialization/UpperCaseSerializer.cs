using System.Text;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Config;
using Flume.Logging.Relay.Sinks.Serialization;

namespace Flume.Logging.Relay.Tests.Sinks.Serialization;

/// <summary>A custom serializer as a user would write one: bodies upper-cased, each after a configurable marker.</summary>
public sealed class UpperCaseSerializer(Stream output, string marker) : IEventSerializer
{
    public bool SupportsReopen => true;

    public void AfterCreate() => output.Write("BEGIN\n"u8);

    public void AfterReopen()
    {
    }

    public void Write(FlumeEvent flumeEvent)
    {
        ArgumentNullException.ThrowIfNull(flumeEvent);
        output.Write(Encoding.UTF8.GetBytes(marker + Encoding.UTF8.GetString(flumeEvent.Body.Span).ToUpperInvariant() + "\n"));
    }

    public void Flush() => output.Flush();

    public void BeforeClose() => output.Write("END\n"u8);

    /// <summary>Named as Flume names builders: <c>Outer$Builder</c>.</summary>
    public sealed class Builder : IEventSerializerBuilder
    {
        public IEventSerializer Build(ComponentContext context, Stream output)
        {
            ArgumentNullException.ThrowIfNull(context);
            return new UpperCaseSerializer(output, context.GetString("marker", "> "));
        }
    }
}
