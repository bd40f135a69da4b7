using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text;

namespace Flume.Logging.Testing;

/// <summary>
/// A child process under test (a relay, a Python peer) whose output lines are captured, with bounded waits for
/// lines and exit, and which is killed with its children when disposed so no test leaves a process behind.
/// </summary>
public sealed class PeerProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly StringBuilder _output = new();
    private readonly Lock _outputLock = new();
    private readonly TaskCompletionSource _exited = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private PeerProcess(Process process)
    {
        _process = process;
    }

    /// <summary>Everything the process wrote so far, stdout and stderr interleaved as they arrived.</summary>
    public string Output
    {
        get
        {
            lock (_outputLock)
            {
                return _output.ToString();
            }
        }
    }

    /// <summary>The lines written so far.</summary>
    public IReadOnlyCollection<string> Lines => _lines;

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>Starts <paramref name="fileName"/> with arguments, capturing output, stdin redirected.</summary>
    public static PeerProcess Start(string fileName, IEnumerable<string> arguments, string? workingDirectory = null, IDictionary<string, string>? environment = null)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        if (environment is not null)
        {
            foreach (var (key, value) in environment)
            {
                info.Environment[key] = value;
            }
        }

        var process = new Process { StartInfo = info, EnableRaisingEvents = true };
        var peer = new PeerProcess(process);
        process.OutputDataReceived += (_, e) => peer.Append(e.Data);
        process.ErrorDataReceived += (_, e) => peer.Append(e.Data);
        process.Exited += (_, _) => peer._exited.TrySetResult();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return peer;
    }

    /// <summary>Writes a line to the process's standard input.</summary>
    public void WriteLine(string line)
    {
        _process.StandardInput.WriteLine(line);
        _process.StandardInput.Flush();
    }

    /// <summary>Waits until a line containing <paramref name="text"/> appears; fails with the output so far.</summary>
    public async Task<string> WaitForLineAsync(string text, TimeSpan? timeout = null)
    {
        string? found = null;
        await WaitAsync(
            () =>
            {
                found = _lines.FirstOrDefault(line => line.Contains(text, StringComparison.Ordinal));
                return found is not null || _exited.Task.IsCompleted;
            },
            $"a line containing '{text}'",
            timeout);
        if (found is null)
        {
            // The process ended first; its last lines may still be in flight.
            _process.WaitForExit();
            found = _lines.FirstOrDefault(line => line.Contains(text, StringComparison.Ordinal))
                ?? throw new InvalidOperationException($"process exited with {ExitCode} before a line containing '{text}'. Output:\n{Output}");
        }

        return found;
    }

    /// <summary>Counts lines containing <paramref name="text"/>.</summary>
    public int CountLines(string text) => _lines.Count(line => line.Contains(text, StringComparison.Ordinal));

    /// <summary>Waits for exit; true when it exited in time.</summary>
    public bool WaitForExit(TimeSpan timeout)
    {
        if (!_process.WaitForExit(timeout))
        {
            return false;
        }

        // The parameterless overload waits for the redirected output to be fully read.
        _process.WaitForExit();
        return true;
    }

    /// <summary>Waits for exit asynchronously; fails with the output when it does not exit in time.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        try
        {
            await _exited.Task.WaitAsync(timeout);
        }
        catch (TimeoutException)
        {
            throw new TimeoutException($"process {_process.Id} did not exit within {timeout.TotalSeconds:0.#} s ({KernelState()}). Output:\n{Output}");
        }

        _process.WaitForExit();
        return _process.ExitCode;
    }

    /// <summary>Waits for exit and fails, with the output, unless the exit code is 0.</summary>
    public async Task WaitForSuccessAsync(TimeSpan timeout)
    {
        var exit = await WaitForExitAsync(timeout);
        if (exit != 0)
        {
            var command = string.Join(' ', [Path.GetFileName(_process.StartInfo.FileName), .. _process.StartInfo.ArgumentList]);
            throw new InvalidOperationException($"{command} exited with {exit}. Output:\n{Output}");
        }
    }

    /// <summary>
    /// What the kernel says of the process: still running, exited and not yet reaped (a zombie: the exit was not seen
    /// here), or gone. Tells a process that hangs from an exit that was missed.
    /// </summary>
    private string KernelState()
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{_process.Id}/stat");
            var state = stat[stat.LastIndexOf(')') + 2];
            return state == 'Z' ? "it exited and was not reaped" : $"kernel state {state}";
        }
        catch (IOException)
        {
            return "it is gone from /proc";
        }
    }

    /// <summary>Sends SIGTERM, as an operator's stop or a service manager would.</summary>
    public void Terminate() => Signal("TERM");

    /// <summary>Sends the signal of that name (<c>TERM</c>, <c>HUP</c>, ...) with kill(1).</summary>
    public void Signal(string name)
    {
        if (!_process.HasExited)
        {
            using var kill = Process.Start("kill", [$"-{name}", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
            kill.WaitForExit();
        }
    }

    /// <summary>Kills the process at once (SIGKILL), as a crash would.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
    }

    public void Dispose()
    {
        try
        {
            Kill();
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped.
        }

        _process.Dispose();
    }

    private async Task WaitAsync(Func<bool> condition, string what, TimeSpan? timeout)
    {
        try
        {
            await Eventually.TrueAsync(condition, what, timeout);
        }
        catch (TimeoutException e)
        {
            throw new TimeoutException($"{e.Message}; process {(HasExited ? $"exited with {ExitCode}" : "still running")}. Output:\n{Output}", e);
        }
    }

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        _lines.Enqueue(line);
        lock (_outputLock)
        {
            _output.AppendLine(line);
        }
    }
}
