using System.Buffers.Binary;
using System.Text;
using Flume.Logging.Hdfs.Formats;
using Flume.Logging.Testing;
using FsCheck;
using FsCheck.Fluent;

namespace Flume.Logging.Hdfs.Tests.Formats;

public sealed class SequenceFileTests
{
    private static readonly byte[] Marker = [.. Enumerable.Range(0xA0, 16).Select(b => (byte)b)];

    /// <summary>Compression, codec and value type by name: the test class is public and the formats' types are internal.</summary>
    public static TheoryData<string, string?, string> EveryCombination()
    {
        var data = new TheoryData<string, string?, string>();
        foreach (var valueType in Enum.GetNames<SequenceFileValueType>())
        {
            data.Add(nameof(SequenceFileCompression.None), null, valueType);
            foreach (var codec in HadoopCodecs.All)
            {
                data.Add(nameof(SequenceFileCompression.Record), codec.SimpleName, valueType);
                data.Add(nameof(SequenceFileCompression.Block), codec.SimpleName, valueType);
            }
        }

        return data;
    }

    private static HadoopCodec? Codec(string? simpleName) => simpleName is null ? null : HadoopCodecs.All.Single(c => c.SimpleName == simpleName);

    private static List<(long Key, byte[] Value)> Records(int count) =>
    [
        .. Enumerable.Range(0, count).Select(i => (1_764_900_000_000L + i, i % 7 == 0 ? [] : Encoding.UTF8.GetBytes($"event {i} " + new string('x', i % 300)))),
    ];

    private static List<(long Key, byte[] Value)> ReadAll(byte[] file, out SequenceFileReader reader)
    {
        reader = new SequenceFileReader(new MemoryStream(file));
        var records = new List<(long, byte[])>();
        while (reader.TryRead(out var record))
        {
            records.Add((SequenceFileReader.LongKey(record), reader.ValueBytes(record)));
        }

        return records;
    }

