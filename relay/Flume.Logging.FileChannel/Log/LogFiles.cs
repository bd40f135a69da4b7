using System.Globalization;

namespace Flume.Logging.FileChannel.Log;

/// <summary>Names of the log files in a data directory: <c>log-&lt;id&gt;</c>, ids unique across all directories.</summary>
internal static class LogFiles
{
    private const string Prefix = "log-";

    public static string PathOf(string directory, int fileId) =>
        Path.Combine(directory, Prefix + fileId.ToString(CultureInfo.InvariantCulture));

    /// <summary>The log files of <paramref name="directory"/>, oldest first.</summary>
    public static List<(int FileId, string Path)> List(string directory)
    {
        var files = new List<(int, string)>();
        foreach (var path in Directory.EnumerateFiles(directory, Prefix + "*"))
        {
            var name = Path.GetFileName(path);
            if (int.TryParse(name.AsSpan(Prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                files.Add((id, path));
            }
        }

        files.Sort((a, b) => a.Item1.CompareTo(b.Item1));
        return files;
    }
}
