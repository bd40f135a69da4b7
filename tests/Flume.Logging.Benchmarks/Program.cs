using BenchmarkDotNet.Running;
using Flume.Logging.Benchmarks.Appenders;
using Flume.Logging.Benchmarks.Hdfs;

namespace Flume.Logging.Benchmarks;

/// <summary>
/// Entry point: BenchmarkDotNet's own command line, e.g. <c>--filter '*'</c>, <c>--filter '*Avro*'</c>,
/// <c>--job short</c> for a quick run, <c>--list flat</c> to see every benchmark; or
/// <c>appender-throughput front-end host:port [events per thread] [threads] [overflow] [rate]</c> for the whole-process
/// appender run; or <c>hdfs-hflush [batches] [batch bytes] [sustained MB]</c> for the HDFS client's write path.
/// </summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        if (args.Length > 1 && args[0] == "appender-throughput")
        {
            return await AppenderThroughput.RunAsync(args[1..]);
        }

        if (args.Length > 0 && args[0] == "hdfs-hflush")
        {
            return await HdfsHflush.RunAsync(args[1..]);
        }

        if (args.Length > 0 && args[0] == "hdfs-cluster")
        {
            return await HdfsHflush.RunClusterAsync();
        }

        BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
        return 0;
    }
}
