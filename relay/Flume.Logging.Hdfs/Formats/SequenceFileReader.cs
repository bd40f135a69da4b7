using System.Buffers.Binary;
using System.Text;

namespace Flume.Logging.Hdfs.Formats;

/// <summary>
/// Reads a Hadoop SequenceFile (versions 4 to 6) written by anyone, following the format's description rather than
/// our writer: the header (<c>SEQ</c>, version, key and value class names as Hadoop Text strings, the compression
/// flags, the codec class name, metadata from version 6, the sync marker); then records (record length, key length,
/// key, value; an entry of length -1 is a sync marker, checked against the header's) or, block-compressed, blocks
/// (sync entry, record count, then key lengths, keys, value lengths and values, each compressed behind a
/// variable-length size). The stream ending cleanly between records ends the file; anything else wrong is an
/// <see cref="InvalidDataException"/>. The stream is not closed.
/// </summary>
internal sealed class SequenceFileReader
{
    /// <summary>No string, metadata entry or record of the files read here comes near this; a bigger length is corruption.</summary>
    private const int MaxLength = 256 * 1024 * 1024;

    private readonly Stream _input;
    private readonly byte[] _sync = new byte[16];
    private readonly Queue<SequenceFileRecord> _block = new();

    /// <summary>Reads the header.</summary>
    /// <exception cref="InvalidDataException">The stream is not a SequenceFile this reader knows.</exception>
    public SequenceFileReader(Stream input)
    {
        ArgumentNullException.ThrowIfNull(input);
        _input = input;
        Guard(ReadHeader);
    }

    /// <summary>The format version (6 for Hadoop 2 and 3).</summary>
    public int Version { get; private set; }

    /// <summary>The key class, e.g. <c>org.apache.hadoop.io.LongWritable</c>.</summary>
    public string KeyClassName { get; private set; } = "";

    /// <summary>The value class, e.g. <c>org.apache.hadoop.io.BytesWritable</c>.</summary>
    public string ValueClassName { get; private set; } = "";

    /// <summary>How the records are compressed.</summary>
    public SequenceFileCompression Compression { get; private set; }

    /// <summary>The codec of compressed files; null when uncompressed.</summary>
    public HadoopCodec? Codec { get; private set; }

    /// <summary>The metadata pairs, in file order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Metadata { get; private set; } = [];

    /// <summary>The file's sync marker.</summary>
    public ReadOnlySpan<byte> SyncMarker => _sync;

    /// <summary>How many sync entries were met so far (block-compressed: one per block).</summary>
    public int SyncEntriesSeen { get; private set; }

    /// <summary>The next record, or false at the end of the file.</summary>
    /// <exception cref="InvalidDataException">The file is corrupt or cut inside a record.</exception>
    public bool TryRead(out SequenceFileRecord record)
    {
        var found = Guard(() => Compression == SequenceFileCompression.Block ? NextFromBlock() : NextRecord());
        record = found ?? default;
        return found is not null;
    }

    /// <summary>A LongWritable key's value.</summary>
    public static long LongKey(SequenceFileRecord record) =>
        record.Key.Length == 8 ? BinaryPrimitives.ReadInt64BigEndian(record.Key) : throw new InvalidDataException($"A LongWritable key has {record.Key.Length} bytes, not 8.");

    /// <summary>The bytes a BytesWritable or Text value holds, after its length.</summary>
    public byte[] ValueBytes(SequenceFileRecord record)
    {
        using var value = new MemoryStream(record.Value, writable: false);
        var length = ValueClassName switch
        {
            SequenceFileWriter.BytesWritable => ReadInt(value),
            SequenceFileWriter.Text => HadoopVarInt.ReadLength(value, "A Text value's length"),
            _ => throw new InvalidDataException($"Values of {ValueClassName} are not bytes this reader knows."),
        };
        return length == record.Value.Length - value.Position
            ? record.Value[(int)value.Position..]
            : throw new InvalidDataException($"A {ValueClassName} value claims {length} bytes but holds {record.Value.Length - value.Position}.");
    }

