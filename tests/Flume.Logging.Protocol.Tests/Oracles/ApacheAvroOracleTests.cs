using System.Buffers;
using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Avro;
using Avro.Generic;
using Avro.IO;
using Flume.Logging.Protocol.Avro;
using Flume.Logging.Protocol.Tests.Avro;
using FsCheck;
using FsCheck.Fluent;

namespace Flume.Logging.Protocol.Tests.Oracles;

/// <summary>
/// Our hand-written Avro codec against Apache.Avro's generic reader and writer over Flume's own protocol schema:
/// whatever one side writes, the other must read back exactly.
/// </summary>
public class ApacheAvroOracleTests
{
    // Avro IPC's handshake records as the Avro specification defines them (org.apache.avro.ipc).
    private const string HandshakeRequestSchema = """
        {"type":"record","name":"HandshakeRequest","namespace":"org.apache.avro.ipc","fields":[
          {"name":"clientHash","type":{"type":"fixed","name":"MD5","size":16}},
          {"name":"clientProtocol","type":["null","string"]},
          {"name":"serverHash","type":"MD5"},
          {"name":"meta","type":["null",{"type":"map","values":"bytes"}]}]}
        """;

    private const string HandshakeResponseSchema = """
        {"type":"record","name":"HandshakeResponse","namespace":"org.apache.avro.ipc","fields":[
          {"name":"match","type":{"type":"enum","name":"HandshakeMatch","symbols":["BOTH","CLIENT","NONE"]}},
          {"name":"serverProtocol","type":["null","string"]},
          {"name":"serverHash","type":["null",{"type":"fixed","name":"MD5","size":16}]},
          {"name":"meta","type":["null",{"type":"map","values":"bytes"}]}]}
        """;

    private static readonly Config Runs = Config.QuickThrowOnFailure.WithMaxTest(200);

    // Batches hold up to 100 events each, some of 64 KiB: fewer runs keep the test near a second.
    private static readonly Config BatchRuns = Config.QuickThrowOnFailure.WithMaxTest(100);

    private static readonly global::Avro.Protocol Flume = global::Avro.Protocol.Parse(AvroSourceProtocol.Text);
    private static readonly RecordSchema EventSchema = (RecordSchema)Flume.Types.Single(t => t.Name == "AvroFlumeEvent");
    private static readonly EnumSchema StatusSchema = (EnumSchema)Flume.Types.Single(t => t.Name == "Status");
    private static readonly ArraySchema BatchSchema = (ArraySchema)Flume.Messages[AvroCall.AppendBatch].Request.Fields[0].Schema;
    private static readonly RecordSchema RequestSchema = (RecordSchema)Schema.Parse(HandshakeRequestSchema);
    private static readonly RecordSchema ResponseSchema = (RecordSchema)Schema.Parse(HandshakeResponseSchema);

    /// <summary>Events whose headers may also be packed UTF-8 (the appenders' path), with bodies up to 64 KiB at times.</summary>
    private static Gen<FlumeEvent> AnyEvent =>
        Gen.Frequency(
            (6, AvroGenerators.Event),
            (2, AvroGenerators.Event.Select(Pack)),
            (1, Gen.Zip(Gen.Choose(16_000, 65_536), Gen.Choose(0, int.MaxValue)).Select(c => new FlumeEvent(LargeBody(c.Item1, c.Item2)))));

    // Seeded rather than element by element: FsCheck builds a 64 KiB array byte by byte too slowly for 200 runs.
    private static byte[] LargeBody(int length, int seed)
    {
        var body = new byte[length];
#pragma warning disable CA5394 // Test data, not security.
        new Random(seed).NextBytes(body);
#pragma warning restore CA5394
        return body;
    }

    [Fact]
    public void Apache_avro_reads_every_event_our_codec_writes()
    {
        Prop.ForAll(AnyEvent.ToArbitrary(), flumeEvent =>
        {
            var output = new ArrayBufferWriter<byte>();
            AvroEventCodec.WriteEvent(output, flumeEvent);
            var (record, rest) = ReadWithApache<GenericRecord>(EventSchema, output.WrittenSpan);
            Assert.Equal(0, rest);
            AssertSame(flumeEvent, record);
        }).Check(Runs);
    }

