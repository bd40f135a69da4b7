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
