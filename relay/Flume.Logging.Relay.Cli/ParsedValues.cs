using System.CommandLine;
using System.CommandLine.Parsing;

namespace Flume.Logging.Relay.Cli;

/// <summary>Reading options inside command validators, which run even when an option itself failed to parse.</summary>
internal static class ParsedValues
{
    /// <summary>
    /// The option's value, or default when the option cannot be converted (for example it was given twice). The
    /// parser reports that error itself as a usage error; only reading the value here would throw instead.
    /// </summary>
    public static T? ValueIfParsed<T>(this CommandResult result, Option<T> option)
    {
        try
        {
            return result.GetValue(option);
        }
        catch (InvalidOperationException)
        {
            return default;
        }
    }
}
