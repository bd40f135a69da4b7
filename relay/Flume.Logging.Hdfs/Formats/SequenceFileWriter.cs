using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Flume.Logging.Hdfs.Formats;

/// <summary>
/// Writes a Hadoop SequenceFile (version 6, as Hadoop 2 and 3 write it) of <c>LongWritable</c> keys and
/// <c>BytesWritable</c> or <c>Text</c> values, the files Flume's HDFS sink makes (key = the event's timestamp).
/// <list type="bullet">
/// <item>Header: <c>SEQ</c>, 6, the key and value class names, the compressed and block-compressed flags, the
/// codec's class name when compressed, empty metadata, and a random 16-byte sync marker.</item>
/// <item>None and Record: per record, its length, the key's length, the key and the value (compressed alone under
/// Record); a sync entry (-1 and the marker) goes before the first record that starts
/// <see cref="SyncInterval"/> bytes or more after the last one.</item>
/// <item>Block: records gather until keys and values reach the block size; a block is a sync entry, the record count
/// and the four compressed buffers (key lengths, keys, value lengths, values), each behind its length.</item>
/// </list>
/// <see cref="Hflush"/> is Flume's per-batch <c>sync()</c>: the writer's sync point (a sync entry; under Block the
/// buffered block itself), then a flush, so everything appended so far is a complete, readable prefix of the file.
/// The stream is not closed by <see cref="Dispose"/>, which writes any buffered block.
/// </summary>
internal sealed class SequenceFileWriter : IDisposable
{
    /// <summary>Hadoop 3's <c>SYNC_INTERVAL</c>: 100 KiB (5 KiB times the 20-byte sync entry).</summary>
    public const int SyncInterval = 5 * 1024 * 20;

    /// <summary>Hadoop's default <c>io.seqfile.compress.blocksize</c>: a block is written once its keys and values reach 1,000,000 bytes.</summary>
    public const int DefaultBlockSize = 1_000_000;

    /// <summary>The key class of Flume's SequenceFiles.</summary>
    public const string LongWritable = "org.apache.hadoop.io.LongWritable";

    /// <summary>The value class of Flume's <c>Writable</c> format.</summary>
    public const string BytesWritable = "org.apache.hadoop.io.BytesWritable";

    /// <summary>The value class of Flume's <c>Text</c> format.</summary>
    public const string Text = "org.apache.hadoop.io.Text";

    /// <summary>The sync marker's length.</summary>
    public const int SyncSize = 16;

    private const int SyncEscape = -1;

    private readonly Stream _output;
    private readonly SequenceFileValueType _valueType;
    private readonly SequenceFileCompression _compression;
    private readonly int _syncInterval;
    private readonly int _blockSize;
    private readonly byte[] _sync;
    private readonly byte[] _scratch = new byte[32];
    private readonly MemoryStream? _compressed;
    private readonly HadoopCompressionStream? _compressor;
    private readonly ArrayBufferWriter<byte>? _keyLengths;
    private readonly ArrayBufferWriter<byte>? _keys;
    private readonly ArrayBufferWriter<byte>? _valueLengths;
    private readonly ArrayBufferWriter<byte>? _values;
    private long _position;
    private long _lastSyncPosition;
    private int _bufferedRecords;
    private bool _disposed;