    [Fact]
    public void Apache_avro_reads_every_batch_our_codec_writes()
    {
        Prop.ForAll(Gen.ListOf(AnyEvent).Select(l => l.ToArray()).ToArbitrary(), events =>
        {
            var output = new ArrayBufferWriter<byte>();
            AvroEventCodec.WriteEvents(output, events, 0, events.Length);
            var (array, rest) = ReadWithApache<object[]>(BatchSchema, output.WrittenSpan);
            Assert.Equal(0, rest);
            Assert.Equal(events.Length, array.Length);
            for (var i = 0; i < events.Length; i++)
            {
                AssertSame(events[i], (GenericRecord)array[i]);
            }
        }).Check(BatchRuns);
    }

    [Fact]
    public void Our_codec_reads_every_event_and_batch_apache_avro_writes()
    {
        Prop.ForAll(Gen.ListOf(AnyEvent).ToArbitrary(), list =>
        {
            var events = list.ToArray();
            var bytes = WriteWithApache(BatchSchema, events.Select(e => (object)ToRecord(e)).ToArray());
            var reader = new AvroReader(bytes);
            Assert.Equal(OperationStatus.Done, AvroEventCodec.ReadEvents(ref reader, int.MaxValue, out var decoded));
            Assert.Equal(0, reader.Remaining);
            Assert.Equal(events.Length, decoded!.Count);
            for (var i = 0; i < events.Length; i++)
            {
                Assert.True(AvroGenerators.SameEvent(events[i], decoded[i]));
            }

            if (events.Length > 0)
            {
                var single = WriteWithApache(EventSchema, ToRecord(events[0]));
                var eventReader = new AvroReader(single);
                Assert.Equal(OperationStatus.Done, AvroEventCodec.ReadEvent(ref eventReader, out var one));
                Assert.Equal(0, eventReader.Remaining);
                Assert.True(AvroGenerators.SameEvent(events[0], one!));
            }
        }).Check(BatchRuns);
    }

    [Fact]
    public void Our_codec_reads_batches_that_apache_avro_writes_in_several_blocks()
    {
        // Apache's writer emits one block per array; Avro also allows many blocks and negative counts followed by a
        // byte size (as Java's BlockingBinaryEncoder writes). Build that framing with Apache's record encoding inside.
        var events = new[] { FlumeEvent.FromText("a"), FlumeEvent.FromText("b", new Dictionary<string, string> { ["k"] = "v" }), new FlumeEvent(Array.Empty<byte>()) };
        using var stream = new MemoryStream();
        var encoder = new BinaryEncoder(stream);
        var eventWriter = new GenericDatumWriter<GenericRecord>(EventSchema);
        encoder.WriteLong(1);
        eventWriter.Write(ToRecord(events[0]), encoder);
        var second = WriteWithApache(EventSchema, ToRecord(events[1])).Concat(WriteWithApache(EventSchema, ToRecord(events[2]))).ToArray();
        encoder.WriteLong(-2);
        encoder.WriteLong(second.Length);
        encoder.WriteFixed(second);
        encoder.WriteLong(0);
        encoder.Flush();

        var reader = new AvroReader(stream.ToArray());
        Assert.Equal(OperationStatus.Done, AvroEventCodec.ReadEvents(ref reader, int.MaxValue, out var decoded));
        Assert.Equal(3, decoded!.Count);
        for (var i = 0; i < events.Length; i++)
        {
            Assert.True(AvroGenerators.SameEvent(events[i], decoded[i]));
        }
    }

    [Theory]
    [InlineData(EventStatus.Ok, "OK")]
    [InlineData(EventStatus.Failed, "FAILED")]
    [InlineData(EventStatus.Unknown, "UNKNOWN")]
    public void Status_encodes_as_apache_avro_encodes_the_flume_status_enum(EventStatus status, string symbol)
    {
        var output = new ArrayBufferWriter<byte>();
        AvroEventCodec.WriteStatus(output, status);
        Assert.Equal(WriteWithApache(StatusSchema, new GenericEnum(StatusSchema, symbol)), output.WrittenSpan.ToArray());

        var reader = new AvroReader(output.WrittenSpan);
        Assert.Equal(OperationStatus.Done, AvroEventCodec.ReadStatus(ref reader, out var read));
        Assert.Equal(status, read);
    }

