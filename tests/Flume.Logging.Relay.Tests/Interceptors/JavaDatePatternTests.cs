using System.Globalization;
using Flume.Logging.Relay.Interceptors;

namespace Flume.Logging.Relay.Tests.Interceptors;

public sealed class JavaDatePatternTests
{
    [Theory]
    [InlineData("yyyy-MM-dd HH:mm", "2012-10-18 18:47", "2012-10-18T18:47:00.0000000+00:00")]
    [InlineData("dd/MMM/yyyy:HH:mm:ss Z", "18/Oct/2012:18:47:57 -0700", "2012-10-18T18:47:57.0000000-07:00")]
    [InlineData("yyyy-MM-dd'T'HH:mm:ss.SSSZZ", "2012-10-18T18:47:57.614+02:00", "2012-10-18T18:47:57.6140000+02:00")]
    [InlineData("yyyy-MM-dd'T'HH:mm:ssX", "2012-10-18T18:47:57Z", "2012-10-18T18:47:57.0000000+00:00")]
    [InlineData("EEE, d MMMM yy h:mm a", "Thu, 18 October 12 6:47 PM", "2012-10-18T18:47:00.0000000+00:00")]
    [InlineData("yyyyMMdd''HHmm", "20121018'1847", "2012-10-18T18:47:00.0000000+00:00")]
    [InlineData("'at' H 'o''clock' yyyy-M-d", "at 9 o'clock 2012-1-2", "2012-01-02T09:00:00.0000000+00:00")]
    public void Translated_patterns_parse_what_Java_would(string java, string text, string expected)
    {
        Assert.True(JavaDatePattern.TryTranslate(java, out var pattern, out _, out var error), error);

        var parsed = DateTimeOffset.ParseExact(text, pattern, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        Assert.Equal(expected, parsed.ToString("O", CultureInfo.InvariantCulture));
    }

    [Theory]
    [InlineData("yyyy-MM-dd HH:mm", false)]
    [InlineData("yyyy-MM-dd HH:mm Z", true)]
    [InlineData("yyyy-MM-dd HH:mmX", true)]
    public void Reports_whether_the_pattern_reads_an_offset(string java, bool hasZone)
    {
        Assert.True(JavaDatePattern.TryTranslate(java, out _, out var zone, out _));
        Assert.Equal(hasZone, zone);
    }

    [Theory]
    [InlineData("yyyy-MM-dd HH:mm z", "time zone name")]
    [InlineData("yyyy-MM-dd ZZZ", "time zone name")]
    [InlineData("yyyy-DDD", "'D'")]
    [InlineData("yyyy 'unterminated", "unterminated quote")]
    [InlineData("HH:mm:ss.SSSSSSSS", "7 fraction digits")]
    [InlineData("", "empty")]
    public void Refuses_what_it_cannot_parse_and_says_why(string java, string reason)
    {
        Assert.False(JavaDatePattern.TryTranslate(java, out _, out _, out var error));
        Assert.Contains(reason, error, StringComparison.Ordinal);
    }
}
