using Flume.Logging.Relay.Config;

namespace Flume.Logging.Relay.Sinks.Serialization;

/// <summary>
/// Makes a custom serializer, named in the configuration by its .NET type name (<c>serializer = My.Namespace.MyBuilder,
/// MyAssembly</c>), as Flume's <c>serializer = com.example.MySerializer$Builder</c>. The type needs a public
/// parameterless constructor; one instance is made when the configuration is read, and <see cref="Build"/> is called
/// per file.
/// </summary>
public interface IEventSerializerBuilder
{
    /// <summary>Creates a serializer writing to <paramref name="output"/>.</summary>
    /// <param name="context">The <c>serializer.*</c> properties, keyed without that prefix.</param>
    /// <param name="output">The file's stream; the serializer must not close it.</param>
    IEventSerializer Build(ComponentContext context, Stream output);
}
