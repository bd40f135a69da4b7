using System.Text.RegularExpressions;
using Flume.Logging.Relay.Sources.Spooling;

namespace Flume.Logging.Relay.Sources.Taildir;

/// <summary>
/// One <c>filegroups.&lt;name&gt;</c> of the <c>TAILDIR</c> source: a folder and a regular expression that a file's
/// whole name must match (Java's <c>Matcher.matches()</c>), with the <c>headers.&lt;name&gt;.*</c> its events carry.
/// </summary>
internal sealed class TaildirFileGroup
{
    /// <summary>Creates a group from the absolute <paramref name="path"/> Flume's property holds (folder + name regex).</summary>
    public TaildirFileGroup(string name, string path, IReadOnlyDictionary<string, string> headers)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        Name = name;
        Path = path;
        Directory = System.IO.Path.GetDirectoryName(path) ?? "";
        FileNamePattern = System.IO.Path.GetFileName(path);
        Headers = headers;
    }

    /// <summary>The group's name in <c>filegroups</c>.</summary>
    public string Name { get; }

    /// <summary>The property's value as written: the folder followed by the name pattern.</summary>
    public string Path { get; }

    /// <summary>The folder whose files are matched (the regex applies to names only, as in Flume).</summary>
    public string Directory { get; }

    /// <summary>The regular expression a file name must match as a whole.</summary>
    public string FileNamePattern { get; }

    /// <summary>The <c>headers.&lt;group&gt;.&lt;key&gt;</c> values added to every event of this group.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>The compiled name pattern; null (with <paramref name="error"/>) when it is not a valid regex.</summary>
    public Regex? TryCompile(out string error) =>
        SpoolDirectorySourceOptions.TryCreatePattern(FileNamePattern, out var regex, out error) ? regex : null;
}
