namespace Flume.Logging.Relay.Sources.Taildir;

/// <summary>
/// One file the <c>TAILDIR</c> source follows, known by its inode: the position committed so far, the name it had
/// when last seen, and (while open) a handle and the bytes read past the committed position.
/// </summary>
/// <remarks>
/// Lines are split as Flume's <c>TailFile</c> does: on <c>\n</c>, dropping a <c>\r</c> just before it; bytes are
/// passed through undecoded. A last line without <c>\n</c> is held back until it is completed, except when the file
/// is closed as idle, where Flume sends it as it is. Event bodies are slices of the read buffer, which is never
/// written over once a body may point into it: a full buffer is replaced, not reused, so there is no copy per line.
/// </remarks>
internal sealed class TailedFile : IDisposable
{
    /// <summary>Read size; below the large-object threshold so each buffer is an ordinary young allocation.</summary>
    internal const int BufferSize = 64 * 1024;

    /// <summary>How many of the last bytes read are kept to recognise the file when it grows again.</summary>
    private const int TailSize = 64;

    private FileStream? _stream;
    private byte[]? _buffer;

    /// <summary>Index in <see cref="_buffer"/> of the first byte not yet handed out as part of a line.</summary>
    private int _start;

    /// <summary>Index in <see cref="_buffer"/> just past the last byte read from the file.</summary>
    private int _end;

    /// <summary>Index from which to look for the next <c>\n</c>: bytes before it (from <see cref="_start"/>) hold none.</summary>
    private int _searchFrom;

    /// <summary>The last bytes read from the file (up to <see cref="TailSize"/>), which end at offset <see cref="_tailEnd"/>.</summary>
    private readonly byte[] _tail = new byte[TailSize];

    private int _tailLength;

    private long _tailEnd;

    public TailedFile(long inode, string path, TaildirFileGroup group, long pos, long lastUpdated)
    {
        Inode = inode;
        Path = path;
        Group = group;
        Pos = pos;
        ReadPos = pos;
        LastUpdated = lastUpdated;
    }

    /// <summary>The inode the file is followed by, across renames.</summary>
    public long Inode { get; }

    /// <summary>The absolute path the file had when last seen in its folder.</summary>
    public string Path { get; set; }

    /// <summary>The group whose pattern it last matched, which gives its headers.</summary>
    public TaildirFileGroup Group { get; set; }

    /// <summary>The offset just past the last line committed to the channel: what the position file records.</summary>
    public long Pos { get; private set; }

    /// <summary>The offset just past the last line read (committed or not).</summary>
    public long ReadPos { get; private set; }

    /// <summary>When lines were last committed, or the file was opened or found (a <see cref="TimeProvider"/> timestamp).</summary>
    public long LastUpdated { get; set; }

    /// <summary>The size the last folder scan saw, which says whether a closed file grew.</summary>
    public long LastSize { get; set; }

    /// <summary>The scan in which the file last matched a group's pattern.</summary>
    public int SeenInScan { get; set; }

    /// <summary>Whether a handle is open.</summary>
    public bool IsOpen => _stream is not null;

    /// <summary>The offset the next read from the handle lands at: past every byte read so far.</summary>
    private long StreamPos => ReadPos + (_end - _start);

    /// <summary>
    /// Opens the file at <see cref="Path"/> and positions it at <see cref="Pos"/>; false if the name now belongs to
    /// another inode (rotated between the folder scan and the open), in which case nothing is kept open.
    /// </summary>
    /// <exception cref="IOException">The file cannot be opened.</exception>
    /// <exception cref="UnauthorizedAccessException">The file may not be read.</exception>
    public bool Open()
    {
        var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0);
        if (FileStatus.InodeOf(stream.SafeFileHandle, Path) != Inode)
        {
            stream.Dispose();
            return false;
        }

