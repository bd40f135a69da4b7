using System.Globalization;
using System.Text;
using Flume.Logging.FileChannel.Log;

namespace Flume.Logging.FileChannel;

/// <summary>
/// Flume's File Channel Integrity Tool: verifies every record's checksum in a channel's log files and, on
/// request, repairs them. A corrupt region is overwritten by one filler record of exactly its length, so no
/// other record moves and the checkpoint's pointers stay valid; a torn last record is cut off. Needs the
/// channel's directories to itself (the relay must be stopped).
/// </summary>
public static class FileChannelIntegrity
{
    /// <summary>Checks (and with <paramref name="repair"/>, repairs) the channel described by <paramref name="options"/>.</summary>
    public static IntegrityReport Run(FileChannelOptions options, bool repair)
    {
        ArgumentNullException.ThrowIfNull(options);
        foreach (var directory in options.EffectiveDataDirs)
        {
            if (!Directory.Exists(directory))
            {
                throw new FileChannelException($"data directory {directory} does not exist");
            }
        }

        // A check creates nothing: a mistyped folder is reported, not made (with the checkpoint folder beside it).
        using var locks = DirectoryLocks.Acquire(null, options, create: false);
        var report = new IntegrityReport();
        foreach (var directory in options.EffectiveDataDirs)
        {
            foreach (var (_, path) in LogFiles.List(directory))
            {
                CheckFile(path, repair, report);
            }
        }

        CheckCheckpoint(options, report);
        return report;
    }

    private static void CheckFile(string path, bool repair, IntegrityReport report)
    {
        report.Files++;
        var offset = 0L;
        while (true)
        {
            var result = LogScanner.Scan(path, offset, (type, _, _, _) => report.Count(type));
            switch (result.End)
            {
                case ScanEnd.Clean:
                    return;
                case ScanEnd.TornTail:
                    report.Problems.Add(new IntegrityProblem(path, result.Offset, new FileInfo(path).Length - result.Offset, "torn last record", repair));
                    if (repair)
                    {
                        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite);
                        RandomAccess.SetLength(handle, result.Offset);
                        RandomAccess.FlushToDisk(handle);
                    }

                    return;
                case ScanEnd.Corrupt:
                    var length = result.NextValidOffset - result.Offset;
                    var fixable = length >= LogRecord.HeaderSize + LogRecord.BodyPrefix;
                    report.Problems.Add(new IntegrityProblem(path, result.Offset, length, "corrupt record(s), valid records follow", repair && fixable));
                    if (repair && fixable)
                    {
                        var filler = new byte[length];
                        LogRecord.WriteSkip(filler);
                        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite);
                        RandomAccess.Write(handle, filler, result.Offset);
                        RandomAccess.FlushToDisk(handle);
                    }

                    offset = result.NextValidOffset;
                    break;
            }
        }
    }

    private static void CheckCheckpoint(FileChannelOptions options, IntegrityReport report)
    {
        try
        {
            var checkpoint = Checkpoint.Read(options.CheckpointDir);
            report.Checkpoint = checkpoint is null ? "none (the next start replays every log file)" : $"valid, {checkpoint.Queue.Length} events queued";
        }
        catch (InvalidDataException e)
        {
            report.Checkpoint = $"unusable ({e.Message}); the next start replays every log file";
        }
    }
}

/// <summary>What an integrity check found.</summary>
public sealed class IntegrityReport
{
    /// <summary>Log files read.</summary>
    public int Files { get; internal set; }

    /// <summary>Valid records by kind.</summary>
    public long Puts { get; private set; }

    /// <summary>Valid TAKE records.</summary>
    public long Takes { get; private set; }

    /// <summary>Valid COMMIT records.</summary>
    public long Commits { get; private set; }

    /// <summary>Filler records left by earlier repairs.</summary>
    public long Skips { get; private set; }

    /// <summary>The checkpoint's state, in words.</summary>
    public string Checkpoint { get; internal set; } = "";

    /// <summary>Every damaged region found, repaired or not.</summary>
    public IList<IntegrityProblem> Problems { get; } = new List<IntegrityProblem>();

    /// <inheritdoc/>
    public override string ToString()
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"files: {Files}, records: {Puts} puts, {Takes} takes, {Commits} commits, {Skips} repaired regions\n");
        text.Append(CultureInfo.InvariantCulture, $"checkpoint: {Checkpoint}\n");
        foreach (var problem in Problems)
        {
            text.Append(CultureInfo.InvariantCulture, $"{problem}\n");
        }

        text.Append(Problems.Count == 0 ? "no damage found" : $"{Problems.Count} damaged regions");
        return text.ToString();
    }

    internal void Count(RecordType type)
    {
        switch (type)
        {
            case RecordType.Put:
                Puts++;
                break;
            case RecordType.Take:
                Takes++;
                break;
            case RecordType.Commit:
                Commits++;
                break;
            default:
                Skips++;
                break;
        }
    }
}

/// <summary>One damaged region of a log file.</summary>
/// <param name="Path">The log file.</param>
/// <param name="Offset">Where the damage starts.</param>
/// <param name="Length">How many bytes it spans.</param>
/// <param name="What">What kind of damage.</param>
/// <param name="Repaired">Whether this run repaired it.</param>
public sealed record IntegrityProblem(string Path, long Offset, long Length, string What, bool Repaired)
{
    /// <inheritdoc/>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"{Path} offset {Offset}, {Length} bytes: {What}{(Repaired ? " - repaired" : "")}");
}
