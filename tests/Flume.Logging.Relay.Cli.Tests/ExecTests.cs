using Flume.Logging.Testing;

namespace Flume.Logging.Relay.Cli.Tests;

/// <summary>The exec source on a real relay: the user guide's <c>tail -F</c> example.</summary>
public sealed class ExecTests : IDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("relay-exec-").FullName;

    public void Dispose() => Directory.Delete(_root, recursive: true);

    /// <summary>The processes whose command line names <paramref name="text"/>.</summary>
    private static List<int> ProcessesNaming(string text)
    {
        var found = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), out var pid))
            {
                continue;
            }

            try
            {
                var commandLine = File.ReadAllText(Path.Combine(dir, "cmdline")).Replace('\0', ' ');
                if (commandLine.Contains(text, StringComparison.Ordinal))
                {
                    found.Add(pid);
                }
            }
            catch (IOException)
            {
                // Ended while being looked at.
            }
            catch (UnauthorizedAccessException)
            {
                // Another user's process.
            }
        }

        return found;
    }

    [Fact]
    public async Task The_user_guide_tail_F_example_sends_appended_lines_follows_a_rotation_and_its_tail_ends_with_the_relay()
    {
        var secure = Path.Combine(_root, "secure");
        await File.WriteAllTextAsync(secure, "");
        var shipped = await File.ReadAllTextAsync(Path.Combine(AppContext.BaseDirectory, "examples", "flume", "exec-memory-logger.properties"));
        Assert.Contains("tail -F /var/log/secure", shipped, StringComparison.Ordinal);
        using var relay = await RelayProcess.StartRunningAsync(shipped.Replace("/var/log/secure", secure, StringComparison.Ordinal), "a1", "-Dflume.root.logger=INFO,console");
        Assert.Contains(relay.Process.Lines, l => l.Contains("no delivery guarantee", StringComparison.Ordinal));
        await Eventually.TrueAsync(() => ProcessesNaming(secure).Count == 1, "tail running");

        await File.AppendAllTextAsync(secure, "s-1\ns-2\n");
        await relay.Process.WaitForLineAsync("body: 73 2D 32", TimeSpan.FromSeconds(30));

        // tail -F follows the name: a rename rotation and a new file are picked up.
        File.Move(secure, secure + ".1");
        await File.WriteAllTextAsync(secure, "s-3\n");
        await relay.Process.WaitForLineAsync("body: 73 2D 33", TimeSpan.FromSeconds(30));
        var tail = Assert.Single(ProcessesNaming(secure));

        Assert.Equal(0, await relay.StopAsync());
        await Eventually.TrueAsync(() => !Directory.Exists($"/proc/{tail}"), "tail ended with the relay", TimeSpan.FromSeconds(10));
        Assert.Equal(1, relay.Process.CountLines("body: 73 2D 31"));
    }

    [Fact]
    public async Task The_user_guide_shell_example_runs_its_loop_through_bash_and_sends_every_file_line()
    {
        var folder = Path.Combine(_root, "path");
        Directory.CreateDirectory(folder);
        await File.WriteAllTextAsync(Path.Combine(folder, "a.txt"), "a-1\na-2\n");
        await File.WriteAllTextAsync(Path.Combine(folder, "b.txt"), "b-1\n");
        await File.WriteAllTextAsync(Path.Combine(folder, "c.log"), "not matched\n");

        // The guide's snippet for agent a1, source tailsource-1, with /path moved; a channel and sink added so it runs.
        var configuration = $"""
            a1.sources = tailsource-1
            a1.channels = c1
            a1.sinks = k1
            a1.sources.tailsource-1.channels = c1
            a1.sources.tailsource-1.type = exec
            a1.sources.tailsource-1.shell = /bin/bash -c
            a1.sources.tailsource-1.command = for i in {folder}/*.txt; do cat $i; done
            a1.channels.c1.type = memory
            a1.sinks.k1.type = logger
            a1.sinks.k1.channel = c1
            """;
        using var relay = await RelayProcess.StartRunningAsync(configuration, "a1", "-Dflume.root.logger=INFO,console");

        await relay.Process.WaitForLineAsync("exited with 0", TimeSpan.FromSeconds(30));
        await relay.Process.WaitForLineAsync("body: 62 2D 31", TimeSpan.FromSeconds(30));
        Assert.Equal(0, await relay.StopAsync());
        var bodies = relay.Process.Lines.Where(l => l.Contains("Event: { headers:{} body:", StringComparison.Ordinal)).ToList();
        Assert.Equal(3, bodies.Count);
        Assert.EndsWith("a-1 }", bodies[0], StringComparison.Ordinal);
        Assert.EndsWith("a-2 }", bodies[1], StringComparison.Ordinal);
        Assert.EndsWith("b-1 }", bodies[2], StringComparison.Ordinal);
    }
}
