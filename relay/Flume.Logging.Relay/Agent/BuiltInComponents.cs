using Flume.Logging.Hdfs.Config;
using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Channels.Kafka;
using Flume.Logging.Relay.Config;
using Flume.Logging.Relay.Interceptors;
using Flume.Logging.Relay.Selectors;
using Flume.Logging.Relay.Sinks;
using Flume.Logging.Relay.Sinks.FileRoll;
using Flume.Logging.Relay.Sinks.Hdfs;
using Flume.Logging.Relay.Sinks.Http;
using Flume.Logging.Relay.Sinks.Kafka;
using Flume.Logging.Relay.Sinks.Processors;
using Flume.Logging.Relay.Sources;
using Flume.Logging.Relay.Sources.Exec;
using Flume.Logging.Relay.Sources.Http;
using Flume.Logging.Relay.Sources.Kafka;
using Flume.Logging.Relay.Sources.Spooling;
using Flume.Logging.Relay.Sources.Syslog;
using Flume.Logging.Relay.Sources.Taildir;
using Flume.Logging.Rpc;
using Flume.Logging.Rpc.Avro;
using Flume.Logging.Rpc.Thrift;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Relay.Agent;

/// <summary>The components that ship with the relay, under Flume's aliases and Flume's class names.</summary>
internal static class BuiltInComponents
{
    public static void Register(ComponentRegistry registry)
    {
        Func<ChannelBuildContext, IChannel> memory = c => new MemoryChannel(
            c.Name, MemoryChannelOptions.From(c.Properties), c.Services.TimeProvider, c.Services.LoggerFactory.CreateLogger<MemoryChannel>());
        registry.AddChannel("memory", memory);
        registry.AddChannel("org.apache.flume.channel.MemoryChannel", memory);

        Func<ChannelBuildContext, IChannel> file = c => new DurableFileChannel(
            c.Name, DurableFileChannel.Options(c.Properties), c.Services.TimeProvider, c.Services.LoggerFactory.CreateLogger<DurableFileChannel>());
        registry.AddChannel("file", file);
        registry.AddChannel("org.apache.flume.channel.file.FileChannel", file);

        registry.AddChannel("SPILLABLEMEMORY", CreateSpillableMemoryChannel);
        registry.AddChannel(SpillableMemoryChannel.FlumeClass, CreateSpillableMemoryChannel);

        registry.AddChannel(KafkaChannel.FlumeClass, c => new KafkaChannel(
            c.Name, KafkaChannelOptions.From(c.Properties), c.Services.TimeProvider, c.Services.LoggerFactory.CreateLogger<KafkaChannel>()));

        Func<SourceBuildContext, ISource> netcat = c => new NetcatSource(
            c.Name, NetcatSourceOptions.From(c.Properties), c.ChannelProcessor, c.Services.TimeProvider, c.Services.LoggerFactory);
        registry.AddSource("netcat", netcat);
        registry.AddSource("org.apache.flume.source.NetcatSource", netcat);
        Func<SourceBuildContext, ISource> seq = c => new SeqSource(
            c.Name, SeqSourceOptions.From(c.Properties), c.ChannelProcessor, c.Services.TimeProvider, c.Services.LoggerFactory.CreateLogger<SeqSource>());
        registry.AddSource("seq", seq);
        registry.AddSource("org.apache.flume.source.SequenceGeneratorSource", seq);
        Func<SourceBuildContext, ISource> spooldir = c => new SpoolDirectorySource(
            c.Name, SpoolDirectorySourceOptions.From(c.Properties), c.ChannelProcessor, c.Services.TimeProvider, Random.Shared, c.Services.LoggerFactory.CreateLogger<SpoolDirectorySource>());
        registry.AddSource("spooldir", spooldir);
        registry.AddSource("org.apache.flume.source.SpoolDirectorySource", spooldir);
        registry.AddSource("TAILDIR", CreateTaildirSource);
        registry.AddSource(TaildirSource.FlumeClass, CreateTaildirSource);
        registry.AddSource("exec", CreateExecSource);
        registry.AddSource(ExecSource.FlumeClass, CreateExecSource);

        registry.AddSource("syslogtcp", CreateSyslogTcpSource);
        registry.AddSource(SyslogTcpSource.FlumeClass, CreateSyslogTcpSource);
        registry.AddSource("multiport_syslogtcp", CreateMultiportSyslogTcpSource);
        registry.AddSource(SyslogTcpSource.MultiportFlumeClass, CreateMultiportSyslogTcpSource);
        registry.AddSource("syslogudp", CreateSyslogUdpSource);
        registry.AddSource(SyslogUdpSource.FlumeClass, CreateSyslogUdpSource);
        registry.AddSource("netcatudp", CreateNetcatUdpSource);
        registry.AddSource(NetcatUdpSource.FlumeClass, CreateNetcatUdpSource);

        registry.AddSource("http", CreateHttpSource);
        registry.AddSource(HttpSource.FlumeClass, CreateHttpSource);

        registry.AddSource(KafkaSource.FlumeClass, c => new KafkaSource(
            c.Name, KafkaSourceOptions.From(c.Properties), c.ChannelProcessor, c.Services.TimeProvider, c.Services.LoggerFactory.CreateLogger<KafkaSource>()));

        Func<SourceBuildContext, ISource> avroSource = c => new RpcSource(
            c.Name,
            c.ChannelProcessor,
            source => AvroRpc.CreateServer($"avro source {c.Name}", AvroSourceOptions(c, source), source, c.Services.LoggerFactory),
            c.Services.TimeProvider,
            c.Services.LoggerFactory.CreateLogger<RpcSource>());
        registry.AddSource("avro", avroSource);
        registry.AddSource("org.apache.flume.source.AvroSource", avroSource);

        Func<SinkBuildContext, ISink> avroSink = c =>
        {
            var options = RpcComponentProperties.Sink(c.Name, c.Properties, avro: true);
            return new RpcSink(c.Name, c.Channel, options.BatchSize, AvroRpc.CreateClient(options.Hosts[0], options, c.Services.LoggerFactory, c.Services.TimeProvider));
        };
        registry.AddSink("avro", avroSink);
        registry.AddSink("org.apache.flume.sink.AvroSink", avroSink);
        Func<SourceBuildContext, ISource> thriftSource = c => new RpcSource(
            c.Name,
            c.ChannelProcessor,
            source => ThriftRpc.CreateServer($"thrift source {c.Name}", RpcComponentProperties.Server(c.Properties, avro: false, source.Counter, c.Services.TimeProvider), source, c.Services.LoggerFactory),
            c.Services.TimeProvider,
            c.Services.LoggerFactory.CreateLogger<RpcSource>());
        registry.AddSource("thrift", thriftSource);
        registry.AddSource("org.apache.flume.source.ThriftSource", thriftSource);

        Func<SinkBuildContext, ISink> thriftSink = c =>
        {
            var options = RpcComponentProperties.Sink(c.Name, c.Properties, avro: false);
            return new RpcSink(c.Name, c.Channel, options.BatchSize, ThriftRpc.CreateClient(options.Hosts[0], options, c.Services.LoggerFactory, c.Services.TimeProvider));
        };
        registry.AddSink("thrift", thriftSink);
        registry.AddSink("org.apache.flume.sink.ThriftSink", thriftSink);
        Func<SinkBuildContext, ISink> logger = c => new LoggerSink(
            c.Name, c.Channel, c.Properties.GetInt32("maxBytesToLog", LoggerSink.DefaultMaxBytesToLog, 0, int.MaxValue),
            c.Services.LoggerFactory.CreateLogger<LoggerSink>());
        registry.AddSink("logger", logger);
        registry.AddSink("org.apache.flume.sink.LoggerSink", logger);
        registry.AddSink("http", CreateHttpSink);
        registry.AddSink(HttpSink.FlumeClass, CreateHttpSink);
        Func<SinkBuildContext, ISink> nullSink = c => new NullSink(c.Name, c.Channel, c.Properties.GetInt32("batchSize", NullSink.DefaultBatchSize, 1, int.MaxValue));
        registry.AddSink("null", nullSink);
        registry.AddSink("org.apache.flume.sink.NullSink", nullSink);
        Func<SinkBuildContext, ISink> fileRoll = c => new FileRollSink(
            c.Name, c.Channel, FileRollSinkOptions.From(c.Properties), c.Services.TimeProvider, c.Services.LoggerFactory.CreateLogger<FileRollSink>());
        registry.AddSink("file_roll", fileRoll);
        registry.AddSink("org.apache.flume.sink.RollingFileSink", fileRoll);
        registry.AddSink("hdfs", CreateHdfsSink);
        registry.AddSink(HdfsSink.FlumeClass, CreateHdfsSink);

        // Flume has no short alias for its Kafka components: configurations name the class.
        registry.AddSink(KafkaSink.FlumeClass, c => new KafkaSink(
            c.Name, c.Channel, KafkaSinkOptions.From(c.Properties), null, c.Services.TimeProvider, c.Services.LoggerFactory.CreateLogger<KafkaSink>()));

        registry.AddInterceptor("timestamp", TimestampInterceptor.Create);
        registry.AddInterceptor(TimestampInterceptor.BuilderClass, TimestampInterceptor.Create);
        registry.AddInterceptor("host", HostInterceptor.Create);
        registry.AddInterceptor(HostInterceptor.BuilderClass, HostInterceptor.Create);
        registry.AddInterceptor("static", StaticInterceptor.Create);
        registry.AddInterceptor(StaticInterceptor.BuilderClass, StaticInterceptor.Create);
        registry.AddInterceptor("remove_header", RemoveHeaderInterceptor.Create);
        registry.AddInterceptor(RemoveHeaderInterceptor.BuilderClass, RemoveHeaderInterceptor.Create);
        registry.AddInterceptor("uuid", c => UuidInterceptor.Create(c, Random.Shared));
        registry.AddInterceptor(UuidInterceptor.BuilderClass, c => UuidInterceptor.Create(c, Random.Shared));
        registry.AddInterceptor("regex_filter", RegexFilteringInterceptor.Create);
        registry.AddInterceptor(RegexFilteringInterceptor.BuilderClass, RegexFilteringInterceptor.Create);
        registry.AddInterceptor("regex_extractor", RegexExtractorInterceptor.Create);
        registry.AddInterceptor(RegexExtractorInterceptor.BuilderClass, RegexExtractorInterceptor.Create);
        registry.AddInterceptor("search_replace", SearchReplaceInterceptor.Create);
        registry.AddInterceptor(SearchReplaceInterceptor.BuilderClass, SearchReplaceInterceptor.Create);

        Func<SelectorBuildContext, IChannelSelector> replicating = c => new ReplicatingChannelSelector(c.Channels, c.Properties.GetList("optional"));
        registry.AddSelector("replicating", replicating);
        registry.AddSelector("org.apache.flume.channel.ReplicatingChannelSelector", replicating);
        Func<SelectorBuildContext, IChannelSelector> multiplexing = c => new MultiplexingChannelSelector(c.Channels, c.Properties);
        registry.AddSelector("multiplexing", multiplexing);
        registry.AddSelector("org.apache.flume.channel.MultiplexingChannelSelector", multiplexing);
        registry.AddSelector("load_balancing", c => LoadBalancingChannelSelector.Create(c, Random.Shared));
        registry.AddSelector(LoadBalancingChannelSelector.FlumeClass, c => LoadBalancingChannelSelector.Create(c, Random.Shared));

        Func<SinkProcessorBuildContext, ISinkProcessor> defaultProcessor = c =>
        {
            c.Properties.Require(c.Sinks.Count == 1, "type", $"default takes exactly one sink; group {c.GroupName} has {c.Sinks.Count}");
            return new DefaultSinkProcessor(c.Sinks[0]);
        };
        registry.AddSinkProcessor("default", defaultProcessor);
        registry.AddSinkProcessor("org.apache.flume.sink.DefaultSinkProcessor", defaultProcessor);
        registry.AddSinkProcessor("failover", FailoverSinkProcessor.Create);
        registry.AddSinkProcessor("org.apache.flume.sink.FailoverSinkProcessor", FailoverSinkProcessor.Create);
        Func<SinkProcessorBuildContext, ISinkProcessor> loadBalance = c => LoadBalancingSinkProcessor.Create(c, Random.Shared);
        registry.AddSinkProcessor("load_balance", loadBalance);
        registry.AddSinkProcessor("org.apache.flume.sink.LoadBalancingSinkProcessor", loadBalance);
    }

