using System.Globalization;
using System.Text;

namespace Flume.Logging.Relay.Sources.Spooling;

/// <summary>
/// The tracker directory: the committed position of the file being read, written atomically after every
/// commit (temp file, fsync, rename) so a crash resumes after the last recorded batch; and, under
/// <c>trackingPolicy = tracker_dir</c>, one empty marker per completed file.
/// </summary>
internal sealed class SpoolTracker
{
    private const string PositionFileName = "spooldir.position";
    private const string Version = "spooldir-position-1";

    private readonly string _positionFile;
    private readonly string _temporaryFile;
    private readonly string _fileSuffix;

    public SpoolTracker(string directory, string fileSuffix)
    {
        Directory = directory;
        _fileSuffix = fileSuffix;
        _positionFile = Path.Combine(directory, PositionFileName);
        _temporaryFile = _positionFile + ".tmp";
    }

    /// <summary>The tracker directory's full path.</summary>
    public string Directory { get; }

    /// <summary>Creates the directory if needed.</summary>
    public void Create() => System.IO.Directory.CreateDirectory(Directory);

    /// <summary>The recorded position, or null when there is none; throws <see cref="InvalidDataException"/> when it is unreadable.</summary>
    public SpoolPosition? ReadPosition()
    {
        if (!File.Exists(_positionFile))
        {
            return null;
        }

        var lines = File.ReadAllLines(_positionFile, Encoding.UTF8);
        if (lines.Length < 5 || lines[0] != Version
            || !long.TryParse(lines[1], NumberStyles.None, CultureInfo.InvariantCulture, out var offset)
            || !long.TryParse(lines[2], NumberStyles.None, CultureInfo.InvariantCulture, out var size)
            || !long.TryParse(lines[3], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
            || lines[4].Length == 0)
        {
            throw new InvalidDataException($"position file {_positionFile} is not in the expected format");
        }

        return new SpoolPosition(lines[4], size, ticks, offset);
    }

    /// <summary>Replaces the recorded position, durably, in one atomic step.</summary>
    public void WritePosition(SpoolPosition position)
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"{Version}\n{position.Offset}\n{position.Size}\n{position.LastWriteTicks}\n{position.Path}\n");
        using (var stream = new FileStream(_temporaryFile, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stream.Write(Encoding.UTF8.GetBytes(text));
            stream.Flush(flushToDisk: true);
        }

        File.Move(_temporaryFile, _positionFile, overwrite: true);
    }

    /// <summary>Forgets the position once its file is completed.</summary>
    public void ClearPosition() => File.Delete(_positionFile);

    /// <summary>Whether the file at <paramref name="relativePath"/> (relative to the spool folder) has a completion marker.</summary>
    public bool IsMarkedCompleted(string relativePath) => File.Exists(MarkerPath(relativePath));

    /// <summary>Creates the completion marker of the file at <paramref name="relativePath"/>.</summary>
    public void MarkCompleted(string relativePath)
    {
        var marker = MarkerPath(relativePath);
        System.IO.Directory.CreateDirectory(Path.GetDirectoryName(marker)!);
        using var stream = new FileStream(marker, FileMode.Create, FileAccess.Write, FileShare.None);
        stream.Flush(flushToDisk: true);
    }

    private string MarkerPath(string relativePath) => Path.Combine(Directory, relativePath + _fileSuffix);
}
