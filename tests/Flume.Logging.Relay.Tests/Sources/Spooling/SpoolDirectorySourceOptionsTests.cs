using Flume.Logging.Relay.Config;
using Flume.Logging.Relay.Sources.Spooling;

namespace Flume.Logging.Relay.Tests.Sources.Spooling;

public sealed class SpoolDirectorySourceOptionsTests
{
    private static ComponentContext Context(params (string Key, string Value)[] properties) =>
        new("r1", "a1.sources.r1.", properties.ToDictionary(p => p.Key, p => p.Value));

    [Fact]
    public void Defaults_are_flumes()
    {
        var options = SpoolDirectorySourceOptions.From(Context(("spoolDir", "/var/spool")));

        Assert.Equal("/var/spool", options.SpoolDir);
        Assert.Equal(".COMPLETED", options.FileSuffix);
        Assert.Equal(SpoolDeletePolicy.Never, options.DeletePolicy);
        Assert.False(options.FileHeader);
        Assert.Equal("file", options.FileHeaderKey);
        Assert.False(options.BasenameHeader);
        Assert.Equal("basename", options.BasenameHeaderKey);
        Assert.Equal("^.*$", options.IncludePattern);
        Assert.Equal("^$", options.IgnorePattern);
        Assert.Equal(".flumespool", options.TrackerDir);
        Assert.Equal(SpoolTrackingPolicy.Rename, options.TrackingPolicy);
        Assert.Equal(SpoolConsumeOrder.Oldest, options.ConsumeOrder);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.PollDelay);
        Assert.False(options.RecursiveDirectorySearch);
        Assert.Equal(TimeSpan.FromMilliseconds(4000), options.MaxBackoff);
        Assert.Equal(100, options.BatchSize);
        Assert.Equal("UTF-8", options.InputCharset);
        Assert.Equal(DecodeErrorPolicy.Fail, options.DecodeErrorPolicy);
        Assert.Equal(SpoolDeserializer.Line, options.Deserializer);
        Assert.Equal(2048, options.MaxLineLength);
        Assert.Equal("UTF-8", options.OutputCharset);
        Assert.Equal(100_000_000, options.MaxBlobLength);
    }

    [Fact]
    public void Every_property_is_read_under_flumes_name()
    {
        var options = SpoolDirectorySourceOptions.From(Context(
            ("spoolDir", " /data/in "),
            ("fileSuffix", ".DONE"),
            ("deletePolicy", "immediate"),
            ("fileHeader", "true"),
            ("fileHeaderKey", "path"),
            ("basenameHeader", "true"),
            ("basenameHeaderKey", "name"),
            ("includePattern", "^.*\\.log$"),
            ("ignorePattern", "^tmp.*$"),
            ("trackerDir", "/var/lib/tracker"),
            ("trackingPolicy", "tracker_dir"),
            ("consumeOrder", "youngest"),
            ("pollDelay", "250"),
            ("recursiveDirectorySearch", "true"),
            ("maxBackoff", "8000"),
            ("batchSize", "7"),
            ("inputCharset", "ISO-8859-1"),
            ("decodeErrorPolicy", "REPLACE"),
            ("deserializer", "BLOB"),
            ("deserializer.maxLineLength", "99"),
            ("deserializer.outputCharset", "UTF-16"),
            ("deserializer.maxBlobLength", "1234"),
            ("bufferMaxLines", "1000")));

        Assert.Equal("/data/in", options.SpoolDir);
        Assert.Equal(".DONE", options.FileSuffix);
        Assert.Equal(SpoolDeletePolicy.Immediate, options.DeletePolicy);
        Assert.True(options.FileHeader);
        Assert.Equal("path", options.FileHeaderKey);
        Assert.True(options.BasenameHeader);
        Assert.Equal("name", options.BasenameHeaderKey);
        Assert.Equal("^.*\\.log$", options.IncludePattern);
        Assert.Equal("^tmp.*$", options.IgnorePattern);
        Assert.Equal("/var/lib/tracker", options.TrackerDir);
        Assert.Equal(SpoolTrackingPolicy.TrackerDir, options.TrackingPolicy);
        Assert.Equal(SpoolConsumeOrder.Youngest, options.ConsumeOrder);
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.PollDelay);
        Assert.True(options.RecursiveDirectorySearch);
        Assert.Equal(TimeSpan.FromMilliseconds(8000), options.MaxBackoff);
        Assert.Equal(7, options.BatchSize);
        Assert.Equal("ISO-8859-1", options.InputCharset);
        Assert.Equal(DecodeErrorPolicy.Replace, options.DecodeErrorPolicy);
        Assert.Equal(SpoolDeserializer.Blob, options.Deserializer);
        Assert.Equal(99, options.MaxLineLength);
        Assert.Equal("UTF-16", options.OutputCharset);
        Assert.Equal(1234, options.MaxBlobLength);
    }

    [Fact]
    public void Deprecated_buffer_max_line_length_overrides_the_line_deserializers_setting_as_in_flume()
    {
        var options = SpoolDirectorySourceOptions.From(Context(
            ("spoolDir", "/in"), ("deserializer.maxLineLength", "10"), ("bufferMaxLineLength", "20")));

        Assert.Equal(20, options.MaxLineLength);
    }

    [Theory]
    [InlineData("org.apache.flume.serialization.LineDeserializer$Builder", SpoolDeserializer.Line)]
    [InlineData("line", SpoolDeserializer.Line)]
    [InlineData("org.apache.flume.sink.solr.morphline.BlobDeserializer$Builder", SpoolDeserializer.Blob)]
    public void Flumes_deserializer_class_names_are_accepted(string value, SpoolDeserializer expected)
    {
        var options = SpoolDirectorySourceOptions.From(Context(("spoolDir", "/in"), ("deserializer", value)));

        Assert.Equal(expected, options.Deserializer);
    }

    [Theory]
    [InlineData("spoolDir", "")]
    [InlineData("includePattern", "(unclosed")]
    [InlineData("ignorePattern", "[")]
    [InlineData("inputCharset", "NO-SUCH-CHARSET")]
    [InlineData("deserializer.outputCharset", "NO-SUCH-CHARSET")]
    [InlineData("deserializer", "PROTOBUF")]
    [InlineData("deserializer.schemaType", "FINGERPRINT")]
    [InlineData("deletePolicy", "sometimes")]
    [InlineData("trackingPolicy", "copy")]
    [InlineData("consumeOrder", "alphabetical")]
    [InlineData("decodeErrorPolicy", "SKIP")]
    [InlineData("batchSize", "0")]
    [InlineData("pollDelay", "-1")]
    [InlineData("maxBackoff", "soon")]
    [InlineData("deserializer.maxLineLength", "0")]
    [InlineData("deserializer.maxBlobLength", "0")]
    [InlineData("fileHeader", "yes")]
    [InlineData("basenameHeader", "1")]
    [InlineData("recursiveDirectorySearch", "maybe")]
    [InlineData("fileSuffix", "")]
    public void A_bad_value_is_an_error_naming_the_exact_key(string key, string value)
    {
        var properties = new List<(string, string)> { (key, value) };
        if (key != "spoolDir")
        {
            properties.Add(("spoolDir", "/in"));
        }

        var error = Assert.Throws<ConfigurationException>(() => SpoolDirectorySourceOptions.From(Context([.. properties])));

        Assert.Equal("a1.sources.r1." + key, error.Key);
        Assert.Contains("a1.sources.r1." + key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_missing_spool_dir_is_an_error_naming_the_key()
    {
        var error = Assert.Throws<ConfigurationException>(() => SpoolDirectorySourceOptions.From(Context()));

        Assert.Equal("a1.sources.r1.spoolDir", error.Key);
    }

    [Fact]
    public void Validate_names_the_first_bad_setting()
    {
        var options = new SpoolDirectorySourceOptions { SpoolDir = "/in", BatchSize = 0 };

        var error = Assert.Throws<ArgumentException>(options.Validate);

        Assert.Contains("batchSize", error.Message, StringComparison.Ordinal);
    }
}
