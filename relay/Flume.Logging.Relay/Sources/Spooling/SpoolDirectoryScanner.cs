using System.Text.RegularExpressions;

namespace Flume.Logging.Relay.Sources.Spooling;

/// <summary>
/// Finds the next file to read: not hidden, not completed (by suffix or tracker marker), matching
/// <c>includePattern</c> and not <c>ignorePattern</c>, outside the tracker directory; in <c>consumeOrder</c>.
/// </summary>
internal sealed class SpoolDirectoryScanner
{
    private readonly string _spoolDir;
    private readonly SpoolTracker _tracker;
    private readonly SpoolDirectorySourceOptions _options;
    private readonly Regex _include;
    private readonly Regex _ignore;
    private readonly Random _random;
    private readonly List<FileInfo> _candidates = [];

    public SpoolDirectoryScanner(string spoolDir, SpoolTracker tracker, SpoolDirectorySourceOptions options, Random random)
    {
        _spoolDir = spoolDir;
        _tracker = tracker;
        _options = options;
        SpoolDirectorySourceOptions.TryCreatePattern(options.IncludePattern, out _include, out _);
        SpoolDirectorySourceOptions.TryCreatePattern(options.IgnorePattern, out _ignore, out _);
        _random = random;
    }

    /// <summary>The next file to read, or null when none waits; files in <paramref name="skipped"/> are passed over.</summary>
    /// <exception cref="IOException">The folder could not be listed.</exception>
    /// <exception cref="UnauthorizedAccessException">The folder could not be listed.</exception>
    public FileInfo? FindNext(IReadOnlySet<string> skipped)
    {
        _candidates.Clear();
        Collect(new DirectoryInfo(_spoolDir), skipped);
        if (_candidates.Count == 0)
        {
            return null;
        }

        if (_options.ConsumeOrder == SpoolConsumeOrder.Random)
        {
            var chosen = _candidates[_random.Next(_candidates.Count)];
            _candidates.Clear();
            return chosen;
        }

        var best = _candidates[0];
        for (var i = 1; i < _candidates.Count; i++)
        {
            if (IsBetter(_candidates[i], best))
            {
                best = _candidates[i];
            }
        }

        _candidates.Clear();
        return best;
    }

    /// <summary>Whether a file with this name is one the source reads at all.</summary>
    internal bool Accepts(string name) =>
        !name.StartsWith('.')
        && !name.EndsWith(_options.FileSuffix, StringComparison.Ordinal)
        && _include.IsMatch(name)
        && !_ignore.IsMatch(name);

    private bool IsBetter(FileInfo candidate, FileInfo best)
    {
        var byTime = candidate.LastWriteTimeUtc.CompareTo(best.LastWriteTimeUtc);
        if (byTime == 0)
        {
            return string.CompareOrdinal(candidate.FullName, best.FullName) < 0;
        }

        return _options.ConsumeOrder == SpoolConsumeOrder.Youngest ? byTime > 0 : byTime < 0;
    }

    private void Collect(DirectoryInfo directory, IReadOnlySet<string> skipped)
    {
        foreach (var entry in directory.EnumerateFileSystemInfos())
        {
            if (entry is DirectoryInfo subdirectory)
            {
                if (_options.RecursiveDirectorySearch && !subdirectory.Name.StartsWith('.')
                    && !string.Equals(subdirectory.FullName, _tracker.Directory, StringComparison.Ordinal))
                {
                    Collect(subdirectory, skipped);
                }
            }
            else if (entry is FileInfo file && Accepts(file.Name) && !skipped.Contains(file.FullName)
                && !(_options.DeletePolicy == SpoolDeletePolicy.Never && _options.TrackingPolicy == SpoolTrackingPolicy.TrackerDir
                     && _tracker.IsMarkedCompleted(Path.GetRelativePath(_spoolDir, file.FullName))))
            {
                _candidates.Add(file);
            }
        }
    }
}