    /// <param name="output">Where the file goes, from its first byte.</param>
    /// <param name="valueType">The value class.</param>
    /// <param name="compression">The compression type; None needs no codec, the others need one.</param>
    /// <param name="codec">The codec of Record and Block compression.</param>
    /// <param name="syncInterval">Bytes between sync entries under None and Record; Hadoop's default by default.</param>
    /// <param name="blockSize">Bytes of keys and values that end a block under Block; Hadoop's default by default.</param>
    /// <param name="syncMarker">The 16-byte sync marker; random by default, as Hadoop's is (tests fix it).</param>
    public SequenceFileWriter(
        Stream output,
        SequenceFileValueType valueType,
        SequenceFileCompression compression = SequenceFileCompression.None,
        HadoopCodec? codec = null,
        int syncInterval = SyncInterval,
        int blockSize = DefaultBlockSize,
        byte[]? syncMarker = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        if (compression != SequenceFileCompression.None && codec is null)
        {
            throw new ArgumentException($"{compression} compression needs a codec.", nameof(codec));
        }

        if (syncMarker is not null && syncMarker.Length != SyncSize)
        {
            throw new ArgumentException($"The sync marker must be {SyncSize} bytes.", nameof(syncMarker));
        }

        _output = output;
        _valueType = valueType;
        _compression = compression;
        _syncInterval = syncInterval;
        _blockSize = blockSize;
        _sync = syncMarker ?? RandomNumberGenerator.GetBytes(SyncSize);
        if (codec is not null && compression != SequenceFileCompression.None)
        {
            _compressed = new MemoryStream();
            _compressor = codec.CreateOutput(_compressed);
        }

        if (compression == SequenceFileCompression.Block)
        {
            _keyLengths = new ArrayBufferWriter<byte>();
            _keys = new ArrayBufferWriter<byte>();
            _valueLengths = new ArrayBufferWriter<byte>();
            _values = new ArrayBufferWriter<byte>();
        }

        WriteHeader(codec);
    }

    /// <summary>Bytes written to the stream so far (a buffered block not included).</summary>
    public long Length => _position;

