using Flume.Logging.Relay.Config;

namespace Flume.Logging.Relay.Interceptors;

/// <summary>
/// One of <c>regex_extractor</c>'s <c>serializers</c>: the header a match group goes to, and how its value is
/// formatted (as matched, or as epoch milliseconds by <see cref="MillisSerializer"/>).
/// </summary>
/// <param name="HeaderName">The header the group's value is put in (<c>serializers.&lt;s&gt;.name</c>).</param>
/// <param name="Millis">The date parser, or null to pass the value through as matched.</param>
/// <param name="PatternKey">The full key of the date pattern, for log lines.</param>
internal sealed record RegexExtractorSerializer(string HeaderName, MillisSerializer? Millis, string PatternKey)
{
    /// <summary>Flume's pass-through serializer class name, the same as <c>default</c>.</summary>
    public const string PassThroughClassName = "org.apache.flume.interceptor.RegexExtractorInterceptorPassThroughSerializer";

    /// <summary>Builds a serializer from its subtree (<c>name</c>, <c>type</c>, <c>pattern</c>).</summary>
    /// <exception cref="ConfigurationException"><c>name</c> is missing, or <c>type</c> is not a known serializer.</exception>
    public static RegexExtractorSerializer Create(ComponentContext properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        var headerName = properties.GetString("name");
        properties.Require(!string.IsNullOrEmpty(headerName), "name", "is required: the header this match group is put in");
        var type = properties.GetString("type", "default").Trim();
        if (type.Equals("default", StringComparison.OrdinalIgnoreCase) || type == PassThroughClassName)
        {
            return new(headerName!, null, properties.FullKey("pattern"));
        }

        if (type.Equals("millis", StringComparison.OrdinalIgnoreCase) || type == MillisSerializer.ClassName)
        {
            return new(headerName!, MillisSerializer.Create(properties), properties.FullKey("pattern"));
        }

        throw properties.CreateError(
            "type", $"'{type}' is not a known serializer; use default ({PassThroughClassName}) or millis ({MillisSerializer.ClassName})");
    }
}
