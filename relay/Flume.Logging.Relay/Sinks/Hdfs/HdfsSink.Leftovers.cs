using Microsoft.Extensions.Logging;

namespace Flume.Logging.Relay.Sinks.Hdfs;

/// <summary>Recovery of the files a crash left under their in-use names.</summary>
internal sealed partial class HdfsSink
{
    /// <summary>
    /// Finds the files under the path's fixed directory (and below it when the path has escapes) that carry this
    /// sink's in-use affixes and file prefix, and queues each for lease recovery and its rename to the final name.
    /// Runs before the sink's first write, so none of them is a file this run opened. Nothing is found when the
    /// files are written under their final names (no in-use prefix, and an empty or ignored in-use suffix).
    /// </summary>
    private async Task RecoverLeftoversAsync(CancellationToken cancellationToken)
    {
        var names = _options.FileNames;
        var inUseSuffix = names.EmptyInUseSuffix ? "" : names.InUseSuffix;
        if (names.InUsePrefix.Length == 0 && inUseSuffix.Length == 0)
        {
            return;
        }

        var escape = names.FilePrefix.IndexOf('%', StringComparison.Ordinal);
        var fixedPrefix = names.InUsePrefix + (escape < 0 ? names.FilePrefix + "." : names.FilePrefix[..escape]);
        var files = await _fileSystem!.ListFilesAsync(_options.Path.FixedDirectory, _options.Path.HasEscapes, cancellationToken);
        var found = 0;
        foreach (var path in files)
        {
            var slash = path.LastIndexOf('/');
            var name = path[(slash + 1)..];
            if (name.Length <= fixedPrefix.Length + inUseSuffix.Length
                || !name.StartsWith(fixedPrefix, StringComparison.Ordinal)
                || !name.EndsWith(inUseSuffix, StringComparison.Ordinal))
            {
                continue;
            }

            var final = string.Concat(path.AsSpan(0, slash + 1), name.AsSpan(names.InUsePrefix.Length, name.Length - names.InUsePrefix.Length - inUseSuffix.Length));
            _pending.Add(new PendingFile(new HdfsFileName(path, final), NeedsRecovery: true, Attempts: 0, DueTimestamp: _time.GetTimestamp()));
            found++;
        }

        if (found > 0)
        {
            LogLeftovers(Name, found, _options.Path.FixedDirectory);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "hdfs sink {Sink} found {Count} files a previous run left in use under {Directory}; recovering their leases and renaming them")]
    private partial void LogLeftovers(string sink, int count, string directory);
}
