using Avro;
using Avro.File;
using Avro.Generic;
using Avro.IO;
using Flume.Logging.Relay.Sources.Spooling;

namespace Flume.Logging.Relay.Tests.Sources.Spooling;

public sealed class AvroEventReaderTests : IDisposable
{
    private const string SchemaJson = """{"type":"record","name":"Line","namespace":"test","fields":[{"name":"n","type":"int"},{"name":"text","type":"string"}]}""";

    private static readonly RecordSchema LineSchema = (RecordSchema)Schema.Parse(SchemaJson);

    private readonly string _directory = Directory.CreateTempSubdirectory("spool-avro-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    /// <summary>An Avro container file of <paramref name="count"/> records, a block every <paramref name="perBlock"/> records.</summary>
    internal static byte[] ContainerFile(int count, int perBlock)
    {
        using var output = new MemoryStream();
        using (var writer = DataFileWriter<GenericRecord>.OpenWriter(new GenericDatumWriter<GenericRecord>(LineSchema), output, Codec.CreateCodec(Codec.Type.Deflate), leaveOpen: true))
        {
            for (var i = 0; i < count; i++)
            {
                writer.Append(Record(i));
                if ((i + 1) % perBlock == 0)
                {
                    writer.Sync();
                }
            }
        }

        return output.ToArray();
    }

    internal static GenericRecord Record(int n)
    {
        var record = new GenericRecord(LineSchema);
        record.Add("n", n);
        record.Add("text", $"line {n}");
        return record;
    }

    internal static GenericRecord Decode(byte[] body) =>
        new GenericDatumReader<GenericRecord>(LineSchema, LineSchema).Read(null!, new BinaryDecoder(new MemoryStream(body)));

    private AvroEventReader Open(byte[] content, SpoolAvroSchemaType schemaType, long position = 0)
    {
        var path = Path.Combine(_directory, Guid.NewGuid().ToString("N"));
        File.WriteAllBytes(path, content);
        return new AvroEventReader(new FileStream(path, FileMode.Open, FileAccess.Read), position, schemaType);
    }

    [Fact]
    public void Each_record_is_an_event_with_the_record_binary_encoded_and_the_schema_hash_in_a_header()
    {
        using var reader = Open(ContainerFile(5, perBlock: 2), SpoolAvroSchemaType.Hash);

        var bodies = new List<byte[]>();
        while (reader.TryReadEvent(out var body))
        {
            bodies.Add(body);
        }

        Assert.Equal([0, 1, 2, 3, 4], bodies.Select(b => (int)Decode(b)["n"]));
        Assert.Equal("line 3", Decode(bodies[3])["text"]);

        // Flume writes the CRC-64-AVRO parsing fingerprint as its 8 little-endian bytes in hex.
        var fingerprint = BitConverter.GetBytes(SchemaNormalization.ParsingFingerprint64(LineSchema));
        Assert.True(BitConverter.IsLittleEndian);
        Assert.Equal(Convert.ToHexStringLower(fingerprint), reader.Headers[AvroEventReader.SchemaHashHeader]);
        Assert.Equal(16, reader.Headers[AvroEventReader.SchemaHashHeader].Length);
        Assert.False(reader.Headers.ContainsKey(AvroEventReader.SchemaLiteralHeader));
    }

    [Fact]
    public void Literal_schema_type_carries_the_schema_json()
    {
        using var reader = Open(ContainerFile(1, perBlock: 1), SpoolAvroSchemaType.Literal);

        Assert.Equal(LineSchema, Schema.Parse(reader.Headers[AvroEventReader.SchemaLiteralHeader]));
        Assert.False(reader.Headers.ContainsKey(AvroEventReader.SchemaHashHeader));
    }

    [Fact]
    public void Reading_resumes_at_the_exact_record_after_a_seek_or_a_reopen_even_mid_block()
    {
        var content = ContainerFile(7, perBlock: 3);
        using (var reader = Open(content, SpoolAvroSchemaType.Hash))
        {
            Assert.True(reader.TryReadEvent(out _));
            Assert.True(reader.TryReadEvent(out _));
            var committed = reader.Position;
            Assert.Equal(2, committed);
            Assert.True(reader.TryReadEvent(out _));
            Assert.True(reader.TryReadEvent(out _));

            reader.Seek(committed);
            Assert.True(reader.TryReadEvent(out var again));
            Assert.Equal(2, (int)Decode(again)["n"]);
        }

        using var reopened = Open(content, SpoolAvroSchemaType.Hash, position: 4);
        var rest = new List<int>();
        while (reopened.TryReadEvent(out var body))
        {
            rest.Add((int)Decode(body)["n"]);
        }

        Assert.Equal([4, 5, 6], rest);
        Assert.Equal(7, reopened.Position);
    }

    [Fact]
    public void A_file_that_is_not_an_avro_container_is_an_io_error_so_the_source_isolates_it()
    {
        var error = Assert.Throws<IOException>(() => Open("just text\n"u8.ToArray(), SpoolAvroSchemaType.Hash));
        Assert.Contains("not an Avro object container file", error.Message, StringComparison.Ordinal);
    }

    // Found by fuzzing: Apache.Avro answers a damaged header or schema with Newtonsoft's JsonReaderException,
    // ArgumentNullException or OverflowException, which reached the source as "reading it failed unexpectedly".
    [Theory]
    [InlineData("\"name\"", "\"n\u0000me\"")]
    [InlineData("\"fields\"", "\"fieldsX")]
    [InlineData("avro.schema", "avro.schemX")]
    public void A_container_whose_header_or_schema_is_damaged_is_an_io_error_naming_it(string original, string damaged)
    {
        var file = ContainerFile(3, 3);
        var text = System.Text.Encoding.Latin1.GetString(file);
        var at = text.IndexOf(original, StringComparison.Ordinal);
        Assert.True(at >= 0);
        var broken = System.Text.Encoding.Latin1.GetBytes(text[..at] + damaged + text[(at + damaged.Length)..]);

        var error = Assert.Throws<IOException>(() =>
        {
            using var reader = Open(broken, SpoolAvroSchemaType.Hash);
            while (reader.TryReadEvent(out _))
            {
            }
        });
        Assert.Contains("not an Avro object container file", error.Message, StringComparison.Ordinal);
    }
}
