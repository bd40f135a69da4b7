using System.Text.RegularExpressions;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Agent;
using Flume.Logging.Relay.Config;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Relay.Interceptors;

/// <summary>
/// Flume's <c>remove_header</c> interceptor: removes the header <c>withName</c>, the headers listed in
/// <c>fromList</c> (split by the regular expression <c>fromListSeparator</c>, default <c>\s*,\s*</c>) and every
/// header whose whole name matches <c>matching</c>. With none of them set, events pass unchanged.
/// </summary>
internal sealed class RemoveHeaderInterceptor : IInterceptor
{
    /// <summary>Flume's builder class name, accepted as a type so Flume configurations work unchanged.</summary>
    public const string BuilderClass = "org.apache.flume.interceptor.RemoveHeaderInterceptor$Builder";

    private readonly string? _withName;
    private readonly string[] _fromList;
    private readonly Regex? _matching;
    private readonly string _name;
    private readonly ILogger _logger;

    /// <summary>Creates the interceptor; <paramref name="matching"/> must match a whole header name to remove it.</summary>
    public RemoveHeaderInterceptor(string? withName, IReadOnlyList<string> fromList, Regex? matching, string name, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(fromList);
        _withName = withName;
        _fromList = [.. fromList];
        _matching = matching;
        _name = name;
        _logger = logger;
    }

    /// <summary>Builds the interceptor from <c>withName</c>, <c>fromList</c>, <c>fromListSeparator</c> and <c>matching</c>.</summary>
    /// <exception cref="ConfigurationException"><c>fromListSeparator</c> or <c>matching</c> is not a valid expression.</exception>
    public static RemoveHeaderInterceptor Create(InterceptorBuildContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var properties = context.Properties;
        var withName = properties.GetString("withName");
        var fromList = new List<string>();
        if (properties.GetString("fromList") is { Length: > 0 } list)
        {
            var separator = InterceptorRegex.Compile(properties, "fromListSeparator", properties.GetString("fromListSeparator", @"\s*,\s*"));
            Split(list, separator, fromList);
        }

        Regex? matching = null;
        if (properties.GetString("matching") is { Length: > 0 } pattern)
        {
            matching = InterceptorRegex.WholeMatch(properties, "matching", pattern);
        }

        return new(
            string.IsNullOrEmpty(withName) ? null : withName,
            fromList,
            matching,
            InterceptorRegex.Describe(properties),
            context.Services.LoggerFactory.CreateLogger<RemoveHeaderInterceptor>());
    }

    /// <inheritdoc />
    public FlumeEvent? Intercept(FlumeEvent flumeEvent)
    {
        ArgumentNullException.ThrowIfNull(flumeEvent);
        var headers = flumeEvent.Headers;
        if (headers.Count == 0)
        {
            return flumeEvent;
        }

        if (_withName is not null)
        {
            headers.Remove(_withName);
        }

        foreach (var name in _fromList)
        {
            headers.Remove(name);
        }

        if (_matching is not null)
        {
            RemoveMatching(headers, _matching);
        }

        return flumeEvent;
    }

    private void RemoveMatching(IDictionary<string, string> headers, Regex matching)
    {
        List<string>? doomed = null;
        try
        {
            foreach (var name in headers.Keys)
            {
                if (matching.IsMatch(name))
                {
                    (doomed ??= []).Add(name);
                }
            }
        }
        catch (RegexMatchTimeoutException)
        {
            InterceptorLog.RegexTimedOut(_logger, _name, InterceptorRegex.MatchTimeout, "headers matched so far are removed, the rest kept");
        }

        if (doomed is not null)
        {
            foreach (var name in doomed)
            {
                headers.Remove(name);
            }
        }
    }

    /// <summary>Splits as Java's <c>String.split</c> does, leaving out empty names (no header is named "").</summary>
    private static void Split(string list, Regex separator, List<string> into)
    {
        var start = 0;
        foreach (var match in separator.EnumerateMatches(list))
        {
            if (match.Length == 0 && match.Index == 0)
            {
                continue;
            }

            Add(list[start..match.Index], into);
            start = match.Index + match.Length;
        }

        Add(list[start..], into);
    }

    private static void Add(string name, List<string> into)
    {
        if (name.Length > 0)
        {
            into.Add(name);
        }
    }
}
