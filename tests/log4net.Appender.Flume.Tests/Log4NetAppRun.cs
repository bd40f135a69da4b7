using System.Globalization;
using System.Text.RegularExpressions;
using Flume.Logging.Testing;

namespace log4net.Appender.Flume.Tests;

/// <summary>
/// Runs examples/Log4NetApp as a real process on a copy of its shipped log4net.config in which only the relay address
/// is changed (plus any extra settings a test names).
/// </summary>
internal static partial class Log4NetAppRun
{
    private const string ShippedHosts = """<hosts value="127.0.0.1:41414" />""";

    private static string AppDll => Path.Combine(AppContext.BaseDirectory, "Log4NetApp.dll");

    /// <summary>Writes the shipped config into <paramref name="directory"/> with <paramref name="hosts"/> as the relay address.</summary>
    public static string WriteConfig(string directory, string hosts, string extraSettings = "")
    {
        var config = Path.Combine(directory, $"log4net-{Guid.NewGuid():N}.config");
        File.WriteAllText(config, ConfigText(hosts, extraSettings));
        return config;
    }

    /// <summary>The shipped log4net.config with <paramref name="hosts"/> (and any extra settings) in place of its own.</summary>
    public static string ConfigText(string hosts, string extraSettings = "")
    {
        var shipped = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "log4net.config"));
        Assert.Contains(ShippedHosts, shipped, StringComparison.Ordinal);
        return shipped.Replace(ShippedHosts, $"""<hosts value="{hosts}" />{extraSettings}""", StringComparison.Ordinal);
    }

    /// <summary>Starts <c>Log4NetApp lines config --threads N --shutdown mode</c>.</summary>
    public static PeerProcess Start(string config, int lines, int threads, string shutdown) =>
        PeerProcess.Start(
            RelayProcess.DotnetHost,
            [AppDll, lines.ToString(CultureInfo.InvariantCulture), config, "--threads", threads.ToString(CultureInfo.InvariantCulture), "--shutdown", shutdown],
            Path.GetDirectoryName(config));

    /// <summary>Runs the app to its end and checks it exited cleanly after logging every line.</summary>
    public static async Task<ExampleAppRun> RunAsync(string config, int lines, int threads, string shutdown = "shutdown")
    {
        var run = await ExampleAppRun.RunAsync(
            "Log4NetApp.dll",
            [lines.ToString(CultureInfo.InvariantCulture), config, "--threads", threads.ToString(CultureInfo.InvariantCulture), "--shutdown", shutdown]);
        Assert.True(run.ExitCode == 0, $"the app exited with {run.ExitCode}:\n{run.Output}");
        Assert.Equal(lines, run.LinesLogged);
        return run;
    }

    /// <summary>Fails, showing everything the app printed, when it reported a dropped event.</summary>
    public static void AssertNothingDropped(string output) =>
        Assert.False(output.Contains("dropped", StringComparison.Ordinal), $"the app dropped events:\n{output}");

    /// <summary>How long <c>LogManager.Shutdown()</c> took, as the app printed it.</summary>
    public static TimeSpan ShutdownTook(string output)
    {
        var match = ShutdownPattern().Match(output);
        Assert.True(match.Success, $"no line matching {ShutdownPattern()} in:\n{output}");
        return TimeSpan.FromMilliseconds(double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"shutdown took ([0-9.]+) ms")]
    private static partial Regex ShutdownPattern();
}
