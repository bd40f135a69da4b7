using System.Buffers;
using System.Globalization;
using FsCheck;
using FsCheck.Fluent;
using Flume.Logging.Relay.Sources.Syslog;

namespace Flume.Logging.Relay.Tests.Sources.Syslog;

/// <summary>No input makes the parser or the framer throw or loop: they run on every byte a network peer sends.</summary>
public sealed class SyslogPropertyTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2026-12-05T05:35:30Z", CultureInfo.InvariantCulture);

    /// <summary>Bytes drawn mostly from the characters the grammar cares about, so that inputs get deep into it.</summary>
    private static Arbitrary<byte[]> SyslogLike()
    {
        var interesting = "<>0123456789 -:.TZ+\n\r\tJanDecFoo@_vm\u00e9\U0001F600"u8.ToArray();
        var oneByte = Gen.OneOf(Gen.Elements(interesting), ArbMap.Default.GeneratorFor<byte>());
        return Gen.ArrayOf(oneByte).ToArbitrary();
    }

    [Fact]
    public void Any_bytes_parse_into_an_event_without_throwing()
    {
        Prop.ForAll(SyslogLike(), bytes =>
        {
            foreach (var keep in (SyslogFields[])[SyslogFields.None, SyslogFields.All, SyslogFields.Priority | SyslogFields.Version | SyslogFields.Timestamp | SyslogFields.Hostname])
            {
                var e = SyslogEventBuilder.Build(bytes, incomplete: false, keep, Now, TimeZoneInfo.Local, []);
                Assert.True(e.Headers.ContainsKey("Facility"));
            }
        }).Check(FsCheck.Config.QuickThrowOnFailure.WithMaxTest(3000).WithEndSize(200));
    }

    [Fact]
    public void Any_bytes_parse_into_a_multiport_event_without_throwing()
    {
        Prop.ForAll(SyslogLike(), bytes =>
        {
            foreach (var utf8 in (ReadOnlySpan<bool>)[true, false])
            {
                foreach (var keep in (SyslogFields[])[SyslogFields.None, SyslogFields.All, SyslogFields.Priority | SyslogFields.Version | SyslogFields.Timestamp | SyslogFields.Hostname])
                {
                    var e = MultiportSyslogEventBuilder.Build(bytes, incomplete: false, keep, utf8, Now, TimeZoneInfo.Local, []);
                    Assert.True(e.Headers.ContainsKey("Facility") || e.Headers.ContainsKey(SyslogEventBuilder.StatusHeader));
                }
            }
        }).Check(FsCheck.Config.QuickThrowOnFailure.WithMaxTest(3000).WithEndSize(200));
    }

    [Fact]
    public void Lines_shaped_like_multiport_headers_parse_without_throwing()
    {
        // Random bytes rarely reach the timestamp readers; these start with a priority and a timestamp's shape.
        var prefixes = Gen.Elements("<13>", "<13>1 ", "<-1>", "<+99999>");
        var stamps = Gen.Elements("Dec  5 05:35:10 ", "Feb 29 23:59:59 ", "2003-10-11T22:14:15", "+2003-1-1T1:1:15.", "-", "1985-04-12T23:20:50.52");
        var lines =
            from prefix in prefixes
            from stamp in stamps
            from tail in SyslogLike().Generator
            select (byte[])[.. System.Text.Encoding.UTF8.GetBytes(prefix + stamp), .. tail];
        Prop.ForAll(lines.ToArbitrary(), bytes =>
        {
            var e = MultiportSyslogEventBuilder.Build(bytes, incomplete: true, SyslogFields.Timestamp | SyslogFields.Hostname, utf8: true, Now, TimeZoneInfo.Local, []);
            Assert.NotNull(e.Headers);
        }).Check(FsCheck.Config.QuickThrowOnFailure.WithMaxTest(3000).WithEndSize(60));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void Any_bytes_in_any_chunks_frame_without_throwing_and_lose_no_frame_bytes(bool octetCounting)
    {
        Prop.ForAll(SyslogLike(), Gen.Choose(1, 64).ToArbitrary(), Gen.Choose(1, 40).ToArbitrary(), (bytes, chunk, eventSize) =>
        {
            var framer = new SyslogFramer(eventSize, octetCounting);
            var pending = Array.Empty<byte>();
            var framed = 0L;
            for (var offset = 0; offset < bytes.Length; offset += chunk)
            {
                pending = [.. pending, .. bytes.AsSpan(offset, Math.Min(chunk, bytes.Length - offset)).ToArray()];
                var buffer = new ReadOnlySequence<byte>(pending);
                var reads = 0;
                while (framer.TryRead(ref buffer, out var frame, out _))
                {
                    Assert.InRange(frame.Length, 0, eventSize);
                    framed += frame.Length;
                    Assert.True(++reads <= bytes.Length + 1, "the framer kept returning frames from a finite buffer");
                }

                pending = buffer.ToArray();
            }

            Assert.True(framed + pending.Length <= bytes.Length);
        }).Check(FsCheck.Config.QuickThrowOnFailure.WithMaxTest(2000).WithEndSize(300));
    }
}
