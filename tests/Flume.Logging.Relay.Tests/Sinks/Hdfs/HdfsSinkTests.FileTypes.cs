using System.Buffers.Binary;
using System.Text;
using Flume.Logging.Hdfs.Formats;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Tests.Sinks.Serialization;
using Flume.Logging.Testing;

namespace Flume.Logging.Relay.Tests.Sinks.Hdfs;

/// <summary>
/// Every file type and codec written through the sink into the test cluster, fetched back with Debian's hdfs-cli
/// (an independent HDFS client) and checked by the independent tools: gzip, bzip2, zstd, python3-avro.
/// </summary>
public sealed partial class HdfsSinkTests
{
    private static readonly string[] TwoBatches = ["first line", "second line", "third line"];

    /// <summary>Writes <see cref="TwoBatches"/> in two takes through a sink with <paramref name="extra"/>, then stops it.</summary>
    private async Task WriteTwoBatchesAsync(Dictionary<string, string> extra)
    {
        using var sink = CreateSink(extra);
        await sink.StartAsync(CancellationToken.None);
        await PutTextAsync(TwoBatches[..2]);
        await sink.ProcessAsync(CancellationToken.None);
        await PutTextAsync(TwoBatches[2..]);
        await sink.ProcessAsync(CancellationToken.None);
        await sink.StopAsync(CancellationToken.None);
        Assert.Equal(0, sink.Counter.EventDropCount);
    }

    /// <summary>Fetches <paramref name="path"/> to a local file with hdfs-cli, not with our client.</summary>
    private async Task<string> GetWithCliAsync(string path)
    {
        var local = Path.Combine(Path.GetTempPath(), $"hdfs-get-{Guid.NewGuid():N}{Path.GetExtension(path)}");
        var (code, output) = await _cluster.RunCliAsync("get", path, local);
        Assert.True(code == 0, $"hdfs get {path} failed: {output}");
        return local;
    }

    private static (int ExitCode, string Output) RunTool(string tool, params string[] arguments)
    {
        Assert.True(File.Exists(tool), $"{tool} is missing: apt-get install -y gzip bzip2 zstd");
        using var process = PeerProcess.Start(tool, arguments);
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)), $"{tool} did not finish");
        return (process.ExitCode, process.Output);
    }

    [Theory]
    [InlineData("gzip", ".gz", "/usr/bin/gzip")]
    [InlineData("bzip2", ".bz2", "/usr/bin/bzip2")]
    [InlineData("zstd", ".zst", "/usr/bin/zstd")]
    public async Task CompressedStream_files_pass_the_real_tools_integrity_test_and_decode_to_every_event(string codec, string extension, string tool)
    {
        await WriteTwoBatchesAsync(new() { ["hdfs.fileType"] = "CompressedStream", ["hdfs.codeC"] = codec });

        var local = await GetWithCliAsync(Name(1, extension));
        try
        {
            var (testCode, testOutput) = RunTool(tool, "-t", local);
            Assert.True(testCode == 0, $"{tool} -t: {testOutput}");
            var (code, text) = RunTool(tool, "-dc", local);
            Assert.Equal(0, code);
            Assert.Equal(TwoBatches, text.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        }
        finally
        {
            File.Delete(local);
        }
    }

    [Theory]
    [InlineData("deflate", ".deflate")]
    [InlineData("snappy", ".snappy")]
    [InlineData("lz4", ".lz4")]
    public async Task CompressedStream_files_in_Hadoops_own_framings_decode_to_every_event(string codec, string extension)
    {
        await WriteTwoBatchesAsync(new() { ["hdfs.fileType"] = "CompressedStream", ["hdfs.codeC"] = codec });

        var local = await GetWithCliAsync(Name(1, extension));
        try
        {
            await using var input = HadoopCodecs.Resolve(codec)!.CreateInput(File.OpenRead(local));
            using var text = new StreamReader(input, Encoding.UTF8);
            Assert.Equal(string.Join('\n', TwoBatches) + "\n", await text.ReadToEndAsync());
        }
        finally
        {
            File.Delete(local);
        }
    }

    [Theory]
    [InlineData("None", "")]
    [InlineData("gzip", ".gz")]
    [InlineData("bzip2", ".bz2")]
    [InlineData("deflate", ".deflate")]
    [InlineData("snappy", ".snappy")]
    [InlineData("lz4", ".lz4")]
    [InlineData("zstd", ".zst")]
    public async Task SequenceFiles_with_every_codec_hold_every_event_keyed_by_its_timestamp(string codec, string extension)
    {
        using (var sink = CreateSink(new() { ["hdfs.fileType"] = "SequenceFile", ["hdfs.codeC"] = codec }))
        {
            await sink.StartAsync(CancellationToken.None);
            await PutAsync([.. TwoBatches.Select((body, i) => new FlumeEvent(
                new Dictionary<string, string> { ["timestamp"] = (1000 + i).ToString(System.Globalization.CultureInfo.InvariantCulture) },
                Encoding.UTF8.GetBytes(body)))]);
            await sink.ProcessAsync(CancellationToken.None);
            await sink.StopAsync(CancellationToken.None);
        }

        var local = await GetWithCliAsync(Name(1, extension));
        try
        {
            using var file = File.OpenRead(local);
            var reader = new SequenceFileReader(file);
            Assert.Equal(codec == "None" ? SequenceFileCompression.None : SequenceFileCompression.Block, reader.Compression);
            for (var i = 0; i < TwoBatches.Length; i++)
            {
                Assert.True(reader.TryRead(out var record), $"record {i} missing");
                Assert.Equal(1000 + i, BinaryPrimitives.ReadInt64BigEndian(record.Key));
                Assert.Equal(TwoBatches[i], Encoding.UTF8.GetString(record.Value.AsSpan(4)));
            }

            Assert.False(reader.TryRead(out _));
        }
        finally
        {
            File.Delete(local);
        }
    }

    [Fact]
    public async Task Avro_event_files_are_read_by_python3_avro_with_headers_and_bodies()
    {
        using (var sink = CreateSink(new() { ["serializer"] = "avro_event", ["serializer.compressionCodec"] = "deflate" }))
        {
            await sink.StartAsync(CancellationToken.None);
            await PutAsync(
                new FlumeEvent(new Dictionary<string, string> { ["host"] = "web1" }, "first"u8.ToArray()),
                new FlumeEvent(new Dictionary<string, string>(), "second"u8.ToArray()));
            await sink.ProcessAsync(CancellationToken.None);
            await sink.StopAsync(CancellationToken.None);
        }

        var local = await GetWithCliAsync(Name(1));
        try
        {
            Assert.Equal(
                ["codec=deflate", """{"body": "first", "headers": {"host": "web1"}}""", """{"body": "second", "headers": {}}"""],
                AvroFiles.ReadWithPython(local));
        }
        finally
        {
            File.Delete(local);
        }
    }
}
