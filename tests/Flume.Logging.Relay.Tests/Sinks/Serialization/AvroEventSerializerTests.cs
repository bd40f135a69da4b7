using Flume.Logging.Protocol;
using Flume.Logging.Relay.Config;
using Flume.Logging.Relay.Sinks.Serialization;

namespace Flume.Logging.Relay.Tests.Sinks.Serialization;

public sealed class AvroEventSerializerTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("avro-event-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static IEventSerializer Create(Stream output, params (string Key, string Value)[] settings)
    {
        var properties = settings.ToDictionary(p => "serializer." + p.Key, p => p.Value);
        properties["serializer"] = "avro_event";
        return EventSerializerFactory.From(new ComponentContext("k1", "a1.sinks.k1.", properties), "serializer").Create(output);
    }

    private string WriteFile(int events, params (string Key, string Value)[] settings)
    {
        var path = Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".avro");
        using var file = File.Create(path);
        var serializer = Create(file, settings);
        serializer.AfterCreate();
        for (var i = 0; i < events; i++)
        {
            serializer.Write(FlumeEvent.FromText($"event {i}", new Dictionary<string, string> { ["seq"] = $"{i}", ["host"] = "h1" }));
            if (i % 3 == 2)
            {
                serializer.Flush();
            }
        }

        serializer.BeforeClose();
        (serializer as IDisposable)?.Dispose();
        return path;
    }

    [Theory]
    [InlineData("null")]
    [InlineData("deflate")]
    public void Python3_avro_reads_every_event_with_its_headers(string codec)
    {
        var path = WriteFile(7, ("compressionCodec", codec));

        var lines = AvroFiles.ReadWithPython(path);

        Assert.Equal($"codec={codec}", lines[0]);
        Assert.Equal(
            [.. Enumerable.Range(0, 7).Select(i => $$$"""{"body": "event {{{i}}}", "headers": {"host": "h1", "seq": "{{{i}}}"}}""")],
            lines.Skip(1));
    }

    [Theory]
    [InlineData("null")]
    [InlineData("deflate")]
    [InlineData("snappy")]
    public void Apache_avro_reads_every_event_back_across_small_sync_intervals(string codec)
    {
        var path = WriteFile(50, ("compressionCodec", codec), ("syncIntervalBytes", "64"));

        using var file = File.OpenRead(path);
        var records = AvroFiles.ReadWithApacheAvro(file);

        Assert.Equal([.. Enumerable.Range(0, 50).Select(i => $"event {i}")], records.Select(r => r.Body));
        Assert.Equal("49", records[^1].Headers["seq"]);
    }

    [Fact]
    public void A_file_that_got_no_event_is_still_a_valid_empty_avro_file()
    {
        var path = WriteFile(0);

        Assert.Equal(["codec=null"], AvroFiles.ReadWithPython(path));
    }

    [Fact]
    public void Avro_event_cannot_continue_an_existing_file()
    {
        var serializer = Create(new MemoryStream());

        Assert.False(serializer.SupportsReopen);
        Assert.Throws<NotSupportedException>(serializer.AfterReopen);
    }

    [Fact]
    public void A_flushed_batch_is_readable_before_the_file_is_closed()
    {
        using var output = new MemoryStream();
        var serializer = Create(output);
        serializer.AfterCreate();
        serializer.Write(FlumeEvent.FromText("first"));
        serializer.Flush();

        output.Position = 0;
        Assert.Equal(["first"], AvroFiles.ReadWithApacheAvro(output).Select(r => r.Body));
    }
}