    /// <summary>A required TCP port, 0-65535 (0 lets the system choose).</summary>
    internal static int Port(ComponentContext properties, string key)
    {
        var port = properties.GetRequiredInt32(key);
        properties.Require(port is >= 0 and <= 65535, key, $"must be a port 0-65535 (got {port})");
        return port;
    }

    /// <summary>The avro source's server settings, with Flume's <c>ipFilter</c>/<c>ipFilterRules</c> on top of the RPC ones.</summary>
    private static RpcServerOptions AvroSourceOptions(SourceBuildContext c, RpcSource source)
    {
        var options = RpcComponentProperties.Server(c.Properties, avro: true, source.Counter, c.Services.TimeProvider);
        if (IpFilterRules.From(c.Properties) is { } rules)
        {
            options.PeerFilter = rules.AllowsAsync;
        }

        return options;
    }

    private static HttpSink CreateHttpSink(SinkBuildContext c) =>
        new(c.Name, c.Channel, HttpSinkOptions.From(c.Properties), c.Services.LoggerFactory.CreateLogger<HttpSink>());

    private static SpillableMemoryChannel CreateSpillableMemoryChannel(ChannelBuildContext c) => new(
        c.Name, SpillableMemoryChannelOptions.From(c.Properties), c.Services.TimeProvider, c.Services.LoggerFactory);

