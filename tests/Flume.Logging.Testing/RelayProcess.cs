using System.Net;

namespace Flume.Logging.Testing;

/// <summary>
/// A real <c>relay</c> process on a configuration written for the test, for end-to-end tests. Needs relay.dll
/// beside the test assembly (test projects that use it reference the CLI project).
/// </summary>
public sealed class RelayProcess : IDisposable
{
    private readonly string _directory;

    private RelayProcess(PeerProcess process, string directory, string configFile)
    {
        Process = process;
        _directory = directory;
        ConfigFile = configFile;
    }

    /// <summary>The running process and its captured output.</summary>
    public PeerProcess Process { get; }

    /// <summary>The configuration file the relay was started with.</summary>
    public string ConfigFile { get; }

    /// <summary>The relay's entry assembly in the test output folder.</summary>
    public static string RelayDll => Path.Combine(AppContext.BaseDirectory, "relay.dll");

    /// <summary>The dotnet host running this test, so the relay runs on the same runtime.</summary>
    public static string DotnetHost => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet";

    /// <summary>Starts <c>relay --conf &lt;file&gt; [args]</c> without waiting for it to be ready.</summary>
    public static RelayProcess Start(string configuration, params string[] arguments) => Start(configuration, null, arguments);

    /// <summary>
    /// Starts <c>relay --conf &lt;file&gt; [args]</c> with extra environment variables (for example HOME, where
    /// Flume's default file channel folders live) without waiting for it to be ready.
    /// </summary>
    public static RelayProcess Start(string configuration, IDictionary<string, string>? environment, params string[] arguments)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var directory = Directory.CreateTempSubdirectory("relay-test-").FullName;
        var configFile = Path.Combine(directory, "relay.properties");
        File.WriteAllText(configFile, configuration);
        return StartWithFile(configFile, directory, ["--conf", configFile, .. arguments], environment);
    }

    /// <summary>Starts the relay with exactly these arguments (for command-line tests), in a fresh folder.</summary>
    public static RelayProcess StartRaw(params string[] arguments)
    {
        var directory = Directory.CreateTempSubdirectory("relay-test-").FullName;
        return StartWithFile("", directory, arguments, null);
    }

    /// <summary>Starts the relay and waits until agent <paramref name="agent"/> reports it is running.</summary>
    public static Task<RelayProcess> StartRunningAsync(string configuration, string agent = "a1", params string[] arguments) =>
        StartRunningAsync(configuration, null, agent, arguments);

    /// <summary>Starts the relay with extra environment variables and waits until agent <paramref name="agent"/> is running.</summary>
    public static async Task<RelayProcess> StartRunningAsync(string configuration, IDictionary<string, string>? environment, string agent, params string[] arguments)
    {
        var relay = Start(configuration, environment, ["--name", agent, .. arguments]);
        try
        {
            await relay.Process.WaitForLineAsync($"agent {agent} running");
            return relay;
        }
        catch
        {
            relay.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Waits until source <paramref name="sourceName"/> logs the address it listens on (every network source logs
    /// <c>&lt;type&gt; source r1 listening on 127.0.0.1:43121</c> once bound, <c>/udp</c> after a UDP one): how a test
    /// learns the port of a source configured with <c>port = 0</c>. A multiport source logs one line per port:
    /// <paramref name="occurrence"/> picks the n-th line (or the source's n-th start, after a reload restarted it).
    /// </summary>
    public async Task<IPEndPoint> ListeningAddressAsync(string sourceName, TimeSpan timeout, int occurrence = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(occurrence, 1);
        var marker = $" source {sourceName} listening on ";
        List<string> Announcements() => [.. Process.Lines.Where(line => line.Contains(marker, StringComparison.Ordinal))];

        try
        {
            await Eventually.TrueAsync(
                () => Announcements().Count >= occurrence || Process.HasExited,
                $"source {sourceName} to log its address (announcement {occurrence})",
                timeout);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}. Output:\n{Process.Output}", e);
        }

        var announcements = Announcements();
        if (announcements.Count < occurrence)
        {
            throw new InvalidOperationException($"relay exited before source {sourceName} logged its address. Output:\n{Process.Output}");
        }

        // The address runs to the first space (an http source goes on with its handler) or to "/udp".
        var line = announcements[occurrence - 1];
        var address = line[(line.IndexOf(marker, StringComparison.Ordinal) + marker.Length)..].Split(' ', '/')[0];
        return IPEndPoint.Parse(address);
    }

    /// <summary>The port source <paramref name="sourceName"/> listens on, as logged (see <see cref="ListeningAddressAsync"/>); waits up to a minute.</summary>
    public async Task<int> ListeningPortAsync(string sourceName, int occurrence = 1) =>
        (await ListeningAddressAsync(sourceName, TimeSpan.FromSeconds(60), occurrence)).Port;

    /// <summary>
    /// Waits until the relay logs where it serves metrics (<c>serving metrics at http://127.0.0.1:43122/metrics</c>)
    /// and returns that port: how a test learns the port of <c>--metrics-port 0</c> or <c>flume.monitoring.port=0</c>.
    /// </summary>
    public async Task<int> MetricsPortAsync()
    {
        const string Prefix = "serving metrics at http://";
        var line = await Process.WaitForLineAsync(Prefix, TimeSpan.FromSeconds(60));
        var start = line.IndexOf(Prefix, StringComparison.Ordinal) + Prefix.Length;
        return IPEndPoint.Parse(line[start..line.IndexOf("/metrics", start, StringComparison.Ordinal)]).Port;
    }

    /// <summary>Asks the relay to stop (SIGTERM) and returns its exit code.</summary>
    public async Task<int> StopAsync()
    {
        Process.Terminate();
        return await Process.WaitForExitAsync(TimeSpan.FromSeconds(60));
    }

    public void Dispose()
    {
        Process.Dispose();
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A file still held open; the temp folder is cleaned by the system.
        }
    }

    private static RelayProcess StartWithFile(string configFile, string directory, string[] arguments, IDictionary<string, string>? environment)
    {
        if (!File.Exists(RelayDll))
        {
            throw new InvalidOperationException($"{RelayDll} not found: the test project must reference relay/Flume.Logging.Relay.Cli");
        }

        var process = PeerProcess.Start(DotnetHost, [RelayDll, .. arguments], directory, environment);
        return new RelayProcess(process, directory, configFile);
    }
}
