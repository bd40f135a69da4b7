using System.Buffers;
using Microsoft.Win32.SafeHandles;

namespace Flume.Logging.FileChannel.Log;

/// <summary>
/// Reads a log file's records in order from an offset, and says how the file ends: cleanly (at the end of the
/// file, or where only the zeros the writer preallocates follow), in a torn last record (a crash while writing:
/// nothing valid follows), or in corruption (a bad record with valid ones after it, which no crash can produce).
/// </summary>
internal static class LogScanner
{
    private const int ChunkSize = 4 * 1024 * 1024;

    /// <summary>Receives each valid record: its type, transaction, payload and offset in the file.</summary>
    public delegate void RecordHandler(RecordType type, long txId, ReadOnlySpan<byte> payload, long offset);

    /// <summary>Scans <paramref name="path"/> from <paramref name="startOffset"/>, calling <paramref name="onRecord"/> for each record.</summary>
    public static ScanResult Scan(string path, long startOffset, RecordHandler onRecord)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
        var length = RandomAccess.GetLength(handle);
        var buffer = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            var offset = startOffset;
            var filled = 0;
            var bufferStart = offset;
            while (true)
            {
                var consumed = 0;
                while (true)
                {
                    var status = LogRecord.TryRead(buffer.AsSpan(consumed, filled - consumed), out var type, out var txId, out var payload, out var total);
                    if (status == OperationStatus.Done)
                    {
                        onRecord(type, txId, payload, bufferStart + consumed);
                        consumed += total;
                        continue;
                    }

                    if (status == OperationStatus.InvalidData)
                    {
                        return Bad(handle, length, bufferStart + consumed);
                    }

                    break;
                }

                offset = bufferStart + consumed;
                if (offset >= length)
                {
                    return new ScanResult(ScanEnd.Clean, length, -1);
                }

                // Keep the partial record, make room for the rest (growing for records larger than a chunk).
                var partial = filled - consumed;
                Buffer.BlockCopy(buffer, consumed, buffer, 0, partial);
                var needed = PartialRecordLength(buffer.AsSpan(0, partial));
                if (needed > buffer.Length)
                {
                    var larger = ArrayPool<byte>.Shared.Rent(needed);
                    Buffer.BlockCopy(buffer, 0, larger, 0, partial);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = RandomAccess.Read(handle, buffer.AsSpan(partial), offset + partial);
                if (read == 0)
                {
                    // The file ends inside a record (the tail of a write cut short by a crash), or in a few
                    // preallocated zeros.
                    return buffer.AsSpan(0, partial).ContainsAnyExcept((byte)0)
                        ? new ScanResult(ScanEnd.TornTail, offset, -1)
                        : new ScanResult(ScanEnd.Clean, offset, -1);
                }

                filled = partial + read;
                bufferStart = offset;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>The first offset after <paramref name="from"/> where a whole valid record starts, or -1.</summary>
    public static long FindNextValidRecord(SafeFileHandle handle, long length, long from)
    {
        Span<byte> magic = stackalloc byte[4];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt32LittleEndian(magic, LogRecord.Magic);
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            var chunkStart = from + 1;
            while (chunkStart < length)
            {
                var read = RandomAccess.Read(handle, chunk.AsSpan(0, ChunkSize), chunkStart);
                if (read < magic.Length)
                {
                    return -1;
                }

                var searched = 0;
                while (true)
                {
                    var hit = chunk.AsSpan(searched, read - searched).IndexOf(magic);
                    if (hit < 0)
                    {
                        break;
                    }

                    var candidate = chunkStart + searched + hit;
                    if (IsValidRecordAt(handle, length, candidate))
                    {
                        return candidate;
                    }

                    searched += hit + 1;
                }

                // Overlap by the magic's length so a magic split across chunks is still found.
                chunkStart += read - (magic.Length - 1);
            }

            return -1;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    private static bool IsValidRecordAt(SafeFileHandle handle, long length, long position)
    {
        Span<byte> header = stackalloc byte[LogRecord.HeaderSize];
        if (RandomAccess.Read(handle, header, position) < header.Length)
        {
            return false;
        }

        var total = PartialRecordLength(header);
        if (total <= 0 || position + total > length)
        {
            return false;
        }

        var record = ArrayPool<byte>.Shared.Rent(total);
        try
        {
            return RandomAccess.Read(handle, record.AsSpan(0, total), position) == total
                && LogRecord.TryRead(record.AsSpan(0, total), out _, out _, out _, out _) == OperationStatus.Done;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(record);
        }
    }

    private static ScanResult Bad(SafeFileHandle handle, long length, long offset)
    {
        if (IsZeroToEnd(handle, length, offset))
        {
            return new ScanResult(ScanEnd.Clean, offset, -1);
        }

        var next = FindNextValidRecord(handle, length, offset);
        return next < 0 ? new ScanResult(ScanEnd.TornTail, offset, -1) : new ScanResult(ScanEnd.Corrupt, offset, next);
    }

    /// <summary>Whether every byte from <paramref name="from"/> to the end is zero: space preallocated and never written.</summary>
    private static bool IsZeroToEnd(SafeFileHandle handle, long length, long from)
    {
        var chunk = ArrayPool<byte>.Shared.Rent(ChunkSize);
        try
        {
            for (var position = from; position < length;)
            {
                var read = RandomAccess.Read(handle, chunk.AsSpan(0, (int)Math.Min(ChunkSize, length - position)), position);
                if (read == 0)
                {
                    break;
                }

                if (chunk.AsSpan(0, read).ContainsAnyExcept((byte)0))
                {
                    return false;
                }

                position += read;
            }

            return true;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(chunk);
        }
    }

    /// <summary>The whole length of the record whose start is in <paramref name="partial"/>, or 0 when unknown yet.</summary>
    private static int PartialRecordLength(ReadOnlySpan<byte> partial)
    {
        if (partial.Length < 8)
        {
            return 0;
        }

        var bodyLength = System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(partial[4..]);
        return bodyLength > LogRecord.MaxBodyLength ? 0 : LogRecord.HeaderSize + (int)bodyLength;
    }
}

/// <summary>How a scanned file ended.</summary>
internal enum ScanEnd
{
    /// <summary>Every byte from the start offset belongs to a valid record.</summary>
    Clean,

    /// <summary>A partial or damaged last record with nothing valid after it: an interrupted write.</summary>
    TornTail,

    /// <summary>A damaged record with valid records after it.</summary>
    Corrupt,
}

/// <summary>The end of a scan: for <see cref="ScanEnd.TornTail"/> and <see cref="ScanEnd.Corrupt"/>, <paramref name="Offset"/> is where the bad bytes start.</summary>
internal readonly record struct ScanResult(ScanEnd End, long Offset, long NextValidOffset);
