using Flume.Logging.Relay.Config;
using Flume.Logging.Relay.Sources.Spooling;

namespace Flume.Logging.Relay.Sources.Exec;

/// <summary>Settings of the <c>exec</c> source, with Flume's property names and defaults.</summary>
internal sealed class ExecSourceOptions
{
    /// <summary><c>command</c> (required): the command to run; split on whitespace unless <see cref="Shell"/> is set.</summary>
    public string Command { get; set; } = "";

    /// <summary><c>shell</c>: a shell invocation such as <c>/bin/sh -c</c> given the command as its last argument. Default: none.</summary>
    public string? Shell { get; set; }

    /// <summary><c>restartThrottle</c> (ms): the pause before running the command again. Default: 10000 ms.</summary>
    public TimeSpan RestartThrottle { get; set; } = TimeSpan.FromMilliseconds(10_000);

    /// <summary><c>restart</c>: run the command again when it ends. Default: false.</summary>
    public bool Restart { get; set; }

    /// <summary><c>logStdErr</c>: log the command's standard error lines. Default: false.</summary>
    public bool LogStdErr { get; set; }

    /// <summary><c>batchSize</c>: most lines sent to the channel at a time. Default: 20.</summary>
    public int BatchSize { get; set; } = 20;

    /// <summary><c>batchTimeout</c> (ms): the longest a started batch waits to fill before it is sent. Default: 3000 ms.</summary>
    public TimeSpan BatchTimeout { get; set; } = TimeSpan.FromMilliseconds(3000);

    /// <summary><c>charset</c>: how the command's output is decoded and event bodies encoded. Default: UTF-8.</summary>
    public string Charset { get; set; } = "UTF-8";

    /// <summary>Reads an <c>exec</c> source's properties; errors name the exact key.</summary>
    internal static ExecSourceOptions From(ComponentContext properties)
    {
        var options = new ExecSourceOptions
        {
            Command = properties.GetRequiredString("command").Trim(),
            Shell = properties.GetString("shell")?.Trim() is { Length: > 0 } shell ? shell : null,
            RestartThrottle = properties.GetMilliseconds("restartThrottle", TimeSpan.FromMilliseconds(10_000)),
            Restart = properties.GetBoolean("restart", false),
            LogStdErr = properties.GetBoolean("logStdErr", false),
            BatchSize = properties.GetInt32("batchSize", 20, 1, int.MaxValue),
            BatchTimeout = properties.GetMilliseconds("batchTimeout", TimeSpan.FromMilliseconds(3000)),
            Charset = properties.GetString("charset", "UTF-8").Trim(),
        };

        properties.Require(options.Command.Length > 0, "command", "must not be empty");
        properties.Require(options.RestartThrottle >= TimeSpan.Zero, "restartThrottle", "must not be negative");
        properties.Require(options.BatchTimeout > TimeSpan.Zero, "batchTimeout", "must be positive");
        properties.Require(SpoolDirectorySourceOptions.TryGetEncoding(options.Charset, out _), "charset", $"'{options.Charset}' is not a known character set");
        return options;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid property.</summary>
    public void Validate()
    {
        Check(!string.IsNullOrWhiteSpace(Command), nameof(Command), "command is required");
        Check(Shell is null || !string.IsNullOrWhiteSpace(Shell), nameof(Shell), "shell must not be blank");
        Check(RestartThrottle >= TimeSpan.Zero, nameof(RestartThrottle), "restartThrottle must not be negative");
        Check(BatchSize >= 1, nameof(BatchSize), $"batchSize must be at least 1 (got {BatchSize})");
        Check(BatchTimeout > TimeSpan.Zero, nameof(BatchTimeout), "batchTimeout must be positive");
        Check(SpoolDirectorySourceOptions.TryGetEncoding(Charset, out _), nameof(Charset), $"charset '{Charset}' is not a known character set");
    }

    /// <summary>
    /// The program and arguments to start, as Flume forms them: the shell's words followed by the whole command, or
    /// the command's own whitespace-separated words.
    /// </summary>
    public IReadOnlyList<string> Arguments()
    {
        if (Shell is null)
        {
            return Command.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        }

        return [.. Shell.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries), Command];
    }

    private static void Check(bool condition, string parameter, string message)
    {
        if (!condition)
        {
            throw new ArgumentException(message, parameter);
        }
    }
}