    private static void AssertSame(List<(long Key, byte[] Value)> expected, List<(long Key, byte[] Value)> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Key, actual[i].Key);
            Assert.Equal(expected[i].Value, actual[i].Value);
        }
    }

    [Theory]
    [MemberData(nameof(EveryCombination))]
    public void Every_compression_and_codec_reads_back_with_header_and_records(string compressionName, string? codecName, string valueTypeName)
    {
        var compression = Enum.Parse<SequenceFileCompression>(compressionName);
        var valueType = Enum.Parse<SequenceFileValueType>(valueTypeName);
        // bzip2 sets up 900 KB blocks per compressed unit, and Record mode makes one unit per value: keep that one short.
        var records = Records(compression == SequenceFileCompression.Record && codecName == "BZip2Codec" ? 10 : 60);
        using var file = new MemoryStream();
        using (var writer = new SequenceFileWriter(file, valueType, compression, Codec(codecName), blockSize: 1024))
        {
            for (var i = 0; i < records.Count; i++)
            {
                writer.Append(records[i].Key, records[i].Value);
                if (i % 17 == 0)
                {
                    writer.Hflush();
                }
            }
        }

        var read = ReadAll(file.ToArray(), out var reader);

        Assert.Equal(6, reader.Version);
        Assert.Equal("org.apache.hadoop.io.LongWritable", reader.KeyClassName);
        Assert.Equal(valueType == SequenceFileValueType.Text ? "org.apache.hadoop.io.Text" : "org.apache.hadoop.io.BytesWritable", reader.ValueClassName);
        Assert.Equal(compression, reader.Compression);
        Assert.Equal(Codec(codecName)?.ClassName, reader.Codec?.ClassName);
        Assert.Empty(reader.Metadata);
        AssertSame(records, read);
    }

    [Fact]
    public void The_header_is_Hadoops_byte_for_byte()
    {
        using var file = new MemoryStream();
        using (new SequenceFileWriter(file, SequenceFileValueType.BytesWritable, SequenceFileCompression.Block, HadoopCodecs.Gzip, syncMarker: Marker))
        {
        }

        byte[] expected =
        [
            .. "SEQ"u8, 6,
            33, .. "org.apache.hadoop.io.LongWritable"u8,
            34, .. "org.apache.hadoop.io.BytesWritable"u8,
            1, 1,
            39, .. "org.apache.hadoop.io.compress.GzipCodec"u8,
            0, 0, 0, 0,
            .. Marker,
        ];
        Assert.Equal(expected, file.ToArray());
    }

    /// <summary>The bytes an uncompressed file holds after its header for one record.</summary>
    private static byte[] OneRecord(SequenceFileValueType valueType, long key, byte[] value)
    {
        using var file = new MemoryStream();
        long headerLength;
        using (var writer = new SequenceFileWriter(file, valueType, syncMarker: Marker))
        {
            headerLength = writer.Length;
            writer.Append(key, value);
        }

        return file.ToArray()[(int)headerLength..];
    }

    [Fact]
    public void An_uncompressed_record_is_lengths_key_and_bytes_writable_value()
    {
        byte[] expected = [0, 0, 0, 15, 0, 0, 0, 8, 1, 2, 3, 4, 5, 6, 7, 8, 0, 0, 0, 3, .. "abc"u8];

        Assert.Equal(expected, OneRecord(SequenceFileValueType.BytesWritable, 0x0102030405060708, "abc"u8.ToArray()));
    }

    [Fact]
    public void A_text_value_is_a_variable_length_length_then_the_bytes()
    {
        var record = OneRecord(SequenceFileValueType.Text, 1, new byte[200]);

        Assert.Equal(8 + 2 + 200, BinaryPrimitives.ReadInt32BigEndian(record));
        Assert.Equal([0x8F, 200], record[16..18]);
    }

    [Fact]
    public void Sync_entries_precede_the_first_record_starting_a_sync_interval_after_the_last()
    {
        using var file = new MemoryStream();
        using (var writer = new SequenceFileWriter(file, SequenceFileValueType.BytesWritable, syncMarker: Marker))
        {
            for (var i = 0; i < 300; i++)
            {
                writer.Append(i, new byte[1000]);
            }
        }

        var bytes = file.ToArray();
        byte[] entry = [0xFF, 0xFF, 0xFF, 0xFF, .. Marker];
        var first = bytes.AsSpan(100).IndexOf(entry) + 100;
        var second = bytes.AsSpan(first + 20).IndexOf(entry) + first + 20;
        Assert.InRange(first, SequenceFileWriter.SyncInterval, SequenceFileWriter.SyncInterval + 1020);
        Assert.InRange(second, first + 20 + SequenceFileWriter.SyncInterval, first + 20 + SequenceFileWriter.SyncInterval + 1020);
        Assert.Equal(300, ReadAll(bytes, out var reader).Count);
        Assert.Equal(2, reader.SyncEntriesSeen);
    }

    [Theory]
    [InlineData("None", null)]
    [InlineData("Record", "SnappyCodec")]
    [InlineData("Block", "GzipCodec")]
    [InlineData("Block", "Lz4Codec")]
    public void After_hflush_the_bytes_so_far_are_a_complete_readable_file(string compressionName, string? codecName)
    {
        var compression = Enum.Parse<SequenceFileCompression>(compressionName);
        var records = Records(30);
        using var file = new MemoryStream();
        using var writer = new SequenceFileWriter(file, SequenceFileValueType.BytesWritable, compression, Codec(codecName));
        foreach (var count in new[] { 10, 25, 30 })
        {
            var before = count == 10 ? 0 : count == 25 ? 10 : 25;
            foreach (var (key, value) in records[before..count])
            {
                writer.Append(key, value);
            }

            writer.Hflush();

            AssertSame(records[..count], ReadAll(file.ToArray(), out _));
        }
    }

    [Fact]
    public void Hflush_without_new_records_adds_no_second_sync_entry()
    {
        using var file = new MemoryStream();
        using var writer = new SequenceFileWriter(file, SequenceFileValueType.BytesWritable);
        writer.Append(1, "a"u8);
        writer.Hflush();
        var length = file.Length;

        writer.Hflush();

        Assert.Equal(length, file.Length);
    }

    [Fact]
    public void Blocks_end_when_keys_and_values_reach_the_block_size_each_behind_a_sync_entry()
    {
        using var file = new MemoryStream();
        using (var writer = new SequenceFileWriter(file, SequenceFileValueType.BytesWritable, SequenceFileCompression.Block, HadoopCodecs.Default, blockSize: 1000))
        {
            for (var i = 0; i < 10; i++)
            {
                // 8 key bytes + 4 + 488 value bytes: every second record fills a block.
                writer.Append(i, new byte[488]);
            }
        }

        Assert.Equal(10, ReadAll(file.ToArray(), out var reader).Count);
        Assert.Equal(5, reader.SyncEntriesSeen);
    }

    [Fact]
    public void Appending_uncompressed_records_allocates_nothing_in_steady_state()
    {
        using var writer = new SequenceFileWriter(Stream.Null, SequenceFileValueType.Text);
        var body = new byte[100];

        Assert.Equal(0, ThreadAllocations.FewestPerPass(() =>
        {
            for (var i = 0; i < 10_000; i++)
            {
                writer.Append(i, body);
                if (i % 1000 == 0)
                {
                    writer.Hflush();
                }
            }
        }));
    }

    [Fact]
    public void Random_records_round_trip_in_every_mode() =>
        Prop.ForAll(
            Gen.Elements(EveryCombination().Select(row => (Enum.Parse<SequenceFileCompression>((string)row[0]), (string?)row[1], Enum.Parse<SequenceFileValueType>((string)row[2]))).ToArray()).ToArbitrary(),
            ArbMap.Default.ArbFor<(long, byte[])[]>(),
            (mode, generated) =>
            {
                var records = generated.Select(r => (r.Item1, r.Item2 ?? [])).ToList();
                using var file = new MemoryStream();
                using (var writer = new SequenceFileWriter(file, mode.Item3, mode.Item1, Codec(mode.Item2), syncInterval: 64, blockSize: 256))
                {
                    foreach (var (key, value) in records)
                    {
                        writer.Append(key, value);
                    }
                }

                AssertSame(records, ReadAll(file.ToArray(), out _));
            }).Check(FsCheck.Config.QuickThrowOnFailure.WithMaxTest(40).WithEndSize(30));

    [Fact]
    public void A_reader_fed_random_bytes_fails_only_with_a_format_error() =>
        Prop.ForAll(ArbMap.Default.ArbFor<byte[]>(), bytes => ReadsOrFailsWithFormatError(bytes)).QuickCheckThrowOnFailure();

    [Fact]
    public void A_reader_fed_a_damaged_file_fails_only_with_a_format_error()
    {
        using var file = new MemoryStream();
        using (var writer = new SequenceFileWriter(file, SequenceFileValueType.BytesWritable, SequenceFileCompression.Block, HadoopCodecs.Snappy, blockSize: 300))
        {
            foreach (var (key, value) in Records(40))
            {
                writer.Append(key, value);
            }
        }

        var good = file.ToArray();
        Prop.ForAll(
            Gen.Choose(0, good.Length - 1).ToArbitrary(),
            ArbMap.Default.ArbFor<byte>(),
            (at, value) =>
            {
                var damaged = (byte[])good.Clone();
                damaged[at] ^= (byte)(value | 1);
                return ReadsOrFailsWithFormatError(damaged) && ReadsOrFailsWithFormatError(good[..at]);
            }).QuickCheckThrowOnFailure();
    }

    private static bool ReadsOrFailsWithFormatError(byte[] bytes)
    {
        try
        {
            var reader = new SequenceFileReader(new MemoryStream(bytes));
            while (reader.TryRead(out _))
            {
            }

            return true;
        }
        catch (InvalidDataException)
        {
            return true;
        }
    }
}