        _stream = stream;
        Rewind();
        return true;
    }

    /// <summary>The file's size now, through the open handle (so it follows the inode, not the name).</summary>
    public long Length => _stream?.Length ?? 0;

    /// <summary>Whether the file shrank below what was read of it: truncated (copy-truncate rotation) or replaced in place.</summary>
    public bool IsTruncated => _stream is not null && _stream.Length < StreamPos;

    /// <summary>
    /// Whether the bytes last read from the file are no longer there: it was truncated and written past the old
    /// position between two looks (a copy-truncate rotation under a busy writer), or rewritten in place. Its size alone
    /// cannot tell that from a file that only grew. Checked only once the file has grown, with one read of at most
    /// <see cref="TailSize"/> bytes; a file that merely shrank is <see cref="IsTruncated"/>.
    /// </summary>
    /// <exception cref="IOException">Reading failed.</exception>
    public bool IsRewritten()
    {
        if (_stream is null || _tailLength == 0 || _stream.Length <= StreamPos || _stream.Length < _tailEnd)
        {
            return false;
        }

        Span<byte> now = stackalloc byte[TailSize];
        var read = RandomAccess.Read(_stream.SafeFileHandle, now[.._tailLength], _tailEnd - _tailLength);
        return !now[..read].SequenceEqual(_tail.AsSpan(0, _tailLength));
    }

    /// <summary>Forgets everything read since the last commit; the next read starts at <see cref="Pos"/> again.</summary>
    public void Rewind()
    {
        ReadPos = Pos;
        _buffer = null;
        _start = _end = _searchFrom = 0;
        if (_stream is not null)
        {
            _stream.Position = Pos;
        }
    }

    /// <summary>Starts over at offset <paramref name="pos"/> (0 after a truncation), dropping anything read.</summary>
    public void Reset(long pos)
    {
        Pos = pos;
        _tailLength = 0;
        Rewind();
    }

    /// <summary>Records every line read so far as committed.</summary>
    public void Commit() => Pos = ReadPos;

    /// <summary>
    /// Reads up to <paramref name="max"/> lines into <paramref name="lines"/> as (offset, body) pairs. A last line
    /// without <c>\n</c> is taken only when <paramref name="takePartialLine"/> is set.
    /// </summary>
    /// <exception cref="IOException">Reading failed.</exception>
    public int ReadLines(List<(long Offset, ReadOnlyMemory<byte> Body)> lines, int max, bool takePartialLine)
    {
        ArgumentNullException.ThrowIfNull(lines);
        var read = 0;
        while (read < max)
        {
            var newline = _buffer is null ? -1 : _buffer.AsSpan(_searchFrom, _end - _searchFrom).IndexOf((byte)'\n');
            if (newline >= 0)
            {
                var end = _searchFrom + newline;
                var length = end - _start;
                if (length > 0 && _buffer![end - 1] == (byte)'\r')
                {
                    length--;
                }

                lines.Add((ReadPos, new ReadOnlyMemory<byte>(_buffer, _start, length)));
                ReadPos += end + 1 - _start;
                _start = _searchFrom = end + 1;
                read++;
                continue;
            }

            _searchFrom = _end;
            if (Fill())
            {
                continue;
            }

            if (takePartialLine && _end > _start)
            {
                lines.Add((ReadPos, new ReadOnlyMemory<byte>(_buffer, _start, _end - _start)));
                ReadPos += _end - _start;
                _start = _searchFrom = _end;
                read++;
            }

            break;
        }

        return read;
    }

    /// <summary>Closes the handle (the position is kept, so the file can be re-opened when it grows).</summary>
    public void Close()
    {
        _stream?.Dispose();
        _stream = null;
        _buffer = null;
        _start = _end = _searchFrom = 0;
        ReadPos = Pos;
    }

    public void Dispose() => Close();

    /// <summary>Reads more bytes after those buffered; false at the end of the file.</summary>
    private bool Fill()
    {
        if (_stream is null)
        {
            return false;
        }

        if (_buffer is null || _end == _buffer.Length)
        {
            // Bytes before _start may back event bodies still in flight: copy the unfinished line to a fresh
            // buffer instead of moving it within this one. A line longer than a buffer doubles it.
            var pending = _end - _start;
            var fresh = GC.AllocateUninitializedArray<byte>(pending * 2 > BufferSize ? pending * 2 : BufferSize);
            if (pending > 0)
            {
                _buffer.AsSpan(_start, pending).CopyTo(fresh);
            }

            _searchFrom -= _start;
            _buffer = fresh;
            _start = 0;
            _end = pending;
        }

        var count = _stream.Read(_buffer, _end, _buffer.Length - _end);
        _end += count;
        if (count > 0)
        {
            _tailLength = Math.Min(TailSize, _end);
            _buffer.AsSpan(_end - _tailLength, _tailLength).CopyTo(_tail);
            _tailEnd = StreamPos;
        }

        return count > 0;
    }
}
