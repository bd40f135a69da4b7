using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace Flume.Logging.Testing;

/// <summary>
/// One run of an example app (the appenders' examples) as a real process, and what it printed: the common lines
/// <c>log calls took N ms</c> and <c>logged N lines</c>, and the total of dropped events its self-log reported.
/// </summary>
public sealed partial record ExampleAppRun(int ExitCode, string Output, TimeSpan Elapsed)
{
    /// <summary>Runs <paramref name="appDll"/> with <paramref name="arguments"/> from the test's output folder and waits for it to exit.</summary>
    public static async Task<ExampleAppRun> RunAsync(string appDll, IEnumerable<string> arguments, IDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        using var app = PeerProcess.Start(RelayProcess.DotnetHost, [Path.Combine(AppContext.BaseDirectory, appDll), .. arguments], AppContext.BaseDirectory, environment);
        var exit = await app.WaitForExitAsync(timeout ?? TimeSpan.FromSeconds(90));
        return new ExampleAppRun(exit, app.Output, clock.Elapsed);
    }

    /// <summary>How long the app's log calls took, as it printed.</summary>
    public TimeSpan LogCallsTook => TimeSpan.FromMilliseconds(double.Parse(LogCallsLine().Match(Output) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException($"no 'log calls took' line in: {Output}"), CultureInfo.InvariantCulture));

    /// <summary>How many lines the app said it logged (<c>logged N lines</c>).</summary>
    public int LinesLogged => int.Parse(LoggedLine().Match(Output) is { Success: true } m ? m.Groups[1].Value : throw new InvalidOperationException($"no 'logged N lines' line in: {Output}"), CultureInfo.InvariantCulture);

    /// <summary>The last dropped total the self-log reported (<c>N dropped in total</c>), or 0 when it reported none.</summary>
    public long DroppedTotal => DroppedLine().Matches(Output) is { Count: > 0 } matches ? long.Parse(matches[^1].Groups[1].Value, CultureInfo.InvariantCulture) : 0;

    [GeneratedRegex(@"logged (\d+) lines")]
    private static partial Regex LoggedLine();

    [GeneratedRegex(@"log calls took (\d+) ms")]
    private static partial Regex LogCallsLine();

    [GeneratedRegex(@"(\d+) dropped in total")]
    private static partial Regex DroppedLine();
}
