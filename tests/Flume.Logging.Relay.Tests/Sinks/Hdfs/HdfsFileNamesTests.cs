using Flume.Logging.Relay.Config;
using Flume.Logging.Relay.Sinks.Hdfs;
using Microsoft.Extensions.Time.Testing;

namespace Flume.Logging.Relay.Tests.Sinks.Hdfs;

public sealed class HdfsFileNamesTests
{
    private static readonly DateTimeOffset Start = new(2026, 12, 5, 2, 30, 0, TimeSpan.Zero);
    private readonly FakeTimeProvider _clock = new(Start);

    private static HdfsFileNameOptions Options(params (string Key, string Value)[] properties) =>
        HdfsFileNameOptions.From(new ComponentContext("k1", "a1.sinks.k1.", properties.ToDictionary(p => p.Key, p => p.Value)));

    [Fact]
    public void By_default_files_are_FlumeData_dot_counter_written_as_tmp_and_the_counter_starts_at_the_clock_plus_one()
    {
        var names = new HdfsFileNames("/flume/events", Options().FilePrefix, Options(), "", _clock);
        var millis = Start.ToUnixTimeMilliseconds();

        Assert.Equal(new HdfsFileName($"/flume/events/FlumeData.{millis + 1}.tmp", $"/flume/events/FlumeData.{millis + 1}"), names.Next());
        Assert.Equal(new HdfsFileName($"/flume/events/FlumeData.{millis + 2}.tmp", $"/flume/events/FlumeData.{millis + 2}"), names.Next());
    }

    [Fact]
    public void The_counter_is_taken_from_the_clock_when_the_bucket_is_created_not_per_file()
    {
        var names = new HdfsFileNames("/d", "p", Options(), "", _clock);
        _clock.Advance(TimeSpan.FromHours(1));

        Assert.EndsWith($"/p.{Start.ToUnixTimeMilliseconds() + 1}", names.Next().FinalPath, StringComparison.Ordinal);
    }

    [Fact]
    public void In_use_prefix_and_suffix_wrap_the_name_only_while_written()
    {
        var options = Options(("hdfs.inUsePrefix", "_"), ("hdfs.inUseSuffix", ".writing"), ("hdfs.fileSuffix", ".log"));
        var millis = Start.ToUnixTimeMilliseconds();

        var name = new HdfsFileNames("/d", "events-", options, ".gz", _clock).Next();

        Assert.Equal($"/d/_events-.{millis + 1}.log.writing", name.InUsePath);
        Assert.Equal($"/d/events-.{millis + 1}.log", name.FinalPath);
    }

    [Fact]
    public void Without_a_file_suffix_the_codecs_extension_ends_the_name()
    {
        var name = new HdfsFileNames("/d", "FlumeData", Options(), ".gz", _clock).Next();

        Assert.EndsWith(".gz.tmp", name.InUsePath, StringComparison.Ordinal);
        Assert.EndsWith(".gz", name.FinalPath, StringComparison.Ordinal);
    }

    [Fact]
    public void Empty_in_use_suffix_writes_under_the_final_name()
    {
        var options = Options(("hdfs.emptyInUseSuffix", "true"), ("hdfs.inUseSuffix", ".ignored"));

        var name = new HdfsFileNames("/d", "FlumeData", options, "", _clock).Next();

        Assert.Equal(name.FinalPath, name.InUsePath);
    }
}
