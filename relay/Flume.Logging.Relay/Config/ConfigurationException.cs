namespace Flume.Logging.Relay.Config;

/// <summary>
/// The configuration cannot be used. The message always names the exact key at fault (e.g.
/// <c>a1.sources.r1.port</c>) and, when known, the <c>file:line</c> it was read from.
/// </summary>
public sealed class ConfigurationException : Exception
{
    /// <summary>Creates the exception for <paramref name="key"/>.</summary>
    /// <param name="key">The full key at fault; empty only for a problem with the file as a whole.</param>
    /// <param name="message">What is wrong; the key is prefixed when the text does not already name it.</param>
    /// <param name="source">The file the key was read from, when known.</param>
    /// <param name="line">The 1-based line the key was read from; 0 when unknown.</param>
    /// <param name="innerException">The underlying failure, if any.</param>
    public ConfigurationException(
        string key, string message, string? source = null, int line = 0, Exception? innerException = null)
        : base(Format(key, message, source, line), innerException)
    {
        Key = key;
        SourceName = source;
        Line = line;
    }

    /// <summary>
    /// The full key at fault; empty when the problem is the file as a whole (no agent defined, or the agent asked
    /// for is not defined or not chosen).
    /// </summary>
    public string Key { get; }

    /// <summary>The file the key was read from, or null when unknown.</summary>
    public string? SourceName { get; }

    /// <summary>The 1-based line the key was read from, or 0 when unknown.</summary>
    public int Line { get; }

    private static string Format(string key, string message, string? source, int line)
    {
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(message);

        // Operators grep for the key they wrote: guarantee it is in every message.
        var text = message.Contains(key, StringComparison.Ordinal) ? message : $"{key}: {message}";
        return source is not null && line > 0 ? $"{source}:{line}: {text}" : text;
    }
}
