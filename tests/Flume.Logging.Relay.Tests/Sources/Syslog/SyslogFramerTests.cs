using System.Buffers;
using System.Text;
using Flume.Logging.Relay.Sources.Syslog;

namespace Flume.Logging.Relay.Tests.Sources.Syslog;

public sealed class SyslogFramerTests
{
    /// <summary>Feeds <paramref name="input"/> in chunks of <paramref name="chunk"/> bytes, as reads would deliver it.</summary>
    private static List<(string Frame, bool Incomplete)> Frames(
        string input, int eventSize = 2500, int chunk = int.MaxValue, bool closeAtEnd = false, bool octetCounting = true)
    {
        var framer = new SyslogFramer(eventSize, octetCounting);
        var bytes = Encoding.UTF8.GetBytes(input);
        var pending = new List<byte>();
        var frames = new List<(string, bool)>();
        for (var offset = 0; offset < bytes.Length; offset += chunk)
        {
            pending.AddRange(bytes.AsSpan(offset, Math.Min(chunk, bytes.Length - offset)).ToArray());
            var buffer = new ReadOnlySequence<byte>(pending.ToArray());
            while (framer.TryRead(ref buffer, out var frame, out var incomplete))
            {
                frames.Add((Encoding.UTF8.GetString(frame.ToArray()), incomplete));
            }

            if (closeAtEnd && offset + chunk >= bytes.Length && framer.TryReadLast(ref buffer, out var last))
            {
                frames.Add((Encoding.UTF8.GetString(last.ToArray()), false));
            }

            pending = [.. buffer.ToArray()];
        }

        return frames;
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(1)]
    [InlineData(3)]
    public void Newline_and_octet_counted_frames_come_out_whole_however_the_bytes_arrive(int chunk)
    {
        var frames = Frames("<13>one\n\n\n48 <156>Dec  5 05:35:11 vm myapp: hello from logger<13>two\n5 <1>ab7 <2>cdef", chunk: chunk);

        Assert.Equal(
            [("<13>one", false), ("<156>Dec  5 05:35:11 vm myapp: hello from logger", false), ("<13>two", false), ("<1>ab", false), ("<2>cdef", false)],
            frames);
    }

    [Fact]
    public void A_line_reaching_eventSize_is_cut_and_its_tail_is_the_next_frame()
    {
        Assert.Equal([("<13>abcdef", true), ("gh", false)], Frames("<13>abcdefgh\n", eventSize: 10));
    }

    [Fact]
    public void A_line_of_exactly_eventSize_bytes_is_flagged_incomplete_as_in_Flume()
    {
        Assert.Equal([("<13>abcdef", true), ("<1>x", false)], Frames("<13>abcdef\n<1>x\n", eventSize: 10));
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(2)]
    public void An_octet_counted_message_over_eventSize_is_cut_and_the_rest_of_it_skipped(int chunk)
    {
        Assert.Equal([("<13>abcdef", true), ("<1>x", false)], Frames("14 <13>abcdefghij4 <1>x", eventSize: 10, chunk: chunk));
    }

    [Fact]
    public void A_line_starting_with_digits_but_no_count_is_an_ordinary_line()
    {
        Assert.Equal([("12abc", false), ("1234567890 x", false)], Frames("12abc\n1234567890 x\n"));
    }

    [Fact]
    public void An_unterminated_last_line_is_delivered_when_the_peer_closes()
    {
        Assert.Equal([("<13>one", false), ("<13>two", false)], Frames("<13>one\n<13>two", closeAtEnd: true));
    }

    [Fact]
    public void Nothing_is_framed_until_a_line_is_complete()
    {
        Assert.Empty(Frames("<13>no newline yet"));
        Assert.Empty(Frames("123"));
    }

    [Theory]
    [InlineData(int.MaxValue)]
    [InlineData(1)]
    public void Without_octet_counting_only_newlines_split_frames_as_in_Flumes_multiport_LineSplitter(int chunk)
    {
        var frames = Frames("7 <13>two\n<13>one\n\n5 <1>ab7 <2>cdef\n", chunk: chunk, octetCounting: false);

        Assert.Equal([("7 <13>two", false), ("<13>one", false), ("5 <1>ab7 <2>cdef", false)], frames);
    }

    [Fact]
    public void Without_octet_counting_a_line_reaching_eventSize_is_still_cut_and_flagged()
    {
        Assert.Equal([("14 <13>abc", true), ("defghij", false)], Frames("14 <13>abcdefghij\n", eventSize: 10, octetCounting: false));
    }
}
