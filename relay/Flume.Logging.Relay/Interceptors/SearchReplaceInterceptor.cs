using System.Text;
using System.Text.RegularExpressions;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Agent;
using Flume.Logging.Relay.Config;
using Flume.Logging.Relay.Sources.Spooling;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Relay.Interceptors;

/// <summary>
/// Flume's <c>search_replace</c> interceptor: reads the body in <c>charset</c> (default UTF-8) and replaces every
/// match of <c>searchPattern</c> with <c>replaceString</c>, with Java's replacement rules (<c>$1</c>,
/// <c>${name}</c>, <c>\$</c>). A body without a match, or whose match times out, passes unchanged.
/// </summary>
internal sealed class SearchReplaceInterceptor(Regex search, string replacement, Encoding encoding, string name, ILogger logger) : IInterceptor
{
    /// <summary>Flume's builder class name, accepted as a type so Flume configurations work unchanged.</summary>
    public const string BuilderClass = "org.apache.flume.interceptor.SearchAndReplaceInterceptor$Builder";

    /// <summary>Builds the interceptor from <c>searchPattern</c>, <c>replaceString</c> and <c>charset</c>.</summary>
    /// <exception cref="ConfigurationException">A key is missing or cannot be used.</exception>
    public static SearchReplaceInterceptor Create(InterceptorBuildContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var properties = context.Properties;
        var search = InterceptorRegex.Required(properties, "searchPattern");
        var replaceString = properties.GetString("replaceString")
            ?? throw properties.CreateError("replaceString", "is required (it may be empty, to delete each match)");
        if (!JavaReplacement.TryTranslate(replaceString, search, out var replacement, out var error))
        {
            throw properties.CreateError("replaceString", $"'{replaceString}' {error}");
        }

        var charset = properties.GetString("charset", "UTF-8").Trim();
        properties.Require(SpoolDirectorySourceOptions.TryGetEncoding(charset, out var encoding), "charset", $"'{charset}' is not a known character set");
        return new(search, replacement, encoding, InterceptorRegex.Describe(properties), context.Services.LoggerFactory.CreateLogger<SearchReplaceInterceptor>());
    }

    /// <inheritdoc />
    public FlumeEvent? Intercept(FlumeEvent flumeEvent)
    {
        ArgumentNullException.ThrowIfNull(flumeEvent);
        var text = encoding.GetString(flumeEvent.Body.Span);
        string replaced;
        try
        {
            replaced = search.Replace(text, replacement);
        }
        catch (RegexMatchTimeoutException)
        {
            InterceptorLog.RegexTimedOut(logger, name, InterceptorRegex.MatchTimeout, "the body is left unchanged");
            return flumeEvent;
        }

        // Regex.Replace hands back the input itself when nothing matched: keep the original bytes as they were.
        return ReferenceEquals(replaced, text)
            ? flumeEvent
            : new FlumeEvent(flumeEvent.Headers, encoding.GetBytes(replaced));
    }
}