    private static T Guard<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (EndOfStreamException e)
        {
            throw new InvalidDataException("The file is cut short: " + e.Message, e);
        }
    }

    private static void Guard(Action read) => Guard(() =>
    {
        read();
        return 0;
    });

    private void ReadHeader()
    {
        var magic = ReadExactly(4);
        if (magic[0] != 'S' || magic[1] != 'E' || magic[2] != 'Q')
        {
            throw new InvalidDataException("Not a SequenceFile: it does not start with SEQ.");
        }

        Version = magic[3];
        if (Version is < 4 or > 6)
        {
            throw new InvalidDataException($"SequenceFile version {Version} is not supported (4 to 6 are).");
        }

        KeyClassName = ReadText();
        ValueClassName = ReadText();
        var compressed = ReadBoolean();
        var blockCompressed = ReadBoolean();
        Compression = !compressed ? SequenceFileCompression.None
            : blockCompressed ? SequenceFileCompression.Block
            : SequenceFileCompression.Record;
        if (compressed)
        {
            // Version 4 files name no codec: they used DefaultCodec.
            var codecName = Version >= 5 ? ReadText() : HadoopCodecs.Default.ClassName;
            Codec = HadoopCodecs.FindByClassName(codecName) ?? throw new InvalidDataException($"The file's codec {codecName} is not one this reader has.");
        }
        else if (blockCompressed)
        {
            throw new InvalidDataException("The header says block-compressed but not compressed.");
        }

        if (Version >= 6)
        {
            var count = ReadInt(_input);
            if (count is < 0 or > 1024 * 1024)
            {
                throw new InvalidDataException($"The header claims {count} metadata entries.");
            }

            var metadata = new List<KeyValuePair<string, string>>();
            for (var i = 0; i < count; i++)
            {
                metadata.Add(KeyValuePair.Create(ReadText(), ReadText()));
            }

            Metadata = metadata;
        }

        _input.ReadExactly(_sync);
    }

    private SequenceFileRecord? NextRecord()
    {
        if (!TryReadInt(out var length))
        {
            return null;
        }

        if (length == -1)
        {
            CheckSync();
            if (!TryReadInt(out length))
            {
                return null;
            }
        }

        var keyLength = ReadInt(_input);
        if (length is < 0 or > MaxLength || keyLength < 0 || keyLength > length)
        {
            throw new InvalidDataException($"A record claims {length} bytes with a key of {keyLength}.");
        }

        var key = ReadExactly(keyLength);
        var value = ReadExactly(length - keyLength);
        return new SequenceFileRecord(key, Compression == SequenceFileCompression.Record ? Decompress(value) : value);
    }

    private SequenceFileRecord? NextFromBlock()
    {
        if (_block.Count == 0 && !ReadBlock())
        {
            return null;
        }

        return _block.Dequeue();
    }

    private bool ReadBlock()
    {
        if (!TryReadInt(out var escape))
        {
            return false;
        }

        if (escape != -1)
        {
            throw new InvalidDataException($"A block starts with {escape} where its sync entry (-1) belongs.");
        }

        CheckSync();
        var count = HadoopVarInt.ReadLength(_input, "A block's record count");
        using var keyLengths = new MemoryStream(Decompress(ReadCompressedBuffer()), writable: false);
        using var keys = new MemoryStream(Decompress(ReadCompressedBuffer()), writable: false);
        using var valueLengths = new MemoryStream(Decompress(ReadCompressedBuffer()), writable: false);
        using var values = new MemoryStream(Decompress(ReadCompressedBuffer()), writable: false);
        for (var i = 0; i < count; i++)
        {
            var key = Slice(keys, HadoopVarInt.ReadLength(keyLengths, "A key length"));
            var value = Slice(values, HadoopVarInt.ReadLength(valueLengths, "A value length"));
            _block.Enqueue(new SequenceFileRecord(key, value));
        }

        if (keys.Position != keys.Length || values.Position != values.Length || keyLengths.Position != keyLengths.Length || valueLengths.Position != valueLengths.Length)
        {
            throw new InvalidDataException($"A block of {count} records holds more keys or values than that.");
        }

        return true;
    }

    private byte[] ReadCompressedBuffer() => ReadExactly(Checked(HadoopVarInt.ReadLength(_input, "A compressed buffer's size")));

    private static byte[] Slice(MemoryStream buffer, int length)
    {
        if (length > buffer.Length - buffer.Position)
        {
            throw new InvalidDataException($"A block's lengths claim {length} bytes more than its data holds.");
        }

        var bytes = new byte[length];
        buffer.ReadExactly(bytes);
        return bytes;
    }

    private byte[] Decompress(byte[] compressed)
    {
        using var input = Codec!.CreateInput(new MemoryStream(compressed, writable: false));
        using var output = new MemoryStream();
        input.CopyTo(output);
        return output.ToArray();
    }

    private void CheckSync()
    {
        Span<byte> seen = stackalloc byte[16];
        _input.ReadExactly(seen);
        if (!seen.SequenceEqual(_sync))
        {
            throw new InvalidDataException("A sync entry does not carry the file's sync marker.");
        }

        SyncEntriesSeen++;
    }

    private string ReadText()
    {
        var length = Checked(HadoopVarInt.ReadLength(_input, "A string's length"));
        return Encoding.UTF8.GetString(ReadExactly(length));
    }

    private bool ReadBoolean() => _input.ReadByte() switch
    {
        0 => false,
        1 => true,
        -1 => throw new EndOfStreamException("The header ends inside its flags."),
        var other => throw new InvalidDataException($"A header flag is {other}, neither 0 nor 1."),
    };

    /// <summary>Reads a 4-byte big-endian int; false only when the stream ends before its first byte.</summary>
    private bool TryReadInt(out int value)
    {
        Span<byte> bytes = stackalloc byte[4];
        var first = _input.ReadByte();
        if (first < 0)
        {
            value = 0;
            return false;
        }

        bytes[0] = (byte)first;
        _input.ReadExactly(bytes[1..]);
        value = BinaryPrimitives.ReadInt32BigEndian(bytes);
        return true;
    }

    private static int ReadInt(Stream stream)
    {
        Span<byte> bytes = stackalloc byte[4];
        stream.ReadExactly(bytes);
        return BinaryPrimitives.ReadInt32BigEndian(bytes);
    }

    /// <summary>
    /// Reads <paramref name="length"/> bytes; large ones in steps, so a corrupt length costs memory only for bytes
    /// that are really there.
    /// </summary>
    private byte[] ReadExactly(int length)
    {
        if (Checked(length) <= 1024 * 1024)
        {
            var bytes = new byte[length];
            _input.ReadExactly(bytes);
            return bytes;
        }

        using var collected = new MemoryStream();
        var step = new byte[1024 * 1024];
        for (var left = length; left > 0; left -= step.Length)
        {
            var part = step.AsSpan(0, Math.Min(left, step.Length));
            _input.ReadExactly(part);
            collected.Write(part);
        }

        return collected.ToArray();
    }

    private static int Checked(int length) =>
        length <= MaxLength ? length : throw new InvalidDataException($"A length of {length} bytes is beyond any this reader accepts.");
}
