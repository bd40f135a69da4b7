using System.Globalization;

namespace Flume.Logging.Examples;

/// <summary>
/// The command line every example app takes: <c>App [lines] [config-file] [--threads N] [--shutdown IDIOM]</c>, so the
/// apps can be compared (and tested) the same way: how many lines, which configuration, from how many threads, and
/// which of the framework's shutdown idioms ends the run.
/// </summary>
/// <param name="Lines">How many lines to log in total.</param>
/// <param name="ConfigFile">The framework configuration file, as a full path.</param>
/// <param name="Threads">How many threads share the lines.</param>
/// <param name="Shutdown">The shutdown idiom, one of those the app offers.</param>
public sealed record ExampleArguments(int Lines, string ConfigFile, int Threads, string Shutdown)
{
    /// <summary>Lines logged when none are given.</summary>
    public const int DefaultLines = 100_000;

    /// <summary>
    /// Parses <paramref name="args"/>; on a bad argument writes the usage (naming it) to standard error and returns
    /// null. The first of <paramref name="idioms"/> is the default.
    /// </summary>
    /// <param name="app">The app's name, for the usage line.</param>
    /// <param name="args">The command line.</param>
    /// <param name="defaultConfigFile">The shipped configuration, used when none is given.</param>
    /// <param name="idioms">The shutdown idioms the app offers, the default first.</param>
    public static ExampleArguments? Parse(string app, IReadOnlyList<string> args, string defaultConfigFile, IReadOnlyList<string> idioms)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(idioms);
        var positional = new List<string>();
        var threads = 1;
        var shutdown = idioms[0];
        for (var i = 0; i < args.Count; i++)
        {
            switch (args[i])
            {
                case "--threads" when i + 1 < args.Count && int.TryParse(args[i + 1], NumberStyles.None, CultureInfo.InvariantCulture, out threads) && threads > 0:
                    i++;
                    break;
                case "--shutdown" when i + 1 < args.Count && idioms.Contains(args[i + 1]):
                    shutdown = args[++i];
                    break;
                case var option when option.StartsWith("--", StringComparison.Ordinal):
                    return Usage(app, idioms, $"'{option}' needs a valid value");
                default:
                    positional.Add(args[i]);
                    break;
            }
        }

        var lines = DefaultLines;
        if (positional.Count > 2 || (positional.Count > 0 && !int.TryParse(positional[0], NumberStyles.None, CultureInfo.InvariantCulture, out lines)))
        {
            return Usage(app, idioms, $"'{string.Join(' ', positional)}' is not [lines] [config-file]");
        }

        var configFile = positional.Count > 1 ? Path.GetFullPath(positional[1]) : defaultConfigFile;
        return new ExampleArguments(lines, configFile, threads, shutdown);
    }

    private static ExampleArguments? Usage(string app, IReadOnlyList<string> idioms, string problem)
    {
        Console.Error.WriteLine($"usage: {app} [lines] [config-file] [--threads N] [--shutdown {string.Join('|', idioms)}]; {problem}");
        return null;
    }
}
