using System.Text;
using Flume.Logging.Relay.Sources.Spooling;

namespace Flume.Logging.Relay.Tests.Sources.Spooling;

public sealed class LineEventReaderTests : IDisposable
{
    private static readonly string[] Pieces = ["a", "é", "😀", "\r"];

    private readonly string _directory = Directory.CreateTempSubdirectory("spool-reader-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private LineEventReader Open(byte[] content, int maxLineLength = 2048, string inputCharset = "UTF-8",
        DecodeErrorPolicy policy = DecodeErrorPolicy.Fail, Encoding? output = null)
    {
        var path = Path.Combine(_directory, Guid.NewGuid().ToString("N"));
        File.WriteAllBytes(path, content);
        return new LineEventReader(new FileStream(path, FileMode.Open, FileAccess.Read), inputCharset, policy, output ?? Encoding.UTF8, maxLineLength);
    }

    private static List<byte[]> ReadAll(ISpoolEventReader reader)
    {
        var bodies = new List<byte[]>();
        while (reader.TryReadEvent(out var body))
        {
            bodies.Add(body);
        }

        return bodies;
    }

    private static List<string> Texts(ISpoolEventReader reader) => ReadAll(reader).Select(Encoding.UTF8.GetString).ToList();

    [Fact]
    public void One_event_per_line_keeping_a_carriage_return_as_flume_does()
    {
        using var reader = Open("first\r\nsecond\n\nlast without newline"u8.ToArray());

        Assert.Equal(["first\r", "second", "", "last without newline"], Texts(reader));
    }

    [Fact]
    public void An_empty_file_has_no_events()
    {
        using var reader = Open([]);

        Assert.Empty(ReadAll(reader));
        Assert.Equal(0, reader.Position);
    }

    [Fact]
    public void A_long_line_is_cut_into_max_line_length_pieces_whose_rest_follows()
    {
        using var reader = Open("abcdefghij\nxy\n"u8.ToArray(), maxLineLength: 4);

        Assert.Equal(["abcd", "efgh", "ij", "xy"], Texts(reader));
    }

    [Fact]
    public void A_line_of_exactly_max_line_length_is_followed_by_an_empty_event_as_in_flume()
    {
        // Flume's LineDeserializer stops at the limit before seeing the newline, which then reads as an empty line.
        using var reader = Open("abcd\nxy\n"u8.ToArray(), maxLineLength: 4);

        Assert.Equal(["abcd", "", "xy"], Texts(reader));
    }

    [Fact]
    public void Max_line_length_counts_characters_not_bytes_and_never_splits_a_surrogate_pair()
    {
        using var reader = Open(Encoding.UTF8.GetBytes("ééé😀é\n"), maxLineLength: 4);

        Assert.Equal(["ééé😀", "é"], Texts(reader));
    }

    [Fact]
    public void Input_charset_decodes_and_output_charset_encodes()
    {
        var latin1 = Encoding.Latin1.GetBytes("café\nnaïve\n");
        using var reader = Open(latin1, inputCharset: "ISO-8859-1", output: Encoding.Unicode);

        Assert.Equal(["café", "naïve"], ReadAll(reader).Select(Encoding.Unicode.GetString).ToList());
    }

    [Fact]
    public void Decode_error_policy_fail_throws_on_bad_bytes()
    {
        using var reader = Open([(byte)'o', (byte)'k', (byte)'\n', (byte)'a', 0xFF, (byte)'b', (byte)'\n']);

        Assert.True(reader.TryReadEvent(out var first));
        Assert.Equal("ok", Encoding.UTF8.GetString(first));
        Assert.Throws<DecoderFallbackException>(() => reader.TryReadEvent(out _));
    }

    [Fact]
    public void Decode_error_policy_fail_throws_on_a_truncated_sequence_at_the_end()
    {
        using var reader = Open([(byte)'a', 0xC3]);

        Assert.Throws<DecoderFallbackException>(() => reader.TryReadEvent(out _));
    }

    [Fact]
    public void Decode_error_policy_replace_uses_the_replacement_character()
    {
        using var reader = Open([(byte)'a', 0xFF, (byte)'b', (byte)'\n', (byte)'c', 0xC3], policy: DecodeErrorPolicy.Replace);

        Assert.Equal(["a\uFFFDb", "c\uFFFD"], Texts(reader));
    }

    [Theory]
    [InlineData(DecodeErrorPolicy.Replace, "\uFFFDA\uFFFDé")]
    [InlineData(DecodeErrorPolicy.Ignore, "Aé")]
    public void A_sequence_cut_short_by_an_ascii_byte_or_another_lead_byte_is_a_decode_error(DecodeErrorPolicy policy, string expected)
    {
        using var reader = Open([0xE2, (byte)'A', 0xE2, 0xC3, 0xA9, (byte)'\n'], policy: policy);

        Assert.Equal([expected], Texts(reader));
    }

    [Fact]
    public void Decode_error_policy_fail_throws_on_a_sequence_cut_short_by_an_ascii_byte()
    {
        using var reader = Open([0xE2, (byte)'A', (byte)'\n']);

        Assert.Throws<DecoderFallbackException>(() => reader.TryReadEvent(out _));
    }

    [Fact]
    public void Decode_error_policy_ignore_drops_the_bad_bytes()
    {
        using var reader = Open([(byte)'a', 0xFF, (byte)'b', (byte)'\n', (byte)'c', 0xC3], policy: DecodeErrorPolicy.Ignore);

        Assert.Equal(["ab", "c"], Texts(reader));
    }

    [Fact]
    public void Ascii_input_rejects_bytes_above_127_under_fail()
    {
        using var reader = Open([(byte)'a', 0xE9, (byte)'\n'], inputCharset: "US-ASCII");

        Assert.Throws<DecoderFallbackException>(() => reader.TryReadEvent(out _));
    }

    [Fact]
    public void Seeking_to_the_position_after_any_event_reads_exactly_the_remaining_events()
    {
        var random = new Random(42);
        for (var round = 0; round < 30; round++)
        {
            var text = new StringBuilder();
            var lines = random.Next(0, 12);
            for (var i = 0; i < lines; i++)
            {
                var length = random.Next(0, 12);
                for (var j = 0; j < length; j++)
                {
                    text.Append(Pieces[random.Next(Pieces.Length)]);
                }

                text.Append('\n');
            }

            var bytes = Encoding.UTF8.GetBytes(text.ToString());
            var maxLineLength = random.Next(1, 8);
            using var reader = Open(bytes, maxLineLength);
            var positions = new List<long> { reader.Position };
            var all = new List<string>();
            while (reader.TryReadEvent(out var body))
            {
                all.Add(Encoding.UTF8.GetString(body));
                positions.Add(reader.Position);
            }

            Assert.Equal(bytes.Length, positions[^1]);
            for (var k = 0; k < positions.Count; k++)
            {
                reader.Seek(positions[k]);
                Assert.Equal(all.Skip(k).ToList(), Texts(reader));
            }
        }
    }
}
