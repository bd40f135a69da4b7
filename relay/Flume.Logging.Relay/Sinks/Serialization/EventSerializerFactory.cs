using System.Collections.Frozen;
using Flume.Logging.Relay.Config;

namespace Flume.Logging.Relay.Sinks.Serialization;

/// <summary>
/// The serializer a sink's configuration names (<c>serializer</c> for hdfs, <c>sink.serializer</c> for file_roll),
/// resolved and validated once, then making one serializer per file. Accepted, as in Flume: the aliases <c>text</c>
/// (the default), <c>header_and_text</c> and <c>avro_event</c> in any case; Flume's builder class names for them; and
/// the .NET type name of an <see cref="IEventSerializerBuilder"/> (Java's <c>Outer$Builder</c> spelling of a nested type
/// is accepted too).
/// </summary>
internal sealed class EventSerializerFactory
{
    /// <summary>Flume's default serializer.</summary>
    internal const string DefaultName = "TEXT";

    /// <summary>Flume's aliases and builder class names; aliases are matched in any case, as Flume's enum lookup does.</summary>
    private static readonly FrozenDictionary<string, Kind> Builtin = new Dictionary<string, Kind>
    {
        ["text"] = Kind.Text,
        ["org.apache.flume.serialization.BodyTextEventSerializer$Builder"] = Kind.Text,
        ["header_and_text"] = Kind.HeaderAndText,
        ["org.apache.flume.serialization.HeaderAndBodyTextEventSerializer$Builder"] = Kind.HeaderAndText,
        ["avro_event"] = Kind.AvroEvent,
        ["org.apache.flume.serialization.FlumeEventAvroEventSerializer$Builder"] = Kind.AvroEvent,
        ["org.apache.flume.sink.hdfs.AvroEventSerializer$Builder"] = Kind.Refused,
    }.ToFrozenDictionary(StringComparer.OrdinalIgnoreCase);

    private readonly Func<Stream, IEventSerializer> _create;

    private EventSerializerFactory(string name, Func<Stream, IEventSerializer> create)
    {
        Name = name;
        _create = create;
    }

    private enum Kind
    {
        Custom,
        Text,
        HeaderAndText,
        AvroEvent,
        Refused,
    }

    /// <summary>The serializer as configured, e.g. <c>avro_event</c>.</summary>
    public string Name { get; }

    /// <summary>The <c>text</c> serializer with Flume's defaults.</summary>
    public static EventSerializerFactory Text { get; } = new("text", output => new TextEventSerializer(output, withHeaders: false, appendNewline: true));

    /// <summary>
    /// Reads the serializer named by <paramref name="key"/> and its <c>key.*</c> subtree, and checks its settings now,
    /// so a bad value stops the agent at start, naming the key, rather than at the first file.
    /// </summary>
    public static EventSerializerFactory From(ComponentContext properties, string key)
    {
        ArgumentNullException.ThrowIfNull(properties);
        var name = properties.GetString(key, DefaultName).Trim();
        var settings = properties.GetSubContext(key + ".");
        Builtin.TryGetValue(name, out var kind);
        switch (kind)
        {
            case Kind.Text or Kind.HeaderAndText:
                var withHeaders = kind == Kind.HeaderAndText;
                var text = TextEventSerializerOptions.From(settings);
                return new EventSerializerFactory(name, output => new TextEventSerializer(output, withHeaders, text.AppendNewline));
            case Kind.AvroEvent:
                var avro = AvroEventSerializerOptions.From(settings);
                return new EventSerializerFactory(name, output => new AvroEventSerializer(output, avro));
            case Kind.Refused:
                throw properties.CreateError(key, $"'{name}' (bodies that are already Avro records of a schema from a header or URL) is not supported; use avro_event, text, header_and_text or a .NET {nameof(IEventSerializerBuilder)}");
            default:
                var builder = CreateCustom(properties, key, name);
                return new EventSerializerFactory(name, output => builder.Build(settings, output));
        }
    }

    /// <summary>A new serializer writing to <paramref name="output"/>.</summary>
    public IEventSerializer Create(Stream output)
    {
        ArgumentNullException.ThrowIfNull(output);
        return _create(output);
    }

    private static IEventSerializerBuilder CreateCustom(ComponentContext properties, string key, string name)
    {
        var typeName = name.Replace('$', '+');
        var type = Type.GetType(typeName, throwOnError: false)
            ?? AppDomain.CurrentDomain.GetAssemblies().Select(a => a.GetType(typeName, throwOnError: false)).FirstOrDefault(t => t is not null);
        if (type is null)
        {
            throw properties.CreateError(key, $"'{name}' is neither text, header_and_text nor avro_event, nor a .NET type that can be found (give an assembly-qualified name: Namespace.Type, Assembly)");
        }

        if (!typeof(IEventSerializerBuilder).IsAssignableFrom(type) || type.GetConstructor(Type.EmptyTypes) is null)
        {
            throw properties.CreateError(key, $"'{name}' must be a class implementing {typeof(IEventSerializerBuilder).FullName} with a public parameterless constructor");
        }

        return (IEventSerializerBuilder)Activator.CreateInstance(type)!;
    }
}
