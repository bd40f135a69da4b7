using System.Text.RegularExpressions;

namespace Flume.Logging.Relay.Sources.Taildir;

/// <summary>
/// Lists the files of one group's folder whose names match its pattern, oldest modification first, as Flume's
/// <c>TaildirMatcher</c> does. With <c>cachePatternMatching</c> the folder is listed again only when its
/// modification time moved, or when the last listing may have raced a change within the same second.
/// </summary>
/// <remarks>
/// The cache check compares the folder's modification time with the wall clock of the last listing, both file-system
/// times, so it reads the real clock rather than the source's injectable <see cref="TimeProvider"/>.
/// </remarks>
internal sealed class TaildirMatcher
{
    /// <summary>File systems with whole-second times may show no change for a second after one.</summary>
    private static readonly TimeSpan TimeGranularity = TimeSpan.FromSeconds(1);

    private readonly Regex _pattern;
    private readonly bool _cache;
    private readonly List<Match> _matches = [];
    private DateTime _seenFolderTime = DateTime.MinValue;
    private DateTime _listedAt = DateTime.MinValue;
    private bool _listed;

    public TaildirMatcher(TaildirFileGroup group, bool cachePatternMatching)
    {
        ArgumentNullException.ThrowIfNull(group);
        Group = group;
        _pattern = group.TryCompile(out var error) ?? throw new ArgumentException(error, nameof(group));
        _cache = cachePatternMatching;
    }

    public TaildirFileGroup Group { get; }

    /// <summary>
    /// The matching files with their status now, oldest modification first (ties by name); files that vanish
    /// between listing and examining are left out.
    /// </summary>
    /// <exception cref="IOException">The folder cannot be listed or a file cannot be examined.</exception>
    public IReadOnlyList<Match> List()
    {
        var folderTime = Directory.GetLastWriteTimeUtc(Group.Directory);
        if (!_cache || !_listed || folderTime != _seenFolderTime || folderTime + TimeGranularity >= _listedAt)
        {
            var now = DateTime.UtcNow;
            ListFolder();
            _listedAt = now;
            _seenFolderTime = folderTime;
            _listed = true;
            return _matches;
        }

        // The names are cached; their inode and size are not, since those change without touching the folder.
        for (var i = _matches.Count - 1; i >= 0; i--)
        {
            if (FileStatus.TryGet(_matches[i].Path) is { } status)
            {
                _matches[i] = _matches[i] with { Status = status };
            }
            else
            {
                _matches.RemoveAt(i);
            }
        }

        return _matches;
    }

    private void ListFolder()
    {
        _matches.Clear();
        foreach (var path in Directory.EnumerateFiles(Group.Directory))
        {
            if (_pattern.IsMatch(System.IO.Path.GetFileName(path)) && FileStatus.TryGet(path) is { } status)
            {
                _matches.Add(new Match(path, status));
            }
        }

        _matches.Sort(static (a, b) =>
        {
            var byTime = a.Status.MtimeSeconds.CompareTo(b.Status.MtimeSeconds);
            return byTime != 0 ? byTime : string.CompareOrdinal(a.Path, b.Path);
        });
    }

    /// <summary>A matching file's path and status.</summary>
    internal readonly record struct Match(string Path, FileStatus.Status Status);
}
