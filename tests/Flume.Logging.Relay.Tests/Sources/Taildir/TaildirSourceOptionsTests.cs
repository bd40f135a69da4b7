using Flume.Logging.Relay.Config;
using Flume.Logging.Relay.Sources.Taildir;

namespace Flume.Logging.Relay.Tests.Sources.Taildir;

public sealed class TaildirSourceOptionsTests
{
    private static ComponentContext Context(params (string Key, string Value)[] properties) =>
        new("r1", "a1.sources.r1.", properties.ToDictionary(p => p.Key, p => p.Value));

    private static string Error(params (string Key, string Value)[] properties) =>
        Assert.Throws<ConfigurationException>(() => TaildirSourceOptions.From(Context(properties))).Message;

    [Fact]
    public void Defaults_are_flumes()
    {
        var options = TaildirSourceOptions.From(Context(("filegroups", "f1"), ("filegroups.f1", "/var/log/test1/example.log")));

        var group = Assert.Single(options.FileGroups);
        Assert.Equal("f1", group.Name);
        Assert.Equal("/var/log/test1", group.Directory);
        Assert.Equal("example.log", group.FileNamePattern);
        Assert.Empty(group.Headers);
        Assert.Equal(Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".flume", "taildir_position.json"), options.PositionFile);
        Assert.False(options.ByteOffsetHeader);
        Assert.False(options.SkipToEnd);
        Assert.Equal(TimeSpan.FromMilliseconds(120_000), options.IdleTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(3000), options.WritePosInterval);
        Assert.Equal(100, options.BatchSize);
        Assert.Equal(long.MaxValue, options.MaxBatchCount);
        Assert.Equal(TimeSpan.FromMilliseconds(1000), options.BackoffSleepIncrement);
        Assert.Equal(TimeSpan.FromMilliseconds(5000), options.MaxBackoffSleep);
        Assert.True(options.CachePatternMatching);
        Assert.False(options.FileHeader);
        Assert.Equal("file", options.FileHeaderKey);
    }

    [Fact]
    public void The_user_guide_example_reads_groups_and_their_headers()
    {
        var options = TaildirSourceOptions.From(Context(
            ("positionFile", "/var/log/flume/taildir_position.json"),
            ("filegroups", "f1 f2"),
            ("filegroups.f1", "/var/log/test1/example.log"),
            ("headers.f1.headerKey1", "value1"),
            ("filegroups.f2", "/var/log/test2/.*log.*"),
            ("headers.f2.headerKey1", "value2"),
            ("headers.f2.headerKey2", "value2-2"),
            ("fileHeader", "true")));

        Assert.Equal("/var/log/flume/taildir_position.json", options.PositionFile);
        Assert.Equal(["f1", "f2"], options.FileGroups.Select(g => g.Name));
        Assert.Equal(new Dictionary<string, string> { ["headerKey1"] = "value1" }, options.FileGroups[0].Headers);
        Assert.Equal(new Dictionary<string, string> { ["headerKey1"] = "value2", ["headerKey2"] = "value2-2" }, options.FileGroups[1].Headers);
        Assert.Equal("/var/log/test2", options.FileGroups[1].Directory);
        Assert.Equal(".*log.*", options.FileGroups[1].FileNamePattern);
        Assert.True(options.FileHeader);
    }

    [Fact]
    public void Every_other_property_is_read_under_flumes_name()
    {
        var options = TaildirSourceOptions.From(Context(
            ("filegroups", "f1"),
            ("filegroups.f1", "/logs/a.*"),
            ("byteOffsetHeader", "true"),
            ("skipToEnd", "true"),
            ("idleTimeout", "5000"),
            ("writePosInterval", "700"),
            ("batchSize", "7"),
            ("maxBatchCount", "3"),
            ("backoffSleepIncrement", "20"),
            ("maxBackoffSleep", "90"),
            ("cachePatternMatching", "false"),
            ("fileHeaderKey", "path")));

        Assert.True(options.ByteOffsetHeader);
        Assert.True(options.SkipToEnd);
        Assert.Equal(TimeSpan.FromMilliseconds(5000), options.IdleTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(700), options.WritePosInterval);
        Assert.Equal(7, options.BatchSize);
        Assert.Equal(3, options.MaxBatchCount);
        Assert.Equal(TimeSpan.FromMilliseconds(20), options.BackoffSleepIncrement);
        Assert.Equal(TimeSpan.FromMilliseconds(90), options.MaxBackoffSleep);
        Assert.False(options.CachePatternMatching);
        Assert.Equal("path", options.FileHeaderKey);
    }

    [Fact]
    public void A_maxBatchCount_of_zero_or_less_falls_back_to_the_default_as_in_flume()
    {
        var options = TaildirSourceOptions.From(Context(("filegroups", "f1"), ("filegroups.f1", "/logs/a"), ("maxBatchCount", "0")));
        Assert.Equal(long.MaxValue, options.MaxBatchCount);
    }

    [Fact]
    public void Missing_filegroups_is_an_error_naming_the_key() =>
        Assert.Contains("a1.sources.r1.filegroups is required", Error(), StringComparison.Ordinal);

    [Fact]
    public void A_listed_group_without_a_path_is_an_error_naming_its_key() =>
        Assert.Contains("a1.sources.r1.filegroups.f2 is required", Error(("filegroups", "f1 f2"), ("filegroups.f1", "/logs/a")), StringComparison.Ordinal);

    [Fact]
    public void A_relative_group_path_is_an_error() =>
        Assert.Contains("must be an absolute path", Error(("filegroups", "f1"), ("filegroups.f1", "logs/a.log")), StringComparison.Ordinal);

    [Fact]
    public void An_invalid_file_name_regex_is_an_error_quoting_it() =>
        Assert.Contains("'a[.log' is not a valid regular expression", Error(("filegroups", "f1"), ("filegroups.f1", "/logs/a[.log")), StringComparison.Ordinal);

    [Fact]
    public void A_non_positive_idleTimeout_is_an_error() =>
        Assert.Contains("a1.sources.r1.idleTimeout must be positive", Error(("filegroups", "f1"), ("filegroups.f1", "/logs/a"), ("idleTimeout", "0")), StringComparison.Ordinal);

    [Fact]
    public void Validate_names_a_batch_size_below_one()
    {
        var options = new TaildirSourceOptions { FileGroups = [new TaildirFileGroup("f1", "/logs/a", new Dictionary<string, string>())], BatchSize = 0 };
        Assert.Equal("BatchSize", Assert.Throws<ArgumentException>(options.Validate).ParamName);
    }
}
