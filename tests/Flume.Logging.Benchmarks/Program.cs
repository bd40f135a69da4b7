using BenchmarkDotNet.Running;

namespace Flume.Logging.Benchmarks;

/// <summary>
/// Entry point: BenchmarkDotNet's own command line, e.g. <c>--filter '*'</c>, <c>--filter '*Avro*'</c>,
/// <c>--job short</c> for a quick run, <c>--list flat</c> to see every benchmark.
/// </summary>
internal static class Program
{
    private static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}
