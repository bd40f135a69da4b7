using System.ComponentModel;
using System.Diagnostics;
using System.Text;

namespace Flume.Logging.Relay.Config.Filters;

/// <summary>
/// Flume's <c>external</c> config filter: <c>${f1['key']}</c> is the single line that <c>&lt;command&gt; key</c>
/// prints with exit code 0, decoded with the filter's <c>charset</c>. Each key is asked for once per load.
/// </summary>
internal sealed class ExternalProcessFilter
{
    /// <summary>
    /// How long one command may run. Not a Flume property (Flume waits for ever); a hung secret helper would
    /// otherwise hang the relay's start or reload with no message, so it is bounded here.
    /// </summary>
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(30);

    private readonly string _command;
    private readonly Encoding _charset;
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    /// <param name="command">The <c>command</c> property: an executable, run with the key as its one argument.</param>
    /// <param name="charset">The <c>charset</c> property's encoding. Default (in Flume too): UTF-8.</param>
    public ExternalProcessFilter(string command, Encoding charset)
    {
        _command = command;
        _charset = charset;
    }

    /// <summary>The command's line for <paramref name="key"/>.</summary>
    /// <exception cref="InvalidOperationException">
    /// The command cannot be started, times out, exits non-zero or prints other than one line; the message says which.
    /// </exception>
    public string Resolve(string key)
    {
        if (_values.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var start = new ProcessStartInfo(_command)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardOutputEncoding = _charset,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(key);
        Process process;
        try
        {
            process = Process.Start(start) ?? throw new InvalidOperationException($"command '{_command}' did not start");
        }
        catch (Win32Exception e)
        {
            throw new InvalidOperationException($"command '{_command}' cannot be run: {e.Message}", e);
        }

        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            if (!process.WaitForExit(CommandTimeout))
            {
                process.Kill(entireProcessTree: true);
                throw new InvalidOperationException($"command '{_command} {key}' did not finish within {CommandTimeout.TotalSeconds:0} s");
            }

            process.WaitForExit();
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException(
                    $"command '{_command} {key}' exited with code {process.ExitCode}: {error.Result.Trim()}");
            }

            var lines = output.Result.Length == 0 ? [] : output.Result.Split('\n').Select(l => l.TrimEnd('\r')).ToList();
            if (lines.Count > 1 && lines[^1].Length == 0)
            {
                lines.RemoveAt(lines.Count - 1);
            }

            if (lines.Count != 1)
            {
                throw new InvalidOperationException(
                    $"command '{_command} {key}' printed {lines.Count} lines; a config filter command must print exactly one");
            }

            _values[key] = lines[0];
            return lines[0];
        }
    }
}
