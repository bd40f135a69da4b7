namespace Flume.Logging.Relay.Cli;

/// <summary>
/// Flume 1.10+'s command options file, <c>flume.opts</c>: agent options written one per line as
/// <c>option = value</c> (<c>conf-file = example.conf</c>, <c>name = a1</c>), read from <c>/etc/flume/flume.opts</c>
/// or, as Flume finds it "on the classpath", from the <c>--conf</c> folder (which flume-ng puts on the classpath).
/// An option may repeat (<c>conf-file</c> twice gives two files). Options given on the command line win: an option
/// the command line has is not taken from the file.
/// </summary>
internal static class OptionsFile
{
    /// <summary>Flume's fixed place for the file.</summary>
    public const string SystemPath = "/etc/flume/flume.opts";

    private const string FileName = "flume.opts";

    private static readonly string[] AgentCommands = ["agent"];

    // Long name -> the short alias, for options that have one, so "-f" on the command line counts as "conf-file".
    private static readonly Dictionary<string, string?> ValueOptions = new(StringComparer.Ordinal)
    {
        ["conf-file"] = "-f",
        ["conf"] = "-c",
        ["conf-uri"] = null,
        ["conf-user"] = null,
        ["conf-password"] = null,
        ["auth-provider"] = null,
        ["name"] = "-n",
        ["plugins-path"] = null,
        ["stop-timeout"] = null,
        ["metrics-port"] = null,
        ["poll-interval"] = "-i",
    };

    private static readonly string[] FlagOptions = ["no-reload-conf", "check"];

    /// <summary>
    /// The arguments with the options file's options added, or unchanged when there is no file or the command is not
    /// the agent. <paramref name="systemPath"/> is <see cref="SystemPath"/> except in tests.
    /// </summary>
    /// <exception cref="ArgumentException">The file has an option the agent does not have, naming file and line.</exception>
    public static string[] Merge(string[] args, string systemPath = SystemPath)
    {
        ArgumentNullException.ThrowIfNull(args);
        var agentCommand = args.Length > 0 && Array.IndexOf(AgentCommands, args[0]) >= 0;
        if (args.Length > 0 && !agentCommand && !args[0].StartsWith('-'))
        {
            return args;
        }

        var path = File.Exists(systemPath) ? systemPath : FromConfFolder(args);
        if (path is null)
        {
            return args;
        }

        var added = new List<string>();
        var lineNumber = 0;
        foreach (var raw in File.ReadAllLines(path))
        {
            lineNumber++;
            var line = raw.Trim();
            if (line.Length == 0 || line[0] is '#' or '!')
            {
                continue;
            }

            var separator = line.IndexOfAny(['=', ':']);
            var option = (separator < 0 ? line : line[..separator]).Trim().TrimStart('-');
            var value = separator < 0 ? "" : line[(separator + 1)..].Trim();
            if (ValueOptions.TryGetValue(option, out var alias))
            {
                if (!Has(args, option, alias))
                {
                    added.AddRange(["--" + option, value]);
                }
            }
            else if (Array.IndexOf(FlagOptions, option) >= 0)
            {
                if (!Has(args, option, null) && !value.Equals("false", StringComparison.OrdinalIgnoreCase))
                {
                    added.Add("--" + option);
                }
            }
            else
            {
                throw new ArgumentException(
                    $"{path}:{lineNumber}: unknown option '{option}' in the command options file; known: " +
                    string.Join(", ", ValueOptions.Keys.Concat(FlagOptions)));
            }
        }

        var at = agentCommand ? 1 : 0;
        return [.. args[..at], .. added, .. args[at..]];
    }

    private static bool Has(string[] args, string option, string? alias) =>
        Array.Exists(args, a => a == "--" + option || a.StartsWith("--" + option + "=", StringComparison.Ordinal) || (alias is not null && a == alias));

    private static string? FromConfFolder(string[] args)
    {
        for (var i = 0; i < args.Length - 1; i++)
        {
            if (args[i] is "--conf" or "-c" && Directory.Exists(args[i + 1]))
            {
                var candidate = Path.Combine(args[i + 1], FileName);
                return File.Exists(candidate) ? candidate : null;
            }
        }

        return null;
    }
}
