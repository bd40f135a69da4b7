namespace Flume.Logging.Testing;

/// <summary>
/// The Debian Python that the real Avro and Thrift peers (python3-avro, python3-thrift) are installed into.
/// The first python3 on PATH may be another interpreter without them, so the system one is used by path.
/// </summary>
public static class Python
{
    /// <summary>Path of Debian's interpreter.</summary>
    public const string Executable = "/usr/bin/python3";

    /// <summary>
    /// Fails the test with an actionable message when the peers are missing: these tests must never pass by
    /// skipping the real peer.
    /// </summary>
    public static void RequireModules(params string[] modules)
    {
        ArgumentNullException.ThrowIfNull(modules);
        if (!File.Exists(Executable))
        {
            throw new InvalidOperationException($"{Executable} not found: apt-get install -y python3-avro python3-thrift thrift-compiler");
        }

        foreach (var module in modules)
        {
            using var check = PeerProcess.Start(Executable, ["-c", $"import {module}"]);
            if (!check.WaitForExit(TimeSpan.FromSeconds(30)) || check.ExitCode != 0)
            {
                throw new InvalidOperationException(
                    $"python module '{module}' is missing from {Executable}: apt-get install -y python3-avro python3-thrift thrift-compiler\n{check.Output}");
            }
        }
    }
}
