using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Flume.Logging.Relay.Sources.Http;
using FsCheck;
using FsCheck.Fluent;

namespace Flume.Logging.Relay.Tests.Sources.Http;

public sealed class JsonHandlerPropertyTests
{
    private static readonly string[] Fragments =
    [
        "[", "]", "{", "}", ":", ",", " ", "\n", "\"headers\"", "\"body\"", "\"x\"", "\"\\u00e9\"", "\"\\ud800\"", "\"\\\"",
        "\\", "1", "-2.5e3", "null", "true", "false", "//", "/*", "*/", "'", "\"é\"",
    ];

    private static readonly string?[] ContentTypes =
        [null, "application/json", "application/json; charset=UTF-16", "application/json; charset=utf-32", "application/json; charset=latin1"];

    private static readonly char[] Special = ['"', '\\', '/', '\n', '\t', '\u0000', '\u001f', '\u007f', 'é', 'ж', '日', '€', '\u2028', '<', '&'];

    private static Gen<byte[]> JsonLikeBytes() =>
        Gen.Frequency(
            (8, Gen.Elements(Fragments).Select(Encoding.UTF8.GetBytes)),
            (1, Gen.Choose(0, 255).Select(b => new[] { (byte)b })))
        .ArrayOf()
        .Select(parts => parts.SelectMany(p => p).ToArray());

    private static Gen<string> Text() =>
        Gen.Frequency(
            (6, Gen.Choose(0x20, 0x7e).Select(c => (char)c)),
            (2, Gen.Elements(Special)))
        .ArrayOf()
        .Select(chars => new string(chars));

    [Fact]
    public void No_input_makes_the_parser_throw_anything_but_a_bad_request()
    {
        Prop.ForAll(
            Gen.Zip(JsonLikeBytes(), Gen.Elements(ContentTypes)).ToArbitrary(),
            input =>
            {
                try
                {
                    JsonHandler.Parse(input.Item1, input.Item2);
                }
                catch (HttpBadRequestException)
                {
                    // A clear refusal is a fine answer; anything else would be a 500 or a crash.
                }
            }).Check(FsCheck.Config.QuickThrowOnFailure.WithMaxTest(2000).WithEndSize(80));
    }

    [Fact]
    public void Any_events_written_as_JSON_read_back_with_the_same_headers_and_bodies()
    {
        var events = Gen.Zip(Gen.Zip(Text(), Text()).ListOf(), Text()).ListOf();
        Prop.ForAll(
            Gen.Zip(events, Gen.Elements(true, false)).ToArbitrary(),
            input =>
            {
                var (written, escapeNonAscii) = input;
                var expected = written.Select(e => (Headers: e.Item1.DistinctBy(h => h.Item1).ToList(), Body: e.Item2)).ToList();

                var read = JsonHandler.Parse(Write(expected, escapeNonAscii), "application/json");

                return read.Count == expected.Count
                    && read.Zip(expected).All(pair =>
                        pair.First.Body.Span.SequenceEqual(Encoding.UTF8.GetBytes(pair.Second.Body))
                        && pair.First.Headers.Count == pair.Second.Headers.Count
                        && pair.Second.Headers.All(h => pair.First.Headers.TryGetValue(h.Item1, out var v) && v == h.Item2));
            }).Check(FsCheck.Config.QuickThrowOnFailure.WithMaxTest(500).WithEndSize(30));
    }

    /// <summary>Flume's JSON event array as a client library writes it, escaping non-ASCII or not.</summary>
    private static byte[] Write(List<(List<(string, string)> Headers, string Body)> events, bool escapeNonAscii)
    {
        var output = new ArrayBufferWriter<byte>();
        var options = new JsonWriterOptions { Encoder = escapeNonAscii ? JavaScriptEncoder.Default : JavaScriptEncoder.UnsafeRelaxedJsonEscaping };
        using (var writer = new Utf8JsonWriter(output, options))
        {
            writer.WriteStartArray();
            foreach (var (headers, body) in events)
            {
                writer.WriteStartObject();
                writer.WriteStartObject("headers");
                foreach (var (key, value) in headers)
                {
                    writer.WriteString(key, value);
                }

                writer.WriteEndObject();
                writer.WriteString("body", body);
                writer.WriteEndObject();
            }

            writer.WriteEndArray();
        }

        return output.WrittenSpan.ToArray();
    }
}
