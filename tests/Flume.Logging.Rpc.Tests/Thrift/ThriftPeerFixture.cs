using Flume.Logging.Testing;

namespace Flume.Logging.Rpc.Tests.Thrift;

/// <summary>
/// Generates the Python client and server from our shipped IDL with the real thrift compiler (0.17), once per
/// test class, into a temporary directory deleted afterwards.
/// </summary>
public sealed class ThriftPeerFixture : IDisposable
{
    public ThriftPeerFixture()
    {
        Python.RequireModules("thrift");
        const string compiler = "/usr/bin/thrift";
        if (!File.Exists(compiler))
        {
            throw new InvalidOperationException($"{compiler} not found: apt-get install -y thrift-compiler python3-thrift");
        }

        GeneratedDirectory = Directory.CreateTempSubdirectory("flume-thrift-py-").FullName;
        var idl = Path.Combine(AppContext.BaseDirectory, "Idl", "flume.thrift");
        using var thrift = PeerProcess.Start(compiler, ["--gen", "py", "-out", GeneratedDirectory, idl]);
        if (!thrift.WaitForExit(TimeSpan.FromSeconds(60)) || thrift.ExitCode != 0)
        {
            throw new InvalidOperationException($"thrift --gen py {idl} failed:\n{thrift.Output}");
        }
    }

    /// <summary>Where the generated <c>flume</c> package lives; goes on the peers' sys.path.</summary>
    public string GeneratedDirectory { get; }

    /// <summary>Path of one of our peer scripts in the test output.</summary>
    public static string Script(string name) => Path.Combine(AppContext.BaseDirectory, "Interop", "Thrift", name);

    public void Dispose() => Directory.Delete(GeneratedDirectory, recursive: true);
}
