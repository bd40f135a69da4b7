using System.Text;
using Flume.Logging.Hdfs.Config;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Agent;
using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Config;
using Flume.Logging.Relay.Sinks.Hdfs;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace Flume.Logging.Relay.Tests.Sinks.Hdfs;

public sealed class HdfsSinkOptionsTests
{
    private static HdfsSinkOptions Read(Dictionary<string, string> properties) =>
        HdfsSinkOptions.From(new ComponentContext("k1", "a1.sinks.k1.", properties));

    [Fact]
    public void Every_property_has_Flumes_default()
    {
        var options = Read(new() { ["hdfs.path"] = "hdfs://namenode/flume/webdata" });

        Assert.Equal(HdfsPathScheme.Hdfs, options.Path.Scheme);
        Assert.Equal(new Uri("hdfs://namenode/"), options.Path.FileSystem);
        Assert.Equal("/flume/webdata", options.Path.Directory);
        Assert.Equal(TimeSpan.FromSeconds(30), options.RollInterval);
        Assert.Equal(1024, options.RollSize);
        Assert.Equal(10, options.RollCount);
        Assert.Equal(TimeSpan.Zero, options.IdleTimeout);
        Assert.Equal(100, options.BatchSize);
        Assert.Equal(5000, options.MaxOpenFiles);
        Assert.Equal(0, options.CloseTries);
        Assert.Equal(TimeSpan.FromSeconds(180), options.RetryInterval);
        Assert.Equal(TimeSpan.FromMilliseconds(30_000), options.CallTimeout);
        Assert.Null(options.ProxyUser);
        Assert.Null(options.MinBlockReplicas);
        Assert.Equal("FlumeData", options.FileNames.FilePrefix);
        Assert.Equal(".tmp", options.FileNames.InUseSuffix);
        Assert.Equal(HdfsFileType.SequenceFile, options.Format.FileType);
    }

    [Theory]
    [InlineData("file:///var/flume/%Y", "Local", "/var/flume/%Y", "/var/flume")]
    [InlineData("/flume/events/%Y-%m-%d/%H", "DefaultFileSystem", "/flume/events/%Y-%m-%d/%H", "/flume/events")]
    [InlineData("hdfs://nn:8020/flume/x%{host}/", "Hdfs", "/flume/x%{host}", "/flume")]
    [InlineData("hdfs://nn:8020", "Hdfs", "/", "/")]
    public void The_path_names_its_file_system_and_the_directory_no_event_can_change(string path, string scheme, string directory, string fixedDirectory)
    {
        var options = Read(new() { ["hdfs.path"] = path });

        Assert.Equal(scheme, options.Path.Scheme.ToString());
        Assert.Equal(directory, options.Path.Directory);
        Assert.Equal(fixedDirectory, options.Path.FixedDirectory);
    }

