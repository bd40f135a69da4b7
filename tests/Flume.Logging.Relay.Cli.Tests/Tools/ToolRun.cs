using Flume.Logging.Testing;

namespace Flume.Logging.Relay.Cli.Tests.Tools;

/// <summary>Runs <c>relay &lt;tool&gt; ...</c> as a real process to its end, bounded.</summary>
internal static class ToolRun
{
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    /// <summary>Runs the relay with <paramref name="arguments"/> and returns its exit code and output.</summary>
    public static async Task<(int ExitCode, string Output, IReadOnlyList<string> Lines)> RunAsync(params string[] arguments)
    {
        using var process = PeerProcess.Start(RelayProcess.DotnetHost, [RelayProcess.RelayDll, .. arguments]);
        var exitCode = await process.WaitForExitAsync(Limit);
        return (exitCode, process.Output, process.Lines.ToList());
    }

    /// <summary>Runs the relay with standard input read from <paramref name="inputFile"/> through a shell redirect.</summary>
    public static async Task<(int ExitCode, string Output)> RunWithInputAsync(string inputFile, params string[] arguments)
    {
        using var process = PeerProcess.Start(
            "/bin/sh",
            ["-c", "exec \"$@\" < \"$TOOL_INPUT\"", "sh", RelayProcess.DotnetHost, RelayProcess.RelayDll, .. arguments],
            environment: new Dictionary<string, string> { ["TOOL_INPUT"] = inputFile });
        var exitCode = await process.WaitForExitAsync(Limit);
        return (exitCode, process.Output);
    }
}
