namespace Flume.Logging.Relay.Config;

/// <summary>
/// Flume 1.10+'s several configuration files (<c>--conf-file a.conf --conf-file b.conf</c>): each is read as a
/// properties file and merged over the ones before it, so a later file overrides or adds keys.
/// </summary>
public static class ConfigurationFiles
{
    /// <summary>
    /// Reads and merges <paramref name="paths"/> in order. A key keeps the place where it first appeared, with the
    /// value (and <c>file:line</c>) of the last file that sets it.
    /// </summary>
    /// <exception cref="ConfigurationException">A file has a malformed escape, naming its line.</exception>
    /// <exception cref="IOException">A file cannot be read.</exception>
    public static IReadOnlyList<PropertyEntry> Read(IReadOnlyList<string> paths)
    {
        ArgumentNullException.ThrowIfNull(paths);
        var files = new List<IReadOnlyList<PropertyEntry>>(paths.Count);
        foreach (var path in paths)
        {
            using var reader = Open(path);
            files.Add(PropertiesReader.Read(reader, path));
        }

        return Merge(files);
    }

    private static StreamReader Open(string path)
    {
        if (Directory.Exists(path))
        {
            // Opening a folder fails with "Access to the path is denied", which sends the user to its permissions.
            throw new IOException($"cannot read the configuration file {path}: it is a folder; name the properties file in it");
        }

        try
        {
            return new StreamReader(path, System.Text.Encoding.UTF8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            // The runtime's text ("Could not find file '...'") does not say which file it was meant to be.
            throw new IOException($"cannot read the configuration file {path}: {e.Message}", e);
        }
    }

    /// <summary>Merges already-read files in order, later ones overriding the keys of earlier ones.</summary>
    public static IReadOnlyList<PropertyEntry> Merge(IReadOnlyList<IReadOnlyList<PropertyEntry>> files)
    {
        ArgumentNullException.ThrowIfNull(files);
        if (files.Count == 1)
        {
            return files[0];
        }

        var merged = new List<PropertyEntry>();
        var indexByKey = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (var file in files)
        {
            foreach (var entry in file)
            {
                if (indexByKey.TryGetValue(entry.Key, out var index))
                {
                    merged[index] = entry;
                }
                else
                {
                    indexByKey[entry.Key] = merged.Count;
                    merged.Add(entry);
                }
            }
        }

        return merged;
    }
}
