using System.Text.Encodings.Web;
using System.Text.Json;

namespace Flume.Logging.Relay.Sources.Taildir;

/// <summary>
/// Flume's taildir position file: a JSON array of <c>{"inode":..,"pos":..,"file":".."}</c>, so a file written by
/// Flume is read here and the other way round. Written to a temporary file and renamed over the old one, so a
/// crash leaves either the old or the new content, never a torn one.
/// </summary>
internal static class TaildirPositionFile
{
    /// <summary>The entries of the file at <paramref name="path"/>; empty when it does not exist.</summary>
    /// <exception cref="InvalidDataException">The file is not a position file; the message says where and why.</exception>
    public static List<TaildirPosition> Read(string path)
    {
        byte[] json;
        try
        {
            json = File.ReadAllBytes(path);
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException)
        {
            return [];
        }

        if (json.AsSpan().Trim(" \t\r\n"u8).IsEmpty)
        {
            return [];
        }

        try
        {
            return Parse(json);
        }
        catch (JsonException e)
        {
            throw new InvalidDataException($"{path} is not a taildir position file: {e.Message}", e);
        }
    }

    /// <summary>Replaces the file at <paramref name="path"/> with <paramref name="positions"/>, atomically and durably.</summary>
    public static void Write(string path, IReadOnlyList<TaildirPosition> positions)
    {
        ArgumentNullException.ThrowIfNull(positions);
        var temporary = path + ".tmp";
        using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 4096))
        {
            // Paths as written (non-ASCII unescaped), as Gson writes them for Flume.
            using (var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
            {
                writer.WriteStartArray();
                foreach (var position in positions)
                {
                    writer.WriteStartObject();
                    writer.WriteNumber("inode", position.Inode);
                    writer.WriteNumber("pos", position.Pos);
                    writer.WriteString("file", position.File);
                    writer.WriteEndObject();
                }

                writer.WriteEndArray();
            }

            // On disk before the rename, or a power cut could leave the new name on empty content.
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    private static List<TaildirPosition> Parse(byte[] json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip });
        var positions = new List<TaildirPosition>();
        Expect(ref reader, JsonTokenType.StartArray, "a JSON array");
        while (Next(ref reader) != JsonTokenType.EndArray)
        {
            Expect(reader.TokenType == JsonTokenType.StartObject, reader, "an object {\"inode\":..,\"pos\":..,\"file\":..}");
            long? inode = null;
            long? pos = null;
            string? file = null;
            while (Next(ref reader) != JsonTokenType.EndObject)
            {
                var name = reader.GetString();
                Next(ref reader);
                switch (name)
                {
                    case "inode":
                        inode = reader.GetInt64();
                        break;
                    case "pos":
                        pos = reader.GetInt64();
                        break;
                    case "file":
                        file = reader.GetString();
                        break;
                    default:
                        reader.Skip();
                        break;
                }
            }

            if (inode is null || pos is null || file is null)
            {
                throw new JsonException($"an entry lacks inode, pos or file (inode: {inode}, pos: {pos}, file: {file}), before byte {reader.BytesConsumed}");
            }

            Expect(pos >= 0, reader, "a non-negative pos");
            positions.Add(new TaildirPosition(inode.Value, pos.Value, file));
        }

        return positions;
    }

    private static JsonTokenType Next(ref Utf8JsonReader reader) =>
        reader.Read() ? reader.TokenType : throw new JsonException($"the JSON ends early, at byte {reader.BytesConsumed}");

    private static void Expect(ref Utf8JsonReader reader, JsonTokenType type, string what) =>
        Expect(Next(ref reader) == type, reader, what);

    private static void Expect(bool condition, in Utf8JsonReader reader, string what)
    {
        if (!condition)
        {
            throw new JsonException($"expected {what} at byte {reader.TokenStartIndex}");
        }
    }
}
