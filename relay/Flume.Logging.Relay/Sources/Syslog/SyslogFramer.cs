using System.Buffers;

namespace Flume.Logging.Relay.Sources.Syslog;

/// <summary>
/// Splits a TCP byte stream into syslog frames. A frame is a line ended by <c>\n</c>, as in all of Flume's TCP
/// syslog sources, or, when octet counting is on (<c>syslogtcp</c>), an RFC 6587 octet-counted message
/// (<c>"LEN SP MSG"</c>, what <c>logger --octet-count</c> sends), recognised because a syslog line starts with
/// <c>&lt;</c> and a count with a digit. Empty lines are
/// skipped. A frame is cut at eventSize bytes and reported incomplete; the rest of a cut line then starts a new
/// frame, as Flume does, while the rest of a cut octet-counted message is skipped (its length says where it ends).
/// One instance per connection: it remembers how much of a cut counted message is still to skip.
/// </summary>
internal struct SyslogFramer
{
    /// <summary>Most digits in an octet count: a count over 999,999,999 bytes is no syslog frame.</summary>
    private const int MaxCountDigits = 9;

    private readonly int _eventSize;
    private readonly bool _octetCounting;
    private long _skip;

    /// <summary>
    /// A framer cutting frames at <paramref name="eventSize"/> bytes; <paramref name="octetCounting"/> false reads
    /// newline-delimited lines only, as Flume's multiport source does.
    /// </summary>
    public SyslogFramer(int eventSize, bool octetCounting = true)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(eventSize, 1);
        _eventSize = eventSize;
        _octetCounting = octetCounting;
    }

    /// <summary>
    /// Takes the next complete frame off the front of <paramref name="buffer"/>. Returns false when more bytes are
    /// needed; what was consumed (skipped newlines, the skipped tail of a cut message) is gone from the buffer either way.
    /// </summary>
    public bool TryRead(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> frame, out bool incomplete)
    {
        frame = default;
        incomplete = false;
        if (_skip > 0)
        {
            var skipped = Math.Min(_skip, buffer.Length);
            buffer = buffer.Slice(skipped);
            _skip -= skipped;
            if (_skip > 0)
            {
                return false;
            }
        }

        buffer = SkipNewlines(buffer);
        if (buffer.IsEmpty)
        {
            return false;
        }

        if (!_octetCounting)
        {
            return TryTakeLine(ref buffer, out frame, out incomplete);
        }

        switch (TryReadCount(buffer, out var count, out var prefix))
        {
            case CountResult.NeedMore:
                return false;
            case CountResult.Counted:
                return TryTakeCounted(ref buffer, count, prefix, out frame, out incomplete);
            default:
                return TryTakeLine(ref buffer, out frame, out incomplete);
        }
    }

    /// <summary>At the end of the stream: the last, unterminated line, so that bytes the peer sent are not lost.</summary>
    public bool TryReadLast(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> frame)
    {
        buffer = _skip > 0 ? buffer.Slice(buffer.End) : SkipNewlines(buffer);
        frame = buffer;
        buffer = buffer.Slice(buffer.End);
        return !frame.IsEmpty;
    }

    private static ReadOnlySequence<byte> SkipNewlines(ReadOnlySequence<byte> buffer)
    {
        var reader = new SequenceReader<byte>(buffer);
        reader.AdvancePast((byte)'\n');
        return buffer.Slice(reader.Position);
    }

    private static CountResult TryReadCount(ReadOnlySequence<byte> buffer, out long count, out int prefix)
    {
        count = 0;
        prefix = 0;
        var reader = new SequenceReader<byte>(buffer);
        if (!reader.TryPeek(out var first) || first is < (byte)'1' or > (byte)'9')
        {
            return CountResult.NotCounted;
        }

        var digits = 0;
        while (reader.TryRead(out var b))
        {
            if (b == ' ' && digits > 0)
            {
                prefix = digits + 1;
                return CountResult.Counted;
            }

            if (b is < (byte)'0' or > (byte)'9' || digits == MaxCountDigits)
            {
                return CountResult.NotCounted;
            }

            count = (count * 10) + (b - '0');
            digits++;
        }

        return CountResult.NeedMore;
    }

    private bool TryTakeCounted(ref ReadOnlySequence<byte> buffer, long count, int prefix, out ReadOnlySequence<byte> frame, out bool incomplete)
    {
        var take = Math.Min(count, _eventSize);
        if (buffer.Length < prefix + take)
        {
            frame = default;
            incomplete = false;
            return false;
        }

        frame = buffer.Slice(prefix, take);
        incomplete = count > _eventSize;
        buffer = buffer.Slice(prefix + take);
        _skip = count - take;
        return true;
    }

    private bool TryTakeLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> frame, out bool incomplete)
    {
        var window = buffer.Length > _eventSize ? buffer.Slice(0, _eventSize) : buffer;
        if (window.PositionOf((byte)'\n') is { } newline)
        {
            frame = buffer.Slice(0, newline);
            incomplete = false;
            buffer = buffer.Slice(buffer.GetPosition(1, newline));
            return true;
        }

        if (buffer.Length >= _eventSize)
        {
            // Flume cuts a line that reaches eventSize, even one of exactly eventSize bytes, and flags it.
            frame = buffer.Slice(0, _eventSize);
            incomplete = true;
            buffer = buffer.Slice(_eventSize);
            return true;
        }

        frame = default;
        incomplete = false;
        return false;
    }

    private enum CountResult
    {
        NotCounted,
        Counted,
        NeedMore,
    }
}
