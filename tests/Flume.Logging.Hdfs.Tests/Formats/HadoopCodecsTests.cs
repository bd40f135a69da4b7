using System.Buffers.Binary;
using Flume.Logging.Hdfs.Formats;
using FsCheck;
using FsCheck.Fluent;
using K4os.Compression.LZ4;

namespace Flume.Logging.Hdfs.Tests.Formats;

public sealed class HadoopCodecsTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("hadoop-codecs-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    public static TheoryData<string> CodecNames => [.. HadoopCodecs.All.Select(c => c.SimpleName)];

    private static HadoopCodec Codec(string simpleName) => HadoopCodecs.All.Single(c => c.SimpleName == simpleName);

    /// <summary>Text that compresses, in three flushes (units) as Flume's per-batch finish makes them.</summary>
    private static byte[][] Batches() =>
    [
        .. Enumerable.Range(0, 3).Select(b => System.Text.Encoding.UTF8.GetBytes(
            string.Concat(Enumerable.Range(0, 200).Select(i => $"batch {b} event {i} GET /index.html 200\n")))),
    ];

    private string WriteFile(HadoopCodec codec, byte[][] batches)
    {
        var path = Path.Combine(_directory, "file" + codec.Extension);
        using var file = File.Create(path);
        using var output = codec.CreateOutput(file);
        foreach (var batch in batches)
        {
            output.Write(batch.AsSpan(0, batch.Length / 2));
            output.Write(batch.AsSpan(batch.Length / 2));
            output.Finish();
        }

        return path;
    }

    /// <summary>Decodes <paramref name="encoded"/>, which may be damaged: any exception but the format error escapes.</summary>
    private static void DecodeOrFailWithFormatError(HadoopCodec codec, byte[] encoded)
    {
        try
        {
            Decode(codec, encoded);
        }
        catch (InvalidDataException)
        {
            // The one way damaged data may fail.
        }
    }

    private static byte[] Decode(HadoopCodec codec, byte[] encoded)
    {
        using var input = codec.CreateInput(new MemoryStream(encoded));
        using var decoded = new MemoryStream();
        input.CopyTo(decoded);
        return decoded.ToArray();
    }

    [Theory]
    [MemberData(nameof(CodecNames))]
    public void Our_decoder_reads_every_flushed_unit_back(string name)
    {
        var batches = Batches();
        var path = WriteFile(Codec(name), batches);

        Assert.Equal(batches.SelectMany(b => b).ToArray(), Decode(Codec(name), File.ReadAllBytes(path)));
    }

    [Theory]
    [InlineData("GzipCodec", "/usr/bin/gzip")]
    [InlineData("BZip2Codec", "/usr/bin/bzip2")]
    [InlineData("ZStandardCodec", "/usr/bin/zstd")]
    public void The_real_tool_tests_and_decodes_the_multi_unit_file(string name, string tool)
    {
        var batches = Batches();
        var path = WriteFile(Codec(name), batches);

        Assert.Equal(0, Tools.Run(tool, "-t", path).ExitCode);
        var decodedPath = path + ".out";
        Assert.Equal(0, Tools.Run("/bin/sh", "-c", $"{tool} -dc '{path}' > '{decodedPath}'").ExitCode);
        Assert.Equal(batches.SelectMany(b => b).ToArray(), File.ReadAllBytes(decodedPath));
    }

    [Theory]
    [InlineData("DefaultCodec")]
    [InlineData("DeflateCodec")]
    public void Python_zlib_decodes_the_concatenated_zlib_streams(string name)
    {
        var batches = Batches();
        var path = WriteFile(Codec(name), batches);

        Assert.Equal(batches.SelectMany(b => b).ToArray(), Tools.InflateWithPython(path, path + ".out"));
    }

    [Theory]
    [InlineData("GzipCodec", "/usr/bin/gzip")]
    [InlineData("BZip2Codec", "/usr/bin/bzip2")]
    [InlineData("ZStandardCodec", "/usr/bin/zstd")]
    public void A_file_finished_without_data_is_a_valid_empty_stream(string name, string tool)
    {
        var path = WriteFile(Codec(name), []);
        using (var file = File.Create(path))
        {
            Codec(name).CreateOutput(file).Dispose();
        }

        Assert.Equal(0, Tools.Run(tool, "-t", path).ExitCode);
    }

    [Fact]
    public void An_empty_zlib_stream_is_one_python_zlib_accepts()
    {
        var path = Path.Combine(_directory, "empty.deflate");
        using (var file = File.Create(path))
        {
            HadoopCodecs.Default.CreateOutput(file).Dispose();
        }

        Assert.Empty(Tools.InflateWithPython(path, path + ".out"));
    }

    [Theory]
    [InlineData("SnappyCodec")]
    [InlineData("Lz4Codec")]
    public void Block_framing_is_a_length_then_length_prefixed_raw_blocks_the_raw_libraries_decode(string name)
    {
        var batches = Batches();
        var encoded = File.ReadAllBytes(WriteFile(Codec(name), batches));

        var decoded = new List<byte>();
        var at = 0;
        foreach (var batch in batches)
        {
            // One finish per batch: one block holding the batch in one chunk.
            Assert.Equal(batch.Length, BinaryPrimitives.ReadInt32BigEndian(encoded.AsSpan(at)));
            var chunk = BinaryPrimitives.ReadInt32BigEndian(encoded.AsSpan(at + 4));
            var raw = encoded.AsSpan(at + 8, chunk);
            var output = new byte[batch.Length];
            var length = name == "SnappyCodec" ? Snappier.Snappy.Decompress(raw, output) : LZ4Codec.Decode(raw, output);
            Assert.Equal(batch.Length, length);
            decoded.AddRange(output);
            at += 8 + chunk;
        }

        Assert.Equal(encoded.Length, at);
        Assert.Equal(batches.SelectMany(b => b), decoded);
    }

    [Theory]
    [InlineData("SnappyCodec", HadoopCodecs.SnappyMaxInput)]
    [InlineData("Lz4Codec", HadoopCodecs.Lz4MaxInput)]
    public void A_write_larger_than_a_block_is_one_block_of_several_chunks(string name, int maxInput)
    {
        var big = new byte[(maxInput * 2) + 100];
        new Random(7).NextBytes(big);
        using var encoded = new MemoryStream();
        using (var output = Codec(name).CreateOutput(encoded))
        {
            output.Write(big);
        }

        var bytes = encoded.ToArray();
        Assert.Equal(big.Length, BinaryPrimitives.ReadInt32BigEndian(bytes));
        var chunks = 0;
        for (var at = 4; at < bytes.Length; at += 4 + BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(at)))
        {
            chunks++;
        }

        Assert.Equal(3, chunks);
        Assert.Equal(big, Decode(Codec(name), bytes));
    }

    [Theory]
    [InlineData("SnappyCodec")]
    [InlineData("Lz4Codec")]
    public void Finishing_without_data_writes_no_empty_block_which_Hadoops_reader_would_take_for_the_end(string name)
    {
        using var encoded = new MemoryStream();
        using (var output = Codec(name).CreateOutput(encoded))
        {
            output.Finish();
            output.Write("after"u8);
            output.Finish();
            output.Write(new byte[HadoopCodecs.Lz4MaxInput + 1]);
            output.Finish();
            output.Write("last"u8);
        }

        var bytes = encoded.ToArray();
        for (var at = 0; at < bytes.Length;)
        {
            var blockLength = BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(at));
            Assert.NotEqual(0, blockLength);
            at += 4;
            for (var decoded = 0; decoded < blockLength; at += 4 + BinaryPrimitives.ReadInt32BigEndian(bytes.AsSpan(at)))
            {
                decoded += Math.Min(blockLength - decoded, name == "SnappyCodec" ? HadoopCodecs.SnappyMaxInput : HadoopCodecs.Lz4MaxInput);
            }
        }

        Assert.Equal([.. "after"u8, .. new byte[HadoopCodecs.Lz4MaxInput + 1], .. "last"u8], Decode(Codec(name), bytes));
    }

    [Theory]
    [InlineData("gzip", "GzipCodec")]
    [InlineData("GZIP", "GzipCodec")]
    [InlineData("GzipCodec", "GzipCodec")]
    [InlineData("org.apache.hadoop.io.compress.GzipCodec", "GzipCodec")]
    [InlineData("bzip2", "BZip2Codec")]
    [InlineData("deflate", "DeflateCodec")]
    [InlineData("default", "DefaultCodec")]
    [InlineData("snappy", "SnappyCodec")]
    [InlineData("lz4", "Lz4Codec")]
    [InlineData("zstandard", "ZStandardCodec")]
    [InlineData("zstd", "ZStandardCodec")]
    public void Flume_codec_names_resolve_as_Flume_matches_them(string name, string simpleName) =>
        Assert.Equal(simpleName, HadoopCodecs.Resolve(name)!.SimpleName);

    [Fact]
    public void None_means_no_codec() => Assert.Null(HadoopCodecs.Resolve("none"));

    [Theory]
    [InlineData("lzo")]
    [InlineData("lzop")]
    [InlineData("com.hadoop.compression.lzo.LzopCodec")]
    public void Lzo_is_refused_saying_why(string name)
    {
        var error = Assert.Throws<NotSupportedException>(() => HadoopCodecs.Resolve(name));

        Assert.Contains("LZO", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_codec_is_refused_listing_the_known_ones()
    {
        var error = Assert.Throws<ArgumentException>(() => HadoopCodecs.Resolve("brotli"));

        Assert.Contains("GzipCodec", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(CodecNames))]
    public void Hadoop_class_names_and_extensions_are_Hadoops(string name)
    {
        var codec = Codec(name);

        Assert.StartsWith("org.apache.hadoop.io.compress.", codec.ClassName, StringComparison.Ordinal);
        Assert.Same(codec, HadoopCodecs.FindByClassName(codec.ClassName));
        Assert.Contains(codec.Extension, new[] { ".gz", ".bz2", ".deflate", ".snappy", ".lz4", ".zst" });
    }

    [Theory]
    [MemberData(nameof(CodecNames))]
    public void A_stream_cut_anywhere_decodes_or_fails_with_a_format_error(string name)
    {
        var codec = Codec(name);
        var encoded = File.ReadAllBytes(WriteFile(codec, Batches()));

        // Every cut in the first frame's header, then about 200 more across the rest.
        for (var length = 1; length < encoded.Length; length += length < 64 ? 1 : Math.Max(1, encoded.Length / 200))
        {
            DecodeOrFailWithFormatError(codec, encoded[..length]);
        }
    }

    [Theory]
    [MemberData(nameof(CodecNames))]
    public void A_valid_stream_with_a_few_bytes_changed_decodes_or_fails_with_a_format_error(string name)
    {
        var codec = Codec(name);
        var valid = File.ReadAllBytes(WriteFile(codec, Batches()));

        // Seeded, so a failure replays; the random-bytes property below rarely gets past a codec's first header.
        var random = new Random(20261206);
        for (var attempt = 0; attempt < 1000; attempt++)
        {
            var bytes = (byte[])valid.Clone();
            for (var changes = 1 + random.Next(3); changes > 0; changes--)
            {
                bytes[random.Next(bytes.Length)] = (byte)random.Next(256);
            }

            DecodeOrFailWithFormatError(codec, random.Next(4) == 0 ? bytes[..random.Next(1, bytes.Length)] : bytes);
        }
    }

    [Fact]
    public void Decoders_fed_random_bytes_fail_only_with_a_format_error() =>
        Prop.ForAll(
            Gen.Elements(HadoopCodecs.All.ToArray()).ToArbitrary(),
            ArbMap.Default.ArbFor<byte[]>(),
            (codec, bytes) =>
            {
                DecodeOrFailWithFormatError(codec, bytes);
                return true;
            }).QuickCheckThrowOnFailure();
}
