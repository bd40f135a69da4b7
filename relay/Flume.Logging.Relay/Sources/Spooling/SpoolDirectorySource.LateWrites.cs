using Microsoft.Extensions.Logging;

namespace Flume.Logging.Relay.Sources.Spooling;

/// <summary>
/// A file its writer still had open looks finished while the writer pauses, so it can be completed early, and what the
/// writer adds after that is never read (Flume has the same blind spot). The last completed file is looked at once
/// more a moment later, so such a loss is at least reported.
/// </summary>
internal sealed partial class SpoolDirectorySource
{
    /// <summary>How long after completing a file it is looked at again.</summary>
    private static readonly TimeSpan LateWriteCheckDelay = TimeSpan.FromSeconds(1);

    private CompletedFile? _lastCompleted;

    /// <summary>Remembers a completed file that still exists under <paramref name="path"/> (not deleted), for <see cref="CheckLateWrites"/>.</summary>
    private void RememberCompleted(string? path, string original, long size) =>
        _lastCompleted = path is null ? null : new CompletedFile(path, original, size, _timeProvider.GetTimestamp());

    /// <summary>Once the delay has passed, reports the last completed file if it grew after it was completed.</summary>
    private void CheckLateWrites()
    {
        if (_lastCompleted is not { } completed || _timeProvider.GetElapsedTime(completed.Timestamp) < LateWriteCheckDelay)
        {
            return;
        }

        _lastCompleted = null;
        var file = new FileInfo(completed.Path);
        if (file.Exists && file.Length > completed.Size)
        {
            LogWrittenAfterCompletion(Name, completed.Original, completed.Path, completed.Size, file.Length, _spoolDir);
        }
    }

    private readonly record struct CompletedFile(string Path, string Original, long Size, long Timestamp);

    [LoggerMessage(Level = LogLevel.Error, Message = "spooldir source {Source}: {File} was still being written after it was completed: {Completed} grew from {Size} to {Length} bytes, and what was added is not sent. Write files elsewhere and move them into {Folder} once complete")]
    private partial void LogWrittenAfterCompletion(string source, string file, string completed, long size, long length, string folder);
}