    [Fact]
    public void Apache_avro_parses_our_protocol_text_as_flumes_protocol()
    {
        Assert.Equal("AvroSourceProtocol", Flume.Name);
        Assert.Equal("org.apache.flume.source.avro", Flume.Namespace);
        Assert.Equal(["append", "appendBatch"], Flume.Messages.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(["OK", "FAILED", "UNKNOWN"], StatusSchema.Symbols);
        Assert.Equal(Flume, global::Avro.Protocol.Parse(Flume.ToString()));
    }

    /// <summary>
    /// The handshake hash is the MD5 of the protocol as the implementation prints it. Java (Flume) omits a named
    /// type's namespace when it equals the protocol's; Apache.Avro for .NET always prints it, so its <c>MD5</c> of
    /// the very same protocol differs from the hash Flume sends and expects (8076c537...). We send Java's hash: a
    /// .NET Avro client would get handshake match NONE from Flume and must resend its protocol text.
    /// </summary>
    [Fact]
    [System.Diagnostics.CodeAnalysis.SuppressMessage("Security", "CA5351", Justification = "The Avro handshake hash is MD5.")]
    public void Protocol_hash_we_send_is_md5_of_the_java_printing_which_apache_avro_dotnet_prints_with_redundant_namespaces()
    {
        var dotnetPrinting = Flume.ToString();
        Assert.Equal(MD5.HashData(Encoding.UTF8.GetBytes(dotnetPrinting)), Flume.MD5);
        Assert.NotEqual(AvroSourceProtocol.Hash, Flume.MD5);

        var javaPrinting = dotnetPrinting.Replace("\"name\":\"Status\",\"namespace\":\"org.apache.flume.source.avro\"", "\"name\":\"Status\"", StringComparison.Ordinal)
            .Replace("\"name\":\"AvroFlumeEvent\",\"namespace\":\"org.apache.flume.source.avro\"", "\"name\":\"AvroFlumeEvent\"", StringComparison.Ordinal);
        Assert.Equal(AvroSourceProtocol.Text, javaPrinting);
        Assert.Equal(AvroSourceProtocol.Hash, MD5.HashData(Encoding.UTF8.GetBytes(javaPrinting)));
    }

    [Fact]
    public void Handshake_requests_round_trip_through_apache_avro_both_ways()
    {
        var hash = Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), AvroHandshakeRequest.HashLength);
        var protocol = Gen.OneOf(Gen.Constant<string?>(null), AvroGenerators.Text.Select(t => (string?)t), Gen.Constant<string?>(AvroSourceProtocol.Text));
        var gen = from client in hash from text in protocol from server in hash from meta in Gen.Elements(false, true) select (client, text, server, meta);
        Prop.ForAll(gen.ToArbitrary(), c =>
        {
            var ours = new ArrayBufferWriter<byte>();
            new AvroHandshakeRequest(c.client, c.text, c.server).Write(ours);
            var (record, rest) = ReadWithApache<GenericRecord>(RequestSchema, ours.WrittenSpan);
            Assert.Equal(0, rest);
            Assert.Equal(c.client, ((GenericFixed)record["clientHash"]).Value);
            Assert.Equal(c.text, (string?)record["clientProtocol"]);
            Assert.Equal(c.server, ((GenericFixed)record["serverHash"]).Value);
            Assert.Null(record["meta"]);

            // Apache's side may send meta, which we skip.
            record.Add("meta", c.meta ? new Dictionary<string, object> { ["trace"] = new byte[] { 1, 2 }, [""] = Array.Empty<byte>() } : null);
            var theirs = WriteWithApache(RequestSchema, record);
            var reader = new AvroReader(theirs);
            Assert.Equal(OperationStatus.Done, AvroHandshakeRequest.Read(ref reader, out var read));
            Assert.Equal(0, reader.Remaining);
            Assert.Equal(c.client, read!.ClientHash);
            Assert.Equal(c.text, read.ClientProtocol);
            Assert.Equal(c.server, read.ServerHash);
        }).Check(Runs);
    }

    [Fact]
    public void Handshake_responses_round_trip_through_apache_avro_both_ways()
    {
        var hash = Gen.OneOf(Gen.Constant<byte[]?>(null), Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b), AvroHandshakeRequest.HashLength).Select(h => (byte[]?)h));
        var protocol = Gen.OneOf(Gen.Constant<string?>(null), AvroGenerators.Text.Select(t => (string?)t));
        var gen = from match in Gen.Elements(AvroHandshakeMatch.Both, AvroHandshakeMatch.Client, AvroHandshakeMatch.None)
                  from text in protocol
                  from server in hash
                  from meta in Gen.Elements(false, true)
                  select (match, text, server, meta);
        Prop.ForAll(gen.ToArbitrary(), c =>
        {
            var ours = new ArrayBufferWriter<byte>();
            new AvroHandshakeResponse(c.match, c.text, c.server).Write(ours);
            var (record, rest) = ReadWithApache<GenericRecord>(ResponseSchema, ours.WrittenSpan);
            Assert.Equal(0, rest);
            Assert.Equal(c.match.ToString().ToUpperInvariant(), ((GenericEnum)record["match"]).Value);
            Assert.Equal(c.text, (string?)record["serverProtocol"]);
            Assert.Equal(c.server, (record["serverHash"] as GenericFixed)?.Value);

            record.Add("meta", c.meta ? new Dictionary<string, object> { ["k"] = new byte[300] } : null);
            var reader = new AvroReader(WriteWithApache(ResponseSchema, record));
            Assert.Equal(OperationStatus.Done, AvroHandshakeResponse.Read(ref reader, out var read));
            Assert.Equal(0, reader.Remaining);
            Assert.Equal(c.match, read!.Match);
            Assert.Equal(c.text, read.ServerProtocol);
            Assert.Equal(c.server, read.ServerHash);
        }).Check(Runs);
    }

    private static (T Value, long Left) ReadWithApache<T>(Schema schema, ReadOnlySpan<byte> bytes)
    {
        using var stream = new MemoryStream(bytes.ToArray());
        var value = new GenericDatumReader<T>(schema, schema).Read(default!, new BinaryDecoder(stream));
        return (value, stream.Length - stream.Position);
    }

    private static byte[] WriteWithApache<T>(Schema schema, T value)
    {
        using var stream = new MemoryStream();
        var encoder = new BinaryEncoder(stream);
        new GenericDatumWriter<T>(schema).Write(value, encoder);
        encoder.Flush();
        return stream.ToArray();
    }

    private static GenericRecord ToRecord(FlumeEvent flumeEvent)
    {
        var record = new GenericRecord(EventSchema);
        record.Add("headers", flumeEvent.Headers.ToDictionary(h => h.Key, h => (object)h.Value, StringComparer.Ordinal));
        record.Add("body", flumeEvent.Body.ToArray());
        return record;
    }

    private static void AssertSame(FlumeEvent expected, GenericRecord actual)
    {
        Assert.Equal(expected.Body.ToArray(), (byte[])actual["body"]);
        var headers = (IDictionary<string, object>)actual["headers"];
        Assert.Equal(expected.Headers.Count, headers.Count);
        foreach (var (key, value) in expected.Headers)
        {
            Assert.Equal(value, (string)headers[key]);
        }
    }

    private static FlumeEvent Pack(FlumeEvent flumeEvent)
    {
        var bytes = new List<byte>();
        Span<byte> length = stackalloc byte[PackedHeaders.LengthPrefix];
        foreach (var (key, value) in flumeEvent.Headers)
        {
            foreach (var text in new[] { key, value })
            {
                var utf8 = Encoding.UTF8.GetBytes(text);
                BinaryPrimitives.WriteInt32LittleEndian(length, utf8.Length);
                bytes.AddRange(length.ToArray());
                bytes.AddRange(utf8);
            }
        }

        return new FlumeEvent(new PackedHeaders(bytes.ToArray(), flumeEvent.Headers.Count), flumeEvent.Body);
    }
}
