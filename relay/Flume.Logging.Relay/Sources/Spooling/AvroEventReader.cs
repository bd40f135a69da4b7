using Avro;
using Avro.File;
using Avro.Generic;
using Avro.IO;

namespace Flume.Logging.Relay.Sources.Spooling;

/// <summary>
/// Flume's <c>AvroEventDeserializer</c>: each record of an Avro object container file becomes one event whose body
/// is the record in Avro binary encoding and whose headers name the writer's schema (by hash or literally).
/// </summary>
/// <remarks>
/// <see cref="Position"/> counts records rather than bytes: Flume resumes at the last block boundary and so sends
/// part of a block again after a rollback or restart; counting records resumes exactly where the last commit ended,
/// at the cost of decoding the skipped records once when a file is resumed.
/// </remarks>
internal sealed class AvroEventReader : ISpoolEventReader
{
    public const string SchemaHashHeader = "flume.avro.schema.hash";
    public const string SchemaLiteralHeader = "flume.avro.schema.literal";

    private readonly FileStream _stream;
    private readonly MemoryStream _buffer = new();
    private IFileReader<object> _reader;
    private GenericDatumWriter<object>? _writer;

    public AvroEventReader(FileStream stream, long position, SpoolAvroSchemaType schemaType)
    {
        _stream = stream;
        _reader = Open();
        var schema = _reader.GetSchema();
        Headers = schemaType == SpoolAvroSchemaType.Hash
            ? new Dictionary<string, string>(1, StringComparer.Ordinal) { [SchemaHashHeader] = Convert.ToHexStringLower(SchemaNormalization.ParsingFingerprint("CRC-64-AVRO", schema)) }
            : new Dictionary<string, string>(1, StringComparer.Ordinal) { [SchemaLiteralHeader] = schema.ToString() };
        Skip(position);
    }

    /// <summary>Records read so far.</summary>
    public long Position { get; private set; }

    /// <summary>The schema header every event of this file carries.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    public void Seek(long position)
    {
        _reader.Dispose();
        _reader = Open();
        Position = 0;
        Skip(position);
    }

    public bool TryReadEvent(out byte[] body)
    {
        object record;
        try
        {
            if (!_reader.HasNext())
            {
                body = [];
                return false;
            }

            record = _reader.Next();
        }
        catch (Exception e) when (IsMalformed(e))
        {
            throw new IOException($"a block after record {Position} is corrupt: {e.Message}", e);
        }

        _writer ??= new GenericDatumWriter<object>(_reader.GetSchema());
        _buffer.SetLength(0);
        _writer.Write(record, new BinaryEncoder(_buffer));
        body = _buffer.ToArray();
        Position++;
        return true;
    }

    public void Dispose()
    {
        _reader.Dispose();
        _stream.Dispose();
    }

    private IFileReader<object> Open()
    {
        _stream.Position = 0;
        try
        {
            return DataFileReader<object>.OpenReader(_stream, leaveOpen: true);
        }
        catch (Exception e) when (IsMalformed(e))
        {
            // The source isolates a file it cannot read; an invalid container is that, not a crash of the source.
            throw new IOException($"it is not an Avro object container file: {e.Message}", e);
        }
    }

    /// <summary>
    /// Whether Apache.Avro failed on the file's content. Its exception types are no contract: besides AvroException, a
    /// malformed header or schema gives Newtonsoft's JsonReaderException, ArgumentNullException or OverflowException
    /// (found by fuzzing), and a file cut short an EndOfStreamException; so everything but running out of memory, a
    /// cancellation or a failed read of the file itself counts as a broken file.
    /// </summary>
    private static bool IsMalformed(Exception e) =>
        e is EndOfStreamException || e is not (OutOfMemoryException or OperationCanceledException or IOException);

    private void Skip(long records)
    {
        while (Position < records && _reader.HasNext())
        {
            _reader.Next();
            Position++;
        }
    }
}
