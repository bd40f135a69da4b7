using Flume.Logging.Relay.Config;

namespace Flume.Logging.Relay.Sinks.Serialization;

/// <summary>The settings of the <c>text</c> and <c>header_and_text</c> serializers, read from the <c>serializer.*</c> subtree.</summary>
internal sealed record TextEventSerializerOptions
{
    /// <summary>Whether each event ends with a newline (<c>appendNewline</c>); true by default.</summary>
    public bool AppendNewline { get; init; } = true;

    /// <summary>Reads the options from the serializer's subtree; a bad value names the full key.</summary>
    public static TextEventSerializerOptions From(ComponentContext serializer)
    {
        ArgumentNullException.ThrowIfNull(serializer);
        return new TextEventSerializerOptions { AppendNewline = serializer.GetBoolean("appendNewline", true) };
    }
}
