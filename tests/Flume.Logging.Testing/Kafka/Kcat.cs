using System.Diagnostics;

namespace Flume.Logging.Testing.Kafka;

/// <summary>Debian's <c>kcat</c>, the independent Kafka client the Kafka tests check our components against.</summary>
public static class Kcat
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Reads every record of <paramref name="topic"/> from the start to its current end, one output line per record
    /// formatted by kcat's <c>-f</c> <paramref name="format"/> (e.g. <c>%k|%p|%h|%s\n</c>).
    /// </summary>
    public static async Task<IReadOnlyList<string>> ConsumeAsync(string broker, string topic, string format)
    {
        var output = await RunAsync(["-C", "-b", broker, "-t", topic, "-o", "beginning", "-e", "-q", "-f", format], stdin: null);
        return output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
    }

    /// <summary>
    /// Produces one record per line of <paramref name="lines"/>; with <paramref name="keyDelimiter"/>, the text before
    /// it is the key. <paramref name="headers"/> (<c>name=value</c>) go on every record.
    /// </summary>
    public static Task ProduceAsync(string broker, string topic, IEnumerable<string> lines, char? keyDelimiter = null, params string[] headers)
    {
        var arguments = new List<string> { "-P", "-b", broker, "-t", topic };
        if (keyDelimiter is { } delimiter)
        {
            arguments.Add("-K");
            arguments.Add(delimiter.ToString());
        }

        foreach (var header in headers)
        {
            arguments.Add("-H");
            arguments.Add(header);
        }

        return RunAsync(arguments, string.Join('\n', lines) + "\n");
    }

    /// <summary>Produces one record per line of <paramref name="lines"/> into partition <paramref name="partition"/>.</summary>
    public static Task ProduceToPartitionAsync(string broker, string topic, int partition, IEnumerable<string> lines) =>
        RunAsync(["-P", "-b", broker, "-t", topic, "-p", partition.ToString(System.Globalization.CultureInfo.InvariantCulture)], string.Join('\n', lines) + "\n");

    private static async Task<string> RunAsync(IEnumerable<string> arguments, string? stdin)
    {
        var start = new ProcessStartInfo("kcat", arguments)
        {
            RedirectStandardInput = stdin is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("kcat did not start (apt-get install kcat)");
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
            process.StandardInput.Close();
        }

        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(Timeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"kcat {string.Join(' ', arguments)} did not finish within {Timeout.TotalSeconds} s: {await errors}");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"kcat {string.Join(' ', arguments)} exited with {process.ExitCode}: {await errors}");
        }

        return await output;
    }
}
