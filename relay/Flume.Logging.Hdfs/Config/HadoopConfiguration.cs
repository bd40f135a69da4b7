using System.Xml;
using System.Xml.Linq;

namespace Flume.Logging.Hdfs.Config;

/// <summary>
/// The properties of Hadoop's client configuration files (<c>core-site.xml</c> then <c>hdfs-site.xml</c>, later files
/// winning, as Hadoop loads them). Variable expansion (<c>${...}</c>) is not done: client addresses rarely use it.
/// </summary>
internal sealed class HadoopConfiguration
{
    private static readonly string[] ClientFiles = ["core-site.xml", "hdfs-site.xml"];
    private readonly Dictionary<string, string> _properties;

    public HadoopConfiguration(IReadOnlyDictionary<string, string> properties)
    {
        _properties = new Dictionary<string, string>(properties, StringComparer.Ordinal);
    }

    /// <summary>Reads the files under <paramref name="directory"/>; a missing file contributes nothing.</summary>
    public static HadoopConfiguration Load(string directory)
    {
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in ClientFiles)
        {
            var path = Path.Combine(directory, name);
            if (!File.Exists(path))
            {
                continue;
            }

            try
            {
                foreach (var property in XDocument.Load(path).Root?.Elements("property") ?? [])
                {
                    if (property.Element("name")?.Value.Trim() is { Length: > 0 } key)
                    {
                        properties[key] = property.Element("value")?.Value.Trim() ?? string.Empty;
                    }
                }
            }
            catch (XmlException e)
            {
                throw new InvalidDataException($"The Hadoop configuration file {path} is not valid XML: {e.Message}", e);
            }
        }

        return new HadoopConfiguration(properties);
    }

    /// <summary>
    /// Loads from the <c>HADOOP_CONF_DIR</c> environment variable's directory, or nothing when it is not set.
    /// </summary>
    public static HadoopConfiguration FromEnvironment() =>
        Environment.GetEnvironmentVariable("HADOOP_CONF_DIR") is { Length: > 0 } directory
            ? Load(directory)
            : new HadoopConfiguration(new Dictionary<string, string>());

    public string? Get(string key) => _properties.TryGetValue(key, out var value) && value.Length > 0 ? value : null;

    /// <summary>A comma-separated list, trimmed, empty entries dropped.</summary>
    public IReadOnlyList<string> GetList(string key) =>
        Get(key)?.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) ?? [];
}
