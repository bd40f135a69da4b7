using System.Text;
using System.Text.RegularExpressions;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Agent;
using Flume.Logging.Relay.Config;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Relay.Interceptors;

/// <summary>
/// Flume's <c>regex_extractor</c> interceptor: finds <c>regex</c> in the body (read as UTF-8) and puts its match
/// groups, in order, in the headers named by <c>serializers</c>. Groups beyond the serializers, groups that did not
/// take part in the match and dates that do not parse set no header; bodies without a match pass unchanged.
/// </summary>
internal sealed class RegexExtractorInterceptor : IInterceptor
{
    /// <summary>Flume's builder class name, accepted as a type so Flume configurations work unchanged.</summary>
    public const string BuilderClass = "org.apache.flume.interceptor.RegexExtractorInterceptor$Builder";

    private readonly Regex _regex;
    private readonly RegexExtractorSerializer[] _serializers;
    private readonly string _name;
    private readonly ILogger _logger;

    /// <summary>Creates the interceptor: group <c>n</c> (from 1) goes to <paramref name="serializers"/>[n - 1].</summary>
    public RegexExtractorInterceptor(Regex regex, IReadOnlyList<RegexExtractorSerializer> serializers, string name, ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(serializers);
        _regex = regex;
        _serializers = [.. serializers];
        _name = name;
        _logger = logger;
    }

    /// <summary>Builds the interceptor from <c>regex</c> and <c>serializers</c> (with their subtrees).</summary>
    /// <exception cref="ConfigurationException">A key is missing or cannot be used.</exception>
    public static RegexExtractorInterceptor Create(InterceptorBuildContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var properties = context.Properties;
        var regex = InterceptorRegex.Required(properties, "regex");
        var names = properties.GetList("serializers");
        properties.Require(names.Count > 0, "serializers", "is required: the space-separated serializers that name the headers of the match groups");
        var serializers = new List<RegexExtractorSerializer>(names.Count);
        foreach (var name in names)
        {
            serializers.Add(RegexExtractorSerializer.Create(properties.GetSubContext($"serializers.{name}.")));
        }

        return new(regex, serializers, InterceptorRegex.Describe(properties), context.Services.LoggerFactory.CreateLogger<RegexExtractorInterceptor>());
    }

    /// <inheritdoc />
    public FlumeEvent? Intercept(FlumeEvent flumeEvent)
    {
        ArgumentNullException.ThrowIfNull(flumeEvent);
        Match match;
        try
        {
            match = _regex.Match(Encoding.UTF8.GetString(flumeEvent.Body.Span));
        }
        catch (RegexMatchTimeoutException)
        {
            InterceptorLog.RegexTimedOut(_logger, _name, InterceptorRegex.MatchTimeout, "no headers are extracted");
            return flumeEvent;
        }

        if (!match.Success)
        {
            return flumeEvent;
        }

        var groups = match.Groups;
        var count = Math.Min(groups.Count - 1, _serializers.Length);
        for (var i = 0; i < count; i++)
        {
            var group = groups[i + 1];
            if (!group.Success)
            {
                continue;
            }

            var serializer = _serializers[i];
            if (serializer.Millis is null)
            {
                flumeEvent.Headers[serializer.HeaderName] = group.Value;
            }
            else if (serializer.Millis.TrySerialize(group.Value, out var millis))
            {
                flumeEvent.Headers[serializer.HeaderName] = millis;
            }
            else
            {
                InterceptorLog.DateUnparsed(_logger, _name, group.Value, serializer.PatternKey, serializer.HeaderName);
            }
        }

        return flumeEvent;
    }
}
