using Flume.Logging.Hdfs.Config;

namespace Flume.Logging.Hdfs.Tests.Config;

public sealed class HdfsTargetResolverTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("hadoop-conf-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private HadoopConfiguration Write(string coreSite, string hdfsSite = "")
    {
        File.WriteAllText(Path.Combine(_directory, "core-site.xml"), $"<?xml version=\"1.0\"?><configuration>{coreSite}</configuration>");
        File.WriteAllText(Path.Combine(_directory, "hdfs-site.xml"), $"<configuration>{hdfsSite}</configuration>");
        return HadoopConfiguration.Load(_directory);
    }

    private static string Property(string name, string value) => $"<property><name>{name}</name><value>{value}</value></property>";

    [Fact]
    public void A_host_without_a_port_is_one_namenode_on_8020()
    {
        var target = HdfsTargetResolver.Resolve(new Uri("hdfs://nn.example.com/"), Write(string.Empty));

        Assert.Equal([new NameNodeAddress("nn.example.com", 8020)], target.NameNodes);
        Assert.False(target.UseDataNodeHostname);
    }

    [Fact]
    public void The_default_file_system_is_used_when_no_uri_is_given()
    {
        var configuration = Write(Property("fs.defaultFS", "hdfs://127.0.0.1:9000"), Property("dfs.client.use.datanode.hostname", "true"));

        var target = HdfsTargetResolver.Resolve(null, configuration);

        Assert.Equal([new NameNodeAddress("127.0.0.1", 9000)], target.NameNodes);
        Assert.True(target.UseDataNodeHostname);
    }

    [Fact]
    public void An_ha_nameservice_resolves_to_its_namenodes_in_configured_order()
    {
        var configuration = Write(
            Property("fs.defaultFS", "hdfs://logs"),
            Property("dfs.nameservices", "other, logs")
            + Property("dfs.ha.namenodes.logs", "nn2,nn1")
            + Property("dfs.namenode.rpc-address.logs.nn1", "host1:8020")
            + Property("dfs.namenode.rpc-address.logs.nn2", "host2:8021"));

        var target = HdfsTargetResolver.Resolve(null, configuration);

        Assert.Equal([new NameNodeAddress("host2", 8021), new NameNodeAddress("host1", 8020)], target.NameNodes);
    }

    [Fact]
    public void A_nameservice_without_ha_uses_its_single_rpc_address()
    {
        var configuration = Write(string.Empty, Property("dfs.nameservices", "logs") + Property("dfs.namenode.rpc-address.logs", "host1"));

        Assert.Equal([new NameNodeAddress("host1", 8020)], HdfsTargetResolver.Resolve(new Uri("hdfs://logs/"), configuration).NameNodes);
    }

    [Fact]
    public void A_nameservice_missing_an_address_is_a_clear_error()
    {
        var configuration = Write(string.Empty, Property("dfs.nameservices", "logs") + Property("dfs.ha.namenodes.logs", "nn1,nn2")
            + Property("dfs.namenode.rpc-address.logs.nn1", "host1:8020"));

        var error = Assert.Throws<ArgumentException>(() => HdfsTargetResolver.Resolve(new Uri("hdfs://logs"), configuration));

        Assert.Contains("dfs.namenode.rpc-address.logs.nn2", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("file:///tmp/x")]
    [InlineData("webhdfs://nn:9870/")]
    public void Only_hdfs_uris_are_accepted(string uri)
    {
        Assert.Throws<ArgumentException>(() => HdfsTargetResolver.Resolve(new Uri(uri), Write(string.Empty)));
    }

    [Fact]
    public void Without_a_uri_or_default_file_system_resolution_fails()
    {
        Assert.Throws<ArgumentException>(() => HdfsTargetResolver.Resolve(null, Write(string.Empty)));
    }

    [Fact]
    public void The_configuration_directory_comes_from_hadoop_conf_dir()
    {
        Write(Property("fs.defaultFS", "hdfs://from-env:8021"));
        var previous = Environment.GetEnvironmentVariable("HADOOP_CONF_DIR");
        Environment.SetEnvironmentVariable("HADOOP_CONF_DIR", _directory);
        try
        {
            Assert.Equal([new NameNodeAddress("from-env", 8021)], HdfsTargetResolver.Resolve(null, HadoopConfiguration.FromEnvironment()).NameNodes);
        }
        finally
        {
            Environment.SetEnvironmentVariable("HADOOP_CONF_DIR", previous);
        }
    }

    [Fact]
    public void Malformed_configuration_xml_names_the_file()
    {
        File.WriteAllText(Path.Combine(_directory, "core-site.xml"), "<configuration><property>");

        var error = Assert.Throws<InvalidDataException>(() => HadoopConfiguration.Load(_directory));

        Assert.Contains("core-site.xml", error.Message, StringComparison.Ordinal);
    }
}