    /// <summary>Appends a record: <paramref name="key"/> as a LongWritable and <paramref name="value"/> as the value class.</summary>
    public void Append(long key, ReadOnlySpan<byte> value)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        switch (_compression)
        {
            case SequenceFileCompression.None:
                AppendPlain(key, value);
                break;
            case SequenceFileCompression.Record:
                AppendRecordCompressed(key, value);
                break;
            default:
                AppendToBlock(key, value);
                break;
        }
    }

    /// <summary>
    /// Makes everything appended so far a complete, readable prefix and flushes it, as Flume's per-batch
    /// <c>writer.sync()</c> then <c>hflush</c>: under None and Record a sync entry (unless one was just written),
    /// under Block the buffered block.
    /// </summary>
    public void Hflush()
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        SyncPoint();
        _output.Flush();
    }

    /// <summary>Writes any buffered block and flushes; the stream stays open.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        if (_compression == SequenceFileCompression.Block)
        {
            SyncPoint();
        }

        _output.Flush();
        _disposed = true;
        _compressor?.Dispose();
        _compressed?.Dispose();
    }

    private void WriteHeader(HadoopCodec? codec)
    {
        Put("SEQ"u8);
        Put([6]);
        PutString(LongWritable);
        PutString(_valueType == SequenceFileValueType.Text ? Text : BytesWritable);
        Put([(byte)(_compression != SequenceFileCompression.None ? 1 : 0), (byte)(_compression == SequenceFileCompression.Block ? 1 : 0)]);
        if (_compression != SequenceFileCompression.None)
        {
            PutString(codec!.ClassName);
        }

        PutInt(0);
        Put(_sync);
        _output.Flush();
    }

    private void AppendPlain(long key, ReadOnlySpan<byte> value)
    {
        var prefixLength = ValuePrefix(value.Length, _scratch.AsSpan(16));
        CheckAndWriteSync();
        PutInt(8 + prefixLength + value.Length);
        PutInt(8);
        PutLong(key);
        Put(_scratch.AsSpan(16, prefixLength));
        Put(value);
    }

    private void AppendRecordCompressed(long key, ReadOnlySpan<byte> value)
    {
        var prefixLength = ValuePrefix(value.Length, _scratch.AsSpan(16));
        var compressed = Compress(_scratch.AsSpan(16, prefixLength), value);
        CheckAndWriteSync();
        PutInt(8 + compressed.Length);
        PutInt(8);
        PutLong(key);
        Put(compressed);
    }

    private void AppendToBlock(long key, ReadOnlySpan<byte> value)
    {
        BinaryPrimitives.WriteInt64BigEndian(_keys!.GetSpan(8), key);
        _keys.Advance(8);
        PutVarInt(_keyLengths!, 8);

        var prefixLength = ValuePrefix(value.Length, _values!.GetSpan(HadoopVarInt.MaxLength));
        _values.Advance(prefixLength);
        _values.Write(value);
        PutVarInt(_valueLengths!, prefixLength + value.Length);

        _bufferedRecords++;
        if (_keys.WrittenCount + _values.WrittenCount >= _blockSize)
        {
            SyncPoint();
        }
    }

    /// <summary>Hadoop's <c>sync()</c>: a sync entry under None and Record; the buffered block, behind one, under Block.</summary>
    private void SyncPoint()
    {
        if (_compression != SequenceFileCompression.Block)
        {
            WriteSyncEntry();
            return;
        }

        if (_bufferedRecords == 0)
        {
            return;
        }

        WriteSyncEntry();
        var count = HadoopVarInt.Write(_bufferedRecords, _scratch);
        Put(_scratch.AsSpan(0, count));
        foreach (var buffer in (ReadOnlySpan<ArrayBufferWriter<byte>>)[_keyLengths!, _keys!, _valueLengths!, _values!])
        {
            var compressed = Compress([], buffer.WrittenSpan);
            var length = HadoopVarInt.Write(compressed.Length, _scratch);
            Put(_scratch.AsSpan(0, length));
            Put(compressed);
            buffer.ResetWrittenCount();
        }

        _bufferedRecords = 0;
    }

    private void CheckAndWriteSync()
    {
        if (_position >= _lastSyncPosition + _syncInterval)
        {
            WriteSyncEntry();
        }
    }

    private void WriteSyncEntry()
    {
        if (_position == _lastSyncPosition)
        {
            return;
        }

        PutInt(SyncEscape);
        Put(_sync);
        _lastSyncPosition = _position;
    }

    /// <summary>The value's serialized length prefix: 4 bytes for BytesWritable, a variable-length int for Text.</summary>
    private int ValuePrefix(int length, Span<byte> destination)
    {
        if (_valueType == SequenceFileValueType.Text)
        {
            return HadoopVarInt.Write(length, destination);
        }

        BinaryPrimitives.WriteInt32BigEndian(destination, length);
        return 4;
    }

    /// <summary>One complete codec unit of <paramref name="prefix"/> then <paramref name="data"/>, valid until the next call.</summary>
    private ReadOnlySpan<byte> Compress(ReadOnlySpan<byte> prefix, ReadOnlySpan<byte> data)
    {
        _compressed!.SetLength(0);
        _compressor!.Write(prefix);
        _compressor.Write(data);
        _compressor.Finish();
        return _compressed.GetBuffer().AsSpan(0, (int)_compressed.Length);
    }

    private static void PutVarInt(ArrayBufferWriter<byte> buffer, long value) =>
        buffer.Advance(HadoopVarInt.Write(value, buffer.GetSpan(HadoopVarInt.MaxLength)));

    private void PutString(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        var length = HadoopVarInt.Write(bytes.Length, _scratch);
        Put(_scratch.AsSpan(0, length));
        Put(bytes);
    }

    private void PutInt(int value)
    {
        BinaryPrimitives.WriteInt32BigEndian(_scratch, value);
        Put(_scratch.AsSpan(0, 4));
    }

    private void PutLong(long value)
    {
        BinaryPrimitives.WriteInt64BigEndian(_scratch, value);
        Put(_scratch.AsSpan(0, 8));
    }

    private void Put(ReadOnlySpan<byte> bytes)
    {
        _output.Write(bytes);
        _position += bytes.Length;
    }
}
