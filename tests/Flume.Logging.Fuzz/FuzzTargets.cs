using Flume.Logging.Fuzz.Targets;
using Flume.Logging.Protocol.Thrift;

namespace Flume.Logging.Fuzz;

/// <summary>Every harness, by name.</summary>
internal static class FuzzTargets
{
    public static IReadOnlyList<IFuzzTarget> All { get; } =
    [
        new AvroServerTarget(),
        new AvroClientTarget(),
        new ThriftServerTarget(ThriftWireProtocol.Compact),
        new ThriftServerTarget(ThriftWireProtocol.Binary),
        new NetcatTarget(),
        new SyslogTcpTarget(multiport: false),
        new SyslogTcpTarget(multiport: true),
        new HttpJsonTarget(),
        new SpoolAvroTarget(),
        new PropertiesTarget(),
        new FileChannelLogTarget(),
        new FileChannelCheckpointTarget(),
        new HdfsRpcTarget(),
        new HdfsDataTransferTarget(),
    ];

    public static IFuzzTarget Get(string name)
    {
        foreach (var target in All)
        {
            if (target.Name == name)
            {
                return target;
            }
        }

        throw new ArgumentException($"no fuzz target '{name}'; the targets are: {string.Join(", ", All.Select(t => t.Name))}");
    }
}
