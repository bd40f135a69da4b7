using Avro;
using Avro.File;
using Avro.Generic;
using Flume.Logging.Protocol;

namespace Flume.Logging.Relay.Sinks.Serialization;

/// <summary>
/// Flume's <c>avro_event</c> serializer (FlumeEventAvroEventSerializer): an Avro object container file of Flume's
/// event record <c>{headers: map&lt;string&gt;, body: bytes}</c>, written with Apache.Avro's
/// <see cref="DataFileWriter{T}"/>. Each <see cref="Flush"/> ends the current block, so a flushed batch is readable.
/// Cannot continue an existing file, as in Flume: the Avro header and sync marker belong to the writer that made it.
/// </summary>
internal sealed class AvroEventSerializer : IEventSerializer, IDisposable
{
    /// <summary>Flume's event schema, as its AvroEventSerializer declares it.</summary>
    internal static readonly RecordSchema EventSchema = (RecordSchema)Schema.Parse(
        """{"type":"record","name":"Event","fields":[{"name":"headers","type":{"type":"map","values":"string"}},{"name":"body","type":"bytes"}]}""");

    private readonly IFileWriter<GenericRecord> _writer;

    public AvroEventSerializer(Stream output, AvroEventSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var codec = options.CompressionCodec switch
        {
            "deflate" => Codec.CreateCodec(Codec.Type.Deflate),
            AvroSnappyCodec.Name => new AvroSnappyCodec(),
            _ => Codec.CreateCodec(Codec.Type.Null),
        };
        _writer = DataFileWriter<GenericRecord>.OpenWriter(new GenericDatumWriter<GenericRecord>(EventSchema), output, codec, leaveOpen: true);
        _writer.SetSyncInterval(options.SyncIntervalBytes);
    }

    public bool SupportsReopen => false;

    /// <summary>Writes the container header now, so even a file that never gets an event is a valid Avro file.</summary>
    public void AfterCreate() => _writer.Flush();

    public void AfterReopen() => throw new NotSupportedException("avro_event cannot continue an existing Avro file.");

    public void Write(FlumeEvent flumeEvent)
    {
        ArgumentNullException.ThrowIfNull(flumeEvent);
        var record = new GenericRecord(EventSchema);
        record.Add("headers", new Dictionary<string, object>(flumeEvent.Headers.Select(h => KeyValuePair.Create(h.Key, (object)h.Value)), StringComparer.Ordinal));
        record.Add("body", flumeEvent.Body.ToArray());
        _writer.Append(record);
    }

    public void Flush() => _writer.Flush();

    public void BeforeClose() => _writer.Flush();

    public void Dispose() => _writer.Dispose();
}
