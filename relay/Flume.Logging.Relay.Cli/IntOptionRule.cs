using System.CommandLine;
using System.Globalization;

namespace Flume.Logging.Relay.Cli;

/// <summary>A range check on an integer option.</summary>
internal static class IntOptionRule
{
    /// <summary>
    /// Adds <paramref name="error"/> when the option's value parses and fails <paramref name="valid"/>. System.CommandLine
    /// runs validators after a value failed to parse as well, and reading it there throws: such a value is left to the
    /// parser's own "Cannot parse argument" error.
    /// </summary>
    public static void Require(Option<int> option, Func<int, bool> valid, string error) =>
        option.Validators.Add(result =>
        {
            if (result.Tokens.Count > 0
                && int.TryParse(result.Tokens[^1].Value, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
                && !valid(value))
            {
                result.AddError(error);
            }
        });
}
