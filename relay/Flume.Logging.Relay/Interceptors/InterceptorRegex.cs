using System.Text.RegularExpressions;
using Flume.Logging.Relay.Config;

namespace Flume.Logging.Relay.Interceptors;

/// <summary>Compiles the regular expressions interceptors are configured with, once, at build.</summary>
internal static class InterceptorRegex
{
    /// <summary>
    /// How long one match may run. Interceptors run on the source's thread, so a pathological expression must not
    /// be able to stall a source (and its clients) indefinitely.
    /// </summary>
    public static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);

    /// <summary>Compiles the required, non-empty expression at <paramref name="key"/>.</summary>
    /// <exception cref="ConfigurationException">The key is absent or empty, or its value is not a valid expression.</exception>
    public static Regex Required(ComponentContext properties, string key)
    {
        var pattern = properties.GetString(key);

        // Flume accepts a pattern that is only spaces (e.g. " " to find spaces), so only absent or empty is refused.
        properties.Require(!string.IsNullOrEmpty(pattern), key, "is required");
        return Compile(properties, key, pattern!);
    }

    /// <summary>Compiles <paramref name="pattern"/>; errors name <paramref name="key"/>.</summary>
    /// <exception cref="ConfigurationException">The pattern is not a valid expression.</exception>
    public static Regex Compile(ComponentContext properties, string key, string pattern)
    {
        try
        {
            return new Regex(pattern, RegexOptions.Compiled | RegexOptions.CultureInvariant, MatchTimeout);
        }
        catch (ArgumentException e)
        {
            throw properties.CreateError(key, $"is not a valid regular expression: {e.Message}");
        }
    }

    /// <summary>
    /// Compiles <paramref name="pattern"/> to match whole inputs only, as Java's <c>Matcher.matches()</c>; errors
    /// name <paramref name="key"/>.
    /// </summary>
    /// <exception cref="ConfigurationException">The pattern is not a valid expression.</exception>
    public static Regex WholeMatch(ComponentContext properties, string key, string pattern)
    {
        try
        {
            // Checked alone first: wrapped, an unbalanced pattern such as "a)|(b" would be accepted.
            _ = new Regex(pattern, RegexOptions.CultureInvariant, MatchTimeout);
        }
        catch (ArgumentException e)
        {
            throw properties.CreateError(key, $"is not a valid regular expression: {e.Message}");
        }

        return Compile(properties, key, $@"\A(?:{pattern})\z");
    }

    /// <summary>The component's full key prefix without its trailing dot, for log lines.</summary>
    public static string Describe(ComponentContext properties) => properties.KeyPrefix.TrimEnd('.');
}