    [Theory]
    [InlineData(null, "names no file system")]
    [InlineData("s3a://bucket", "fs.defaultFS = s3a://bucket, which is neither hdfs:// nor file:")]
    public void A_bare_path_without_an_hdfs_or_local_fs_defaultFS_is_refused_naming_hdfs_path(string? defaultFs, string why)
    {
        var context = new ComponentContext("k1", "a1.sinks.k1.", new Dictionary<string, string> { ["hdfs.path"] = "/flume/%Y" });
        var hadoop = new HadoopConfiguration(defaultFs is null ? new Dictionary<string, string>() : new() { ["fs.defaultFS"] = defaultFs });

        var error = Assert.Throws<ConfigurationException>(() => HdfsSinkOptions.From(context).Path.RequireFileSystem(context, hadoop));

        Assert.Contains("a1.sinks.k1.hdfs.path", error.Message, StringComparison.Ordinal);
        Assert.Contains(why, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/flume", "hdfs://nn:8020")]
    [InlineData("/flume", "file:///")]
    [InlineData("hdfs://nn/flume", null)]
    [InlineData("file:///tmp/flume", null)]
    public void A_path_with_a_file_system_to_be_on_is_accepted(string path, string? defaultFs)
    {
        var context = new ComponentContext("k1", "a1.sinks.k1.", new Dictionary<string, string> { ["hdfs.path"] = path });
        var hadoop = new HadoopConfiguration(defaultFs is null ? new Dictionary<string, string>() : new() { ["fs.defaultFS"] = defaultFs });

        HdfsSinkOptions.From(context).Path.RequireFileSystem(context, hadoop);
    }

    [Theory]
    [InlineData("hdfs.path", "flume/relative")]
    [InlineData("hdfs.rollCount", "-1")]
    [InlineData("hdfs.batchSize", "0")]
    [InlineData("hdfs.maxOpenFiles", "many")]
    [InlineData("hdfs.callTimeout", "-5")]
    [InlineData("hdfs.threadsPoolSize", "0")]
    [InlineData("hdfs.kerberosPrincipal", "flume/_HOST@EXAMPLE.COM")]
    [InlineData("hdfs.kerberosKeytab", "/etc/flume.keytab")]
    public void A_bad_or_unsupported_value_is_refused_naming_its_key(string key, string value)
    {
        var properties = new Dictionary<string, string> { ["hdfs.path"] = "hdfs://nn/flume", [key] = value };

        var error = Assert.Throws<ConfigurationException>(() => Read(properties));

        Assert.Contains("a1.sinks.k1." + key, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Kerberos_is_refused_with_what_to_do_instead()
    {
        var error = Assert.Throws<ConfigurationException>(() => Read(new() { ["hdfs.path"] = "/flume", ["hdfs.kerberosPrincipal"] = "flume@REALM" }));

        Assert.Contains("Kerberos is not supported", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_sink_is_registered_under_its_alias_and_Flumes_class_name()
    {
        var sinks = ComponentRegistry.CreateDefault().Sinks.Aliases.ToList();

        Assert.Contains("hdfs", sinks);
        Assert.Contains("org.apache.flume.sink.hdfs.HDFSEventSink", sinks);
    }

    [Fact]
    public async Task A_file_path_writes_local_files_through_the_same_buckets_with_in_use_then_final_names()
    {
        var directory = Directory.CreateTempSubdirectory("hdfs-local-").FullName;
        try
        {
            var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 0, 0, 0, TimeSpan.Zero));
            var channel = new MemoryChannel("c1", new MemoryChannelOptions { KeepAlive = TimeSpan.Zero }, time, NullLogger<MemoryChannel>.Instance);
            var options = Read(new()
            {
                ["hdfs.path"] = "file://" + directory + "/%{app}",
                ["hdfs.fileType"] = "DataStream",
                ["hdfs.rollCount"] = "2",
            });
            using var sink = new HdfsSink("k1", channel, options, time, NullLoggerFactory.Instance);
            await sink.StartAsync(CancellationToken.None);
            var web = new Dictionary<string, string> { ["app"] = "web" };
            await channel.PutAsync([.. ((string[])["a", "b", "c"]).Select(body => new FlumeEvent(web, Encoding.UTF8.GetBytes(body)))]);

            await sink.ProcessAsync(CancellationToken.None);
            var names = Directory.GetFiles(Path.Combine(directory, "web")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
            Assert.Equal(2, names.Count);
            Assert.EndsWith(".tmp", names[1], StringComparison.Ordinal);
            Assert.Equal("c\n", await File.ReadAllTextAsync(Path.Combine(directory, "web", names[1]!)));

            await sink.StopAsync(CancellationToken.None);
            var final = Directory.GetFiles(Path.Combine(directory, "web")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
            Assert.Equal([names[0], names[1]![..^4]], final);
            Assert.Equal("a\nb\n", await File.ReadAllTextAsync(Path.Combine(directory, "web", names[0]!)));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    [Fact]
    public async Task The_sinks_own_timer_rolls_a_file_rollInterval_after_it_opened_with_no_further_take()
    {
        var directory = Directory.CreateTempSubdirectory("hdfs-timer-").FullName;
        try
        {
            var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 5, 0, 0, 0, TimeSpan.Zero));
            var channel = new MemoryChannel("c1", new MemoryChannelOptions { KeepAlive = TimeSpan.Zero }, time, NullLogger<MemoryChannel>.Instance);
            var options = Read(new() { ["hdfs.path"] = "file://" + directory, ["hdfs.fileType"] = "DataStream" });
            using var sink = new HdfsSink("k1", channel, options, time, NullLoggerFactory.Instance);
            await sink.StartAsync(CancellationToken.None);
            await channel.PutTextAsync("a");
            await sink.ProcessAsync(CancellationToken.None);
            Assert.EndsWith(".tmp", Assert.Single(Directory.GetFiles(directory)), StringComparison.Ordinal);

            // Local files close synchronously, so the timer's tick has finished when Advance returns.
            time.Advance(TimeSpan.FromSeconds(30));

            Assert.DoesNotContain(".tmp", Assert.Single(Directory.GetFiles(directory)), StringComparison.Ordinal);
            await sink.StopAsync(CancellationToken.None);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }
}
