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
        var shipped = File.ReadAllText(Path.Combine(AppContext.BaseDirectory, "log4net.config"));
        Assert.Contains(ShippedHosts, shipped, StringComparison.Ordinal);
        var config = Path.Combine(directory, $"log4net-{Guid.NewGuid():N}.config");
        File.WriteAllText(config, shipped.Replace(ShippedHosts, $"""<hosts value="{hosts}" />{extraSettings}""", StringComparison.Ordinal));
        return config;
    }

    /// <summary>Starts <c>Log4NetApp lines config --threads N --shutdown mode</c>.</summary>
    public static PeerProcess Start(string config, int lines, int threads, string shutdown) =>
        PeerProcess.Start(
            RelayProcess.DotnetHost,
            [AppDll, lines.ToString(CultureInfo.InvariantCulture), config, "--threads", threads.ToString(CultureInfo.InvariantCulture), "--shutdown", shutdown],
            Path.GetDirectoryName(config));

    /// <summary>Runs the app to its end and checks it exited cleanly after logging every line; returns its output.</summary>
    public static async Task<string> RunAsync(string config, int lines, int threads, string shutdown = "shutdown")
    {
        using var app = Start(config, lines, threads, shutdown);
        Assert.Equal(0, await app.WaitForExitAsync(TimeSpan.FromSeconds(90)));
        Assert.Contains($"logged {lines} lines", app.Output, StringComparison.Ordinal);
        return app.Output;
    }

    /// <summary>Fails, showing everything the app printed, when it reported a dropped event.</summary>
    public static void AssertNothingDropped(string output) =>
        Assert.False(output.Contains("dropped", StringComparison.Ordinal), $"the app dropped events:\n{output}");

    /// <summary>How long the app's log calls took, as it printed it.</summary>
    public static TimeSpan LogCallsTook(string output) => Milliseconds(LogCallsPattern(), output);

    /// <summary>How long <c>LogManager.Shutdown()</c> took, as the app printed it.</summary>
    public static TimeSpan ShutdownTook(string output) => Milliseconds(ShutdownPattern(), output);

    private static TimeSpan Milliseconds(Regex pattern, string output)
    {
        var match = pattern.Match(output);
        Assert.True(match.Success, $"no line matching {pattern} in:\n{output}");
        return TimeSpan.FromMilliseconds(double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"log calls took ([0-9.]+) ms")]
    private static partial Regex LogCallsPattern();

    [GeneratedRegex(@"shutdown took ([0-9.]+) ms")]
    private static partial Regex ShutdownPattern();
}
