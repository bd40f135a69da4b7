namespace Flume.Logging.Relay.Config;

/// <summary>One key/value pair read from a properties file, with where it came from.</summary>
/// <param name="Key">The unescaped key, e.g. <c>a1.sources.r1.port</c>.</param>
/// <param name="Value">The unescaped value; trailing whitespace is kept as java.util.Properties keeps it.</param>
/// <param name="Source">The name of the file (or other origin) the entry was read from.</param>
/// <param name="Line">The 1-based line on which the entry's logical line starts.</param>
public sealed record PropertyEntry(string Key, string Value, string Source, int Line)
{
    /// <summary>The entry's origin as <c>source:line</c>, for messages.</summary>
    public string Location => $"{Source}:{Line}";
}
