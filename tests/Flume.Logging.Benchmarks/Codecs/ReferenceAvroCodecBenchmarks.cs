using Avro;
using Avro.Generic;
using Avro.IO;
using BenchmarkDotNet.Attributes;
using Flume.Logging.Protocol.Avro;

namespace Flume.Logging.Benchmarks.Codecs;

/// <summary>
/// Apache.Avro's generic writer and reader on the same <c>appendBatch</c> parameter (an array of 100
/// AvroFlumeEvent records) that <see cref="AvroCodecBenchmarks"/> encodes and decodes by hand: the number behind
/// keeping our own hot path. The records are built once outside the measurement (the best case for Apache.Avro;
/// a client would also have to turn each FlumeEvent into a GenericRecord).
/// </summary>
[MemoryDiagnoser]
public class ReferenceAvroCodecBenchmarks
{
    private readonly MemoryStream _output = new(16 * 1024);
    private ArraySchema _schema = null!;
    private GenericDatumWriter<object[]> _writer = null!;
    private GenericDatumReader<object[]> _reader = null!;
    private object[] _records = [];
    private byte[] _bytes = [];

    /// <summary>Headers per event.</summary>
    [Params(0, 3)]
    public int Headers { get; set; }

    /// <summary>Parses Flume's protocol and builds the records and the bytes the decode benchmark reads.</summary>
    [GlobalSetup]
    public void Setup()
    {
        var protocol = Avro.Protocol.Parse(AvroSourceProtocol.Text);
        _schema = (ArraySchema)protocol.Messages[AvroCall.AppendBatch].Request.Fields[0].Schema;
        var record = (RecordSchema)_schema.ItemSchema;
        _records = Batches.Create(Headers).Select(e =>
        {
            var r = new GenericRecord(record);
            r.Add("headers", e.Headers.ToDictionary(h => h.Key, h => (object)h.Value, StringComparer.Ordinal));
            r.Add("body", e.Body.ToArray());
            return (object)r;
        }).ToArray();
        _writer = new GenericDatumWriter<object[]>(_schema);
        _reader = new GenericDatumReader<object[]>(_schema, _schema);
        Encode();
        _bytes = _output.ToArray();
        if (Decode() != Batches.Size)
        {
            throw new InvalidOperationException("the encoded batch does not decode to the same number of events");
        }
    }

    /// <summary>Writes the 100 records as the array parameter.</summary>
    [Benchmark(OperationsPerInvoke = Batches.Size)]
    public long Encode()
    {
        _output.SetLength(0);
        var encoder = new BinaryEncoder(_output);
        _writer.Write(_records, encoder);
        encoder.Flush();
        return _output.Length;
    }

    /// <summary>Reads the array parameter back into 100 records.</summary>
    [Benchmark(OperationsPerInvoke = Batches.Size)]
    public int Decode()
    {
        using var input = new MemoryStream(_bytes, writable: false);
        return _reader.Read(null!, new BinaryDecoder(input)).Length;
    }
}
