using System.Buffers.Binary;
using System.Text;

namespace Flume.Logging.FileChannel.Log;

/// <summary>
/// A snapshot of the channel: the queued pointers in order (events taken but not committed included, so they
/// come back after a crash), and for each data directory the log position from which a replay must continue.
/// Stored as one checksummed file, replaced atomically (write, fsync, rename), so a crash while checkpointing
/// leaves the previous checkpoint in place. A list rather than Flume's fixed-size map, so a changed capacity
/// never makes it unreadable.
/// </summary>
internal sealed record Checkpoint(long NextCommitSequence, long NextTransactionId, IReadOnlyDictionary<string, (int FileId, long Offset)> ReplayStarts, long[] Queue)
{
    public const string FileName = "checkpoint";

    private const uint Magic = 0x50434C46; // "FLCP"
    private const int Version = 1;

    /// <summary>Writes the checkpoint into <paramref name="directory"/>, replacing any earlier one only once complete.</summary>
    public void Write(string directory)
    {
        var temporary = Path.Combine(directory, FileName + ".tmp");
        using (var file = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        {
            var bytes = Serialize();
            file.Write(bytes);
            file.Flush(flushToDisk: true);
        }

        File.Move(temporary, Path.Combine(directory, FileName), overwrite: true);
    }

    /// <summary>Reads the checkpoint in <paramref name="directory"/>; null when absent; throws InvalidDataException when damaged.</summary>
    public static Checkpoint? Read(string directory)
    {
        var path = Path.Combine(directory, FileName);
        if (!File.Exists(path))
        {
            return null;
        }

        var data = File.ReadAllBytes(path);
        if (data.Length < 12 || BinaryPrimitives.ReadUInt32LittleEndian(data) != Magic)
        {
            throw new InvalidDataException($"{path} is not a checkpoint");
        }

        var body = data.AsSpan(0, data.Length - 4);
        if (Crc32C.Compute(body) != BinaryPrimitives.ReadUInt32LittleEndian(data.AsSpan(data.Length - 4)))
        {
            throw new InvalidDataException($"{path} fails its checksum");
        }

        var position = 4;
        var version = ReadInt32(body, ref position, path);
        if (version != Version)
        {
            throw new InvalidDataException($"{path} has unknown version {version}");
        }

        var nextSequence = ReadInt64(body, ref position, path);
        var nextTransaction = ReadInt64(body, ref position, path);
        var logs = ReadInt32(body, ref position, path);
        var starts = new Dictionary<string, (int, long)>(StringComparer.Ordinal);
        for (var i = 0; i < logs; i++)
        {
            var nameLength = ReadInt32(body, ref position, path);
            if (nameLength < 0 || nameLength > body.Length - position)
            {
                throw new InvalidDataException($"{path} names a log directory of impossible length {nameLength}");
            }

            var name = Encoding.UTF8.GetString(body.Slice(position, nameLength));
            position += nameLength;
            starts[name] = (ReadInt32(body, ref position, path), ReadInt64(body, ref position, path));
        }

        var count = ReadInt32(body, ref position, path);
        if (count < 0 || (long)count * 8 != body.Length - position)
        {
            throw new InvalidDataException($"{path} has an inconsistent queue length");
        }

        var queue = new long[count];
        for (var i = 0; i < count; i++)
        {
            queue[i] = BinaryPrimitives.ReadInt64LittleEndian(body[(position + (i * 8))..]);
        }

        return new Checkpoint(nextSequence, nextTransaction, starts, queue);
    }

    // A checksum that matches a body too short for its fields means a foreign or broken writer: damage all the same.
    private static int ReadInt32(ReadOnlySpan<byte> data, ref int position, string path)
    {
        EnsureLeft(data, position, 4, path);
        var value = BinaryPrimitives.ReadInt32LittleEndian(data[position..]);
        position += 4;
        return value;
    }

    private static long ReadInt64(ReadOnlySpan<byte> data, ref int position, string path)
    {
        EnsureLeft(data, position, 8, path);
        var value = BinaryPrimitives.ReadInt64LittleEndian(data[position..]);
        position += 8;
        return value;
    }

    private static void EnsureLeft(ReadOnlySpan<byte> data, int position, int length, string path)
    {
        if (data.Length - position < length)
        {
            throw new InvalidDataException($"{path} ends inside its fields");
        }
    }

    private byte[] Serialize()
    {
        var names = ReplayStarts.Keys.Select(Encoding.UTF8.GetBytes).ToArray();
        var size = 4 + 4 + 8 + 8 + 4 + names.Sum(n => 4 + n.Length + 4 + 8) + 4 + (Queue.Length * 8) + 4;
        var data = new byte[size];
        var span = data.AsSpan();
        var position = 0;
        BinaryPrimitives.WriteUInt32LittleEndian(span, Magic);
        position += 4;
        BinaryPrimitives.WriteInt32LittleEndian(span[position..], Version);
        position += 4;
        BinaryPrimitives.WriteInt64LittleEndian(span[position..], NextCommitSequence);
        position += 8;
        BinaryPrimitives.WriteInt64LittleEndian(span[position..], NextTransactionId);
        position += 8;
        BinaryPrimitives.WriteInt32LittleEndian(span[position..], ReplayStarts.Count);
        position += 4;
        var index = 0;
        foreach (var (_, (fileId, offset)) in ReplayStarts)
        {
            var name = names[index++];
            BinaryPrimitives.WriteInt32LittleEndian(span[position..], name.Length);
            position += 4;
            name.CopyTo(span[position..]);
            position += name.Length;
            BinaryPrimitives.WriteInt32LittleEndian(span[position..], fileId);
            position += 4;
            BinaryPrimitives.WriteInt64LittleEndian(span[position..], offset);
            position += 8;
        }

        BinaryPrimitives.WriteInt32LittleEndian(span[position..], Queue.Length);
        position += 4;
        foreach (var pointer in Queue)
        {
            BinaryPrimitives.WriteInt64LittleEndian(span[position..], pointer);
            position += 8;
        }

        BinaryPrimitives.WriteUInt32LittleEndian(span[position..], Crc32C.Compute(span[..position]));
        return data;
    }
}
