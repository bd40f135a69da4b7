using System.Globalization;

namespace Flume.Logging.Appenders;

/// <summary>Property values as header text.</summary>
internal static class PropertyValues
{
    /// <summary>The text of a header for <paramref name="value"/>: invariant culture for formattable values.</summary>
    public static string Format(object? value) => value switch
    {
        null => "",
        string s => s,
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };
}
