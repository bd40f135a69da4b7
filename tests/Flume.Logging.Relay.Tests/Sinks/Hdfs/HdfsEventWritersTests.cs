using System.Text;
using Flume.Logging.Hdfs.Formats;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Config;
using Flume.Logging.Relay.Sinks.Hdfs;
using Flume.Logging.Relay.Tests.Sinks.Serialization;
using Flume.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Flume.Logging.Relay.Tests.Sinks.Hdfs;

public sealed class HdfsEventWritersTests : IDisposable
{
    private static readonly DateTimeOffset Now = new(2026, 12, 5, 3, 0, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Now);
    private readonly string _directory = Directory.CreateTempSubdirectory("hdfs-writers-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static HdfsFileFormatOptions Options(params (string Key, string Value)[] properties) =>
        HdfsFileFormatOptions.From(new ComponentContext("k1", "a1.sinks.k1.", properties.ToDictionary(p => p.Key, p => p.Value)));

    private static FlumeEvent Event(string body, long? timestamp = null) =>
        FlumeEvent.FromText(body, timestamp is { } t ? new Dictionary<string, string> { ["timestamp"] = $"{t}" } : null);

    private static List<(long Key, string Value)> ReadSequenceFile(byte[] bytes, out SequenceFileReader reader)
    {
        reader = new SequenceFileReader(new MemoryStream(bytes));
        var records = new List<(long, string)>();
        while (reader.TryRead(out var record))
        {
            records.Add((SequenceFileReader.LongKey(record), Encoding.UTF8.GetString(reader.ValueBytes(record))));
        }

        return records;
    }

    [Fact]
    public void DataStream_writes_the_serializers_output_as_is()
    {
        using var file = new MemoryStream();
        var writer = HdfsEventWriters.Open(file, Options(("hdfs.fileType", "DataStream")), _clock);
        writer.Append(Event("a"));
        writer.Append(Event("b"));
        writer.Sync();
        Assert.Equal("a\nb\n", Encoding.UTF8.GetString(file.ToArray()));

        writer.Append(Event("c"));
        writer.Close();

        Assert.Equal("a\nb\nc\n", Encoding.UTF8.GetString(file.ToArray()));
    }

    [Fact]
    public void CompressedStream_gzip_is_whole_after_every_sync_as_the_real_gzip_reads_it()
    {
        var path = Path.Combine(_directory, "events.gz");
        using var file = File.Create(path);
        var writer = HdfsEventWriters.Open(file, Options(("hdfs.fileType", "CompressedStream"), ("hdfs.codeC", "gzip")), _clock);
        var expected = new StringBuilder();
        for (var batch = 0; batch < 3; batch++)
        {
            for (var i = 0; i < 50; i++)
            {
                writer.Append(Event($"batch {batch} line {i}"));
                expected.Append(Line(batch, i));
            }

            writer.Sync();

            Assert.Equal(expected.ToString(), Gunzip(path));
        }

        writer.Close();
        Assert.Equal(expected.ToString(), Gunzip(path));
    }

    [Fact]
    public void CompressedStream_snappy_with_avro_event_decodes_to_an_avro_file_of_every_event()
    {
        using var file = new MemoryStream();
        var writer = HdfsEventWriters.Open(
            file, Options(("hdfs.fileType", "CompressedStream"), ("hdfs.codeC", "snappy"), ("serializer", "avro_event")), _clock);
        writer.Append(Event("one", 1));
        writer.Sync();
        writer.Append(Event("two", 2));
        writer.Close();

        using var decoded = new MemoryStream();
        HadoopCodecs.Snappy.CreateInput(new MemoryStream(file.ToArray())).CopyTo(decoded);
        decoded.Position = 0;

        Assert.Equal(["one", "two"], AvroFiles.ReadWithApacheAvro(decoded).Select(r => r.Body));
    }

    [Fact]
    public void SequenceFile_by_default_keys_bytes_writable_bodies_by_timestamp_or_the_clock()
    {
        using var file = new MemoryStream();
        var writer = HdfsEventWriters.Open(file, Options(), _clock);
        writer.Append(Event("stamped", 1_700_000_000_123));
        writer.Append(Event("unstamped"));
        writer.Sync();

        var records = ReadSequenceFile(file.ToArray(), out var reader);

        Assert.Equal([(1_700_000_000_123, "stamped"), (Now.ToUnixTimeMilliseconds(), "unstamped")], records);
        Assert.Equal(SequenceFileWriter.BytesWritable, reader.ValueClassName);
        Assert.Equal(SequenceFileCompression.None, reader.Compression);
        writer.Close();
    }

    [Fact]
    public void SequenceFile_with_a_codec_is_block_compressed_and_readable_after_each_sync()
    {
        using var file = new MemoryStream();
        var writer = HdfsEventWriters.Open(file, Options(("hdfs.writeFormat", "Text"), ("hdfs.codeC", "gzip")), _clock);
        writer.Append(Event("first", 1));
        writer.Sync();
        Assert.Equal([(1L, "first")], ReadSequenceFile(file.ToArray(), out _));

        writer.Append(Event("second", 2));
        writer.Close();

        var records = ReadSequenceFile(file.ToArray(), out var reader);
        Assert.Equal([(1L, "first"), (2L, "second")], records);
        Assert.Equal(SequenceFileWriter.Text, reader.ValueClassName);
        Assert.Equal(SequenceFileCompression.Block, reader.Compression);
        Assert.Equal("org.apache.hadoop.io.compress.GzipCodec", reader.Codec!.ClassName);
    }

    [Fact]
    public void A_timestamp_header_that_is_not_a_number_cannot_key_a_record()
    {
        using var file = new MemoryStream();
        var writer = HdfsEventWriters.Open(file, Options(), _clock);

        Assert.Throws<BucketTimestampException>(() => writer.Append(FlumeEvent.FromText("x", new Dictionary<string, string> { ["timestamp"] = "soon" })));
    }

    [Fact]
    public void The_codecs_extension_is_offered_for_file_names()
    {
        Assert.Equal(".bz2", Options(("hdfs.codeC", "bzip2")).CodecExtension);
        Assert.Equal("", Options().CodecExtension);
    }

    [Theory]
    [InlineData("hdfs.fileType", "Parquet", "hdfs.fileType")]
    [InlineData("hdfs.writeFormat", "Avro", "hdfs.writeFormat")]
    [InlineData("hdfs.codeC", "lzo", "hdfs.codeC")]
    [InlineData("hdfs.codeC", "brotli", "hdfs.codeC")]
    public void A_bad_format_setting_is_refused_naming_its_key(string key, string value, string faultyKey)
    {
        var error = Assert.Throws<ConfigurationException>(() => Options((key, value)));

        Assert.Equal("a1.sinks.k1." + faultyKey, error.Key);
        Assert.StartsWith("a1.sinks.k1." + faultyKey, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void DataStream_with_a_codec_is_refused_as_Flume_refuses_it() =>
        Assert.Equal("a1.sinks.k1.hdfs.codeC", Assert.Throws<ConfigurationException>(() => Options(("hdfs.fileType", "DataStream"), ("hdfs.codeC", "gzip"))).Key);

    [Fact]
    public void CompressedStream_without_a_codec_is_refused() =>
        Assert.Equal("a1.sinks.k1.hdfs.codeC", Assert.Throws<ConfigurationException>(() => Options(("hdfs.fileType", "CompressedStream"))).Key);

    private static string Line(int batch, int i) => $"batch {batch} line {i}\n";

    private static string Gunzip(string path)
    {
        using var gzip = PeerProcess.Start("/bin/sh", ["-c", $"/usr/bin/gzip -dc '{path}'"]);
        Assert.True(gzip.WaitForExit(TimeSpan.FromSeconds(30)), "gzip did not finish");
        Assert.True(gzip.ExitCode == 0, gzip.Output);
        return string.Concat(gzip.Lines.Select(line => line + "\n"));
    }
}
