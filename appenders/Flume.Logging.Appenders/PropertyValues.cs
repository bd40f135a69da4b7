using System.Globalization;

namespace Flume.Logging.Appenders;

/// <summary>
/// Property values as a queued record may hold them: what cannot change later (strings, and the primitives a JSON
/// body writes as numbers or booleans) is kept, anything else is turned into text at the log call, so the event shows
/// the value as it was when it was logged and the queue knows the memory it holds.
/// </summary>
internal static class PropertyValues
{
    /// <summary>The value to queue for <paramref name="value"/>.</summary>
    public static object? Capture(object? value) => value switch
    {
        null or string or bool or int or long or double or decimal => value,
        _ => Format(value),
    };

    /// <summary>The text of a header for <paramref name="value"/>: invariant culture for formattable values.</summary>
    public static string Format(object? value) => value switch
    {
        null => "",
        string s => s,
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
