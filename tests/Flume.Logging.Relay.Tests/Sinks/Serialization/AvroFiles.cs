using Avro.File;
using Avro.Generic;
using Flume.Logging.Relay.Sinks.Serialization;
using Flume.Logging.Testing;

namespace Flume.Logging.Relay.Tests.Sinks.Serialization;

/// <summary>Reads avro_event files back with the independent python3-avro and with Apache.Avro.</summary>
internal static class AvroFiles
{
    private const string Script = """
        import json, sys, avro.datafile, avro.io
        with open(sys.argv[1], 'rb') as f:
            reader = avro.datafile.DataFileReader(f, avro.io.DatumReader())
            print('codec=' + (reader.get_meta('avro.codec') or b'null').decode())
            for record in reader:
                print(json.dumps({'headers': record['headers'], 'body': record['body'].decode('utf-8')}, sort_keys=True))
        """;

    static AvroFiles() =>
        Codec.RegisterResolver(name => name == AvroSnappyCodec.Name ? new AvroSnappyCodec() : null);

    /// <summary>The codec line then one JSON line per record, as python3-avro reads the file.</summary>
    public static string[] ReadWithPython(string path)
    {
        Python.RequireModules("avro.datafile");
        using var python = PeerProcess.Start(Python.Executable, ["-c", Script, path]);
        Assert.True(python.WaitForExit(TimeSpan.FromSeconds(30)), "python3-avro did not finish");
        Assert.True(python.ExitCode == 0, python.Output);
        return [.. python.Lines];
    }

    /// <summary>The records as (headers, body text), read with Apache.Avro's DataFileReader.</summary>
    public static List<(IDictionary<string, object> Headers, string Body)> ReadWithApacheAvro(Stream stream)
    {
        using var reader = DataFileReader<GenericRecord>.OpenReader(stream, AvroEventSerializer.EventSchema, leaveOpen: true);
        var records = new List<(IDictionary<string, object>, string)>();
        while (reader.HasNext())
        {
            var record = reader.Next();
            records.Add(((IDictionary<string, object>)record["headers"], System.Text.Encoding.UTF8.GetString((byte[])record["body"])));
        }

        return records;
    }
}
