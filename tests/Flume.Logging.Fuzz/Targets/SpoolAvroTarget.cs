using Avro;
using Avro.File;
using Avro.Generic;
using Flume.Logging.Relay.Sources.Spooling;

namespace Flume.Logging.Fuzz.Targets;

/// <summary>
/// An Avro object container file dropped in a spooling directory (<c>deserializer = AVRO</c>), read to its end as the
/// source reads it, Apache.Avro included. An <see cref="IOException"/> (the source isolates the file, naming why) is
/// the expected answer to a broken file; anything else would reach the source as "failed unexpectedly".
/// </summary>
internal sealed class SpoolAvroTarget : IFuzzTarget
{
    private static readonly string Path = System.IO.Path.Combine(
        Directory.Exists("/dev/shm") ? "/dev/shm" : System.IO.Path.GetTempPath(), $"flume-fuzz-spool-{Environment.ProcessId}.avro");

    public string Name => "spooldir-avro";

    public void Run(byte[] input)
    {
        File.WriteAllBytes(Path, input);
        try
        {
            using var reader = new AvroEventReader(new FileStream(Path, FileMode.Open, FileAccess.Read), 0, SpoolAvroSchemaType.Hash);
            for (var i = 0; i < 10_000 && reader.TryReadEvent(out _); i++)
            {
            }
        }
        catch (IOException)
        {
            // Isolated with the reason.
        }
    }

    public IEnumerable<byte[]> Seeds()
    {
        var schema = (RecordSchema)Schema.Parse("""{"type":"record","name":"Line","fields":[{"name":"n","type":"int"},{"name":"text","type":"string"},{"name":"tags","type":{"type":"map","values":"string"}}]}""");
        foreach (var codec in new[] { Codec.Type.Null, Codec.Type.Deflate })
        {
            using var output = new MemoryStream();
            using (var writer = DataFileWriter<GenericRecord>.OpenWriter(new GenericDatumWriter<GenericRecord>(schema), output, Codec.CreateCodec(codec), leaveOpen: true))
            {
                for (var i = 0; i < 3; i++)
                {
                    var record = new GenericRecord(schema);
                    record.Add("n", i);
                    record.Add("text", $"line {i}");
                    record.Add("tags", new Dictionary<string, object> { ["k"] = "v" });
                    writer.Append(record);
                }
            }

            yield return output.ToArray();
        }
    }
}
