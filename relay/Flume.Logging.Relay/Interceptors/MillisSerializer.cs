using System.Globalization;
using Flume.Logging.Relay.Config;

namespace Flume.Logging.Relay.Interceptors;

/// <summary>
/// Flume's <c>RegexExtractorInterceptorMillisSerializer</c>: parses a matched date with a Java date
/// <c>pattern</c> and gives milliseconds since the Unix epoch. Dates without an offset in the pattern are UTC.
/// </summary>
internal sealed class MillisSerializer
{
    /// <summary>Flume's class name for this serializer.</summary>
    public const string ClassName = "org.apache.flume.interceptor.RegexExtractorInterceptorMillisSerializer";

    private readonly string _pattern;

    private MillisSerializer(string pattern) => _pattern = pattern;

    /// <summary>Builds the serializer from <c>pattern</c> in <paramref name="properties"/> (a serializer's subtree).</summary>
    /// <exception cref="ConfigurationException"><c>pattern</c> is absent or cannot be used.</exception>
    public static MillisSerializer Create(ComponentContext properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        var pattern = properties.GetString("pattern");
        properties.Require(!string.IsNullOrEmpty(pattern), "pattern", "is required: the Java date pattern of the match, e.g. yyyy-MM-dd HH:mm");
        if (!JavaDatePattern.TryTranslate(pattern!, out var dotNetPattern, out _, out var error))
        {
            throw properties.CreateError("pattern", $"'{pattern}' {error}");
        }

        return new MillisSerializer(dotNetPattern);
    }

    /// <summary>The milliseconds since the epoch <paramref name="value"/> stands for; false when it does not parse.</summary>
    public bool TrySerialize(string value, out string millis)
    {
        if (DateTimeOffset.TryParseExact(value, _pattern, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var time))
        {
            millis = time.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture);
            return true;
        }

        millis = "";
        return false;
    }
}
