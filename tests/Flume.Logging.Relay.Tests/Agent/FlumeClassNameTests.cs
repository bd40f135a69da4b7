using Flume.Logging.Relay.Agent;
using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Config;
using Flume.Logging.Relay.Sources;
using Flume.Logging.Relay.Sources.Spooling;
using Flume.Logging.Testing;

namespace Flume.Logging.Relay.Tests.Agent;

/// <summary>A configuration that names Flume's classes instead of their aliases builds the same components.</summary>
public sealed class FlumeClassNameTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("class-names-").FullName;

    public void Dispose() => TempFolder.Delete(_folder);

    [Fact]
    public async Task Every_built_in_component_is_found_by_its_Flume_class_name()
    {
        Directory.CreateDirectory(Path.Combine(_folder, "spool"));
        Directory.CreateDirectory(Path.Combine(_folder, "roll"));
        var text = $"""
            a1.sources = avro thrift netcat seq spool
            a1.channels = mem file
            a1.sinks = avro thrift logger null roll
            a1.sources.avro.type = org.apache.flume.source.AvroSource
            a1.sources.avro.bind = 127.0.0.1
            a1.sources.avro.port = 0
            a1.sources.avro.channels = mem file
            a1.sources.avro.selector.type = org.apache.flume.channel.MultiplexingChannelSelector
            a1.sources.avro.selector.header = h
            a1.sources.avro.selector.default = mem
            a1.sources.thrift.type = org.apache.flume.source.ThriftSource
            a1.sources.thrift.bind = 127.0.0.1
            a1.sources.thrift.port = 0
            a1.sources.thrift.channels = mem file
            a1.sources.thrift.selector.type = org.apache.flume.channel.ReplicatingChannelSelector
            a1.sources.thrift.selector.optional = file
            a1.sources.netcat.type = org.apache.flume.source.NetcatSource
            a1.sources.netcat.bind = 127.0.0.1
            a1.sources.netcat.port = 0
            a1.sources.netcat.channels = mem
            a1.sources.seq.type = org.apache.flume.source.SequenceGeneratorSource
            a1.sources.seq.channels = mem
            a1.sources.spool.type = org.apache.flume.source.SpoolDirectorySource
            a1.sources.spool.spoolDir = {_folder}/spool
            a1.sources.spool.channels = mem
            a1.channels.mem.type = org.apache.flume.channel.MemoryChannel
            a1.channels.file.type = org.apache.flume.channel.file.FileChannel
            a1.channels.file.checkpointDir = {_folder}/checkpoint
            a1.channels.file.dataDirs = {_folder}/data
            a1.sinks.avro.type = org.apache.flume.sink.AvroSink
            a1.sinks.avro.hostname = 127.0.0.1
            a1.sinks.avro.port = 1
            a1.sinks.avro.channel = file
            a1.sinks.thrift.type = org.apache.flume.sink.ThriftSink
            a1.sinks.thrift.hostname = 127.0.0.1
            a1.sinks.thrift.port = 1
            a1.sinks.thrift.channel = file
            a1.sinks.logger.type = org.apache.flume.sink.LoggerSink
            a1.sinks.logger.channel = mem
            a1.sinks.null.type = org.apache.flume.sink.NullSink
            a1.sinks.null.channel = mem
            a1.sinks.roll.type = org.apache.flume.sink.RollingFileSink
            a1.sinks.roll.sink.directory = {_folder}/roll
            a1.sinks.roll.channel = mem
            a1.sinkgroups = failover balance single
            a1.sinkgroups.failover.sinks = avro thrift
            a1.sinkgroups.failover.processor.type = org.apache.flume.sink.FailoverSinkProcessor
            a1.sinkgroups.balance.sinks = null roll
            a1.sinkgroups.balance.processor.type = org.apache.flume.sink.LoadBalancingSinkProcessor
            a1.sinkgroups.single.sinks = logger
            a1.sinkgroups.single.processor.type = org.apache.flume.sink.DefaultSinkProcessor
            """;
        var configuration = FlumeConfiguration.Load(PropertiesReader.Read(new StringReader(text), "test.properties"), "a1");

        await using var agent = RelayAgent.Build(configuration, ComponentRegistry.CreateDefault(), new ComponentServices(new CapturingLoggerFactory(), TimeProvider.System));

        Assert.Collection(
            agent.Sources,
            s => Assert.IsType<RpcSource>(s),
            s => Assert.IsType<RpcSource>(s),
            s => Assert.IsType<NetcatSource>(s),
            s => Assert.IsType<SeqSource>(s),
            s => Assert.IsType<SpoolDirectorySource>(s));
        Assert.Collection(agent.Channels, c => Assert.IsType<MemoryChannel>(c), c => Assert.IsType<DurableFileChannel>(c));
    }
}
