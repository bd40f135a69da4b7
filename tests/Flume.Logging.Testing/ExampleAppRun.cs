using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Flume.Logging.Testing;

/// <summary>
/// One run of an example app (examples/*App, built beside the test assembly) as a real process with the common command
/// line <c>App [lines] [config-file] [--threads N] [--shutdown IDIOM]</c>: its exit code, its output, the wall time
/// from start to exit, and what it printed about its log calls.
/// </summary>
public sealed partial class ExampleAppRun
{
    private ExampleAppRun(int exitCode, string output, TimeSpan elapsed)
    {
        ExitCode = exitCode;
        Output = output;
        Elapsed = elapsed;
    }

    /// <summary>The process's exit code.</summary>
    public int ExitCode { get; }

    /// <summary>Standard output and error, interleaved as they arrived.</summary>
    public string Output { get; }

    /// <summary>Wall time from starting the process to its exit.</summary>
    public TimeSpan Elapsed { get; }

    /// <summary>The app's <c>logged N lines</c>.</summary>
    public int LinesLogged => int.Parse(Printed(LoggedLine()), CultureInfo.InvariantCulture);

    /// <summary>The app's <c>log calls took T ms</c>: how long all its log calls took, from the first to the last return.</summary>
    public TimeSpan LogCallsTook => TimeSpan.FromMilliseconds(int.Parse(Printed(LogCallsLine()), CultureInfo.InvariantCulture));

    /// <summary>
    /// Runs <c>dotnet {app}.dll arguments</c> in <paramref name="workingDirectory"/> and waits for it to exit; fails
    /// with the output so far when it is still running after <paramref name="timeout"/>.
    /// </summary>
    public static async Task<ExampleAppRun> RunAsync(string app, IEnumerable<string> arguments, string workingDirectory, TimeSpan timeout)
    {
        var watch = Stopwatch.StartNew();
        using var process = PeerProcess.Start(RelayProcess.DotnetHost, [Path.Combine(AppContext.BaseDirectory, $"{app}.dll"), .. arguments], workingDirectory);
        var exitCode = await process.WaitForExitAsync(timeout);
        watch.Stop();
        return new ExampleAppRun(exitCode, process.Output, watch.Elapsed);
    }

    /// <summary>The last number a line matching <paramref name="pattern"/> printed.</summary>
    public long LastNumber(Regex pattern)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        return long.Parse(Printed(pattern), CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"logged (\d+) lines")]
    private static partial Regex LoggedLine();

    [GeneratedRegex(@"log calls took (\d+) ms")]
    private static partial Regex LogCallsLine();

    private string Printed(Regex pattern)
    {
        var matches = pattern.Matches(Output);
        return matches.Count > 0
            ? matches[^1].Groups[1].Value
            : throw new InvalidOperationException($"the app printed no line matching '{pattern}'. Output:\n{Output}");
    }
}