    private static SyslogTcpSource CreateSyslogTcpSource(SourceBuildContext c) => new(
        c.Name, SyslogTcpSourceOptions.From(c.Properties, multiport: false), multiport: false, c.ChannelProcessor, c.Services.TimeProvider, c.Services.LoggerFactory);

    private static SyslogTcpSource CreateMultiportSyslogTcpSource(SourceBuildContext c) => new(
        c.Name, SyslogTcpSourceOptions.From(c.Properties, multiport: true), multiport: true, c.ChannelProcessor, c.Services.TimeProvider, c.Services.LoggerFactory);

    private static SyslogUdpSource CreateSyslogUdpSource(SourceBuildContext c) => new(
        c.Name, SyslogUdpSourceOptions.From(c.Properties), c.ChannelProcessor, c.Services.TimeProvider, c.Services.LoggerFactory);

    private static NetcatUdpSource CreateNetcatUdpSource(SourceBuildContext c) => new(
        c.Name, NetcatUdpSourceOptions.From(c.Properties), c.ChannelProcessor, c.Services.TimeProvider, c.Services.LoggerFactory);

    private static HttpSource CreateHttpSource(SourceBuildContext c) => new(
        c.Name, HttpSourceOptions.From(c.Properties), c.ChannelProcessor, c.Services.TimeProvider, c.Services.LoggerFactory);

    private static TaildirSource CreateTaildirSource(SourceBuildContext c) => new(
        c.Name, TaildirSourceOptions.From(c.Properties), c.ChannelProcessor, c.Services.TimeProvider, c.Services.LoggerFactory.CreateLogger<TaildirSource>());

    private static ExecSource CreateExecSource(SourceBuildContext c) => new(
        c.Name, ExecSourceOptions.From(c.Properties), c.ChannelProcessor, c.Services.TimeProvider, c.Services.LoggerFactory.CreateLogger<ExecSource>());

    private static HdfsSink CreateHdfsSink(SinkBuildContext c)
    {
        var options = HdfsSinkOptions.From(c.Properties);
        options.Path.RequireFileSystem(c.Properties, HadoopConfiguration.FromEnvironment());
        return new(c.Name, c.Channel, options, c.Services.TimeProvider, c.Services.LoggerFactory);
    }
}
