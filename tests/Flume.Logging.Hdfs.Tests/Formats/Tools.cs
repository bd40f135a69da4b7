using Flume.Logging.Testing;

namespace Flume.Logging.Hdfs.Tests.Formats;

/// <summary>Runs the real command-line tools (gzip, bzip2, zstd, Debian's python3) on files the codecs wrote.</summary>
internal static class Tools
{
    /// <summary>Runs <paramref name="tool"/> and returns its exit code and output; fails the test if it hangs or is missing.</summary>
    public static (int ExitCode, string Output) Run(string tool, params string[] arguments)
    {
        Assert.True(File.Exists(tool), $"{tool} is missing: apt-get install -y gzip bzip2 zstd python3");
        using var process = PeerProcess.Start(tool, arguments);
        Assert.True(process.WaitForExit(TimeSpan.FromSeconds(30)), $"{tool} did not finish");
        return (process.ExitCode, process.Output);
    }

    /// <summary>Decodes concatenated zlib streams with python's zlib, which knows nothing of our decoder.</summary>
    public static byte[] InflateWithPython(string path, string outputPath)
    {
        const string Script = """
            import sys, zlib
            data = open(sys.argv[1], 'rb').read()
            out = b''
            while data:
                d = zlib.decompressobj()
                out += d.decompress(data)
                assert d.eof, 'truncated zlib stream'
                data = d.unused_data
            open(sys.argv[2], 'wb').write(out)
            """;
        var (exitCode, output) = Run(Python.Executable, "-c", Script, path, outputPath);
        Assert.True(exitCode == 0, output);
        return File.ReadAllBytes(outputPath);
    }
}
