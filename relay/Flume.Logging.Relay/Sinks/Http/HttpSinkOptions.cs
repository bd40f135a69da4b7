using System.Globalization;
using Flume.Logging.Relay.Config;

namespace Flume.Logging.Relay.Sinks.Http;

/// <summary>Settings of the <c>http</c> sink, with Flume's property names and defaults.</summary>
public sealed class HttpSinkOptions
{
    /// <summary><c>endpoint</c>: the absolute http or https URL each event is POSTed to. Required.</summary>
    public Uri? Endpoint { get; set; }

    /// <summary><c>connectTimeout</c> (milliseconds): longest wait for the TCP connection. Default: 5000.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromMilliseconds(5000);

    /// <summary><c>requestTimeout</c> (milliseconds): longest wait for the whole request and response. Default: 5000.</summary>
    public TimeSpan RequestTimeout { get; set; } = TimeSpan.FromMilliseconds(5000);

    /// <summary><c>contentTypeHeader</c>: the request's Content-Type. Default: text/plain.</summary>
    public string ContentType { get; set; } = "text/plain";

    /// <summary><c>acceptHeader</c>: the request's Accept. Default: text/plain.</summary>
    public string Accept { get; set; } = "text/plain";

    /// <summary>
    /// <c>defaultBackoff</c>: whether a response whose status has no <c>backoff.CODE</c> makes the sink back off.
    /// Default: true (Flume's: set <c>backoff.2XX = false</c> for a busy endpoint).
    /// </summary>
    public bool DefaultBackoff { get; set; } = true;

    /// <summary>
    /// <c>defaultRollback</c>: whether a response whose status has no <c>rollback.CODE</c> returns the event to the
    /// channel. Default: true (Flume's: set <c>rollback.2XX = false</c>, or every event is sent again forever).
    /// </summary>
    public bool DefaultRollback { get; set; } = true;

    /// <summary><c>defaultIncrementMetrics</c>: whether a response counts the event as drained. Default: false.</summary>
    public bool DefaultIncrementMetrics { get; set; }

    /// <summary><c>backoff.CODE</c>: per status (<c>503</c>) or status class (<c>5XX</c>). Default: none.</summary>
    public IReadOnlyDictionary<string, bool> Backoff { get; set; } = new Dictionary<string, bool>();

    /// <summary><c>rollback.CODE</c>: per status or status class. Default: none.</summary>
    public IReadOnlyDictionary<string, bool> Rollback { get; set; } = new Dictionary<string, bool>();

    /// <summary><c>incrementMetrics.CODE</c>: per status or status class. Default: none.</summary>
    public IReadOnlyDictionary<string, bool> IncrementMetrics { get; set; } = new Dictionary<string, bool>();

    /// <summary>Reads an <c>http</c> sink's properties; errors name the exact key.</summary>
    internal static HttpSinkOptions From(ComponentContext properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        var endpoint = properties.GetRequiredString("endpoint").Trim();
        properties.Require(
            Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps),
            "endpoint",
            $"'{endpoint}' is not an absolute http or https URL");
        var options = new HttpSinkOptions
        {
            Endpoint = uri,
            ConnectTimeout = properties.GetMilliseconds("connectTimeout", TimeSpan.FromMilliseconds(5000)),
            RequestTimeout = properties.GetMilliseconds("requestTimeout", TimeSpan.FromMilliseconds(5000)),
            ContentType = properties.GetString("contentTypeHeader", "text/plain").Trim(),
            Accept = properties.GetString("acceptHeader", "text/plain").Trim(),
            DefaultBackoff = properties.GetBoolean("defaultBackoff", true),
            DefaultRollback = properties.GetBoolean("defaultRollback", true),
            DefaultIncrementMetrics = properties.GetBoolean("defaultIncrementMetrics", false),
            Backoff = Overrides(properties, "backoff."),
            Rollback = Overrides(properties, "rollback."),
            IncrementMetrics = Overrides(properties, "incrementMetrics."),
        };
        properties.Require(options.ConnectTimeout > TimeSpan.Zero, "connectTimeout", "must be at least 1 (milliseconds)");
        properties.Require(options.RequestTimeout > TimeSpan.Zero, "requestTimeout", "must be at least 1 (milliseconds)");
        return options;
    }

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid property.</summary>
    public void Validate()
    {
        if (Endpoint is null || !Endpoint.IsAbsoluteUri)
        {
            throw new ArgumentException("endpoint is required and must be an absolute URL", nameof(Endpoint));
        }

        if (ConnectTimeout <= TimeSpan.Zero || RequestTimeout <= TimeSpan.Zero)
        {
            throw new ArgumentException($"connectTimeout and requestTimeout must be positive (got {ConnectTimeout}, {RequestTimeout})", nameof(ConnectTimeout));
        }

        foreach (var (name, overrides) in new[] { ("backoff", Backoff), ("rollback", Rollback), ("incrementMetrics", IncrementMetrics) })
        {
            foreach (var code in overrides.Keys.Where(code => !IsStatusKey(code)))
            {
                throw new ArgumentException($"{name}.{code} names no HTTP status: use e.g. 503 or 5XX", nameof(Backoff));
            }
        }
    }

    /// <summary>
    /// The setting for <paramref name="status"/>: its own override, else its class's (<c>4XX</c>), else
    /// <paramref name="defaultValue"/>, as Flume picks the most specific match.
    /// </summary>
    internal static bool Resolve(IReadOnlyDictionary<string, bool> overrides, int status, bool defaultValue)
    {
        var code = status.ToString(CultureInfo.InvariantCulture);
        if (overrides.TryGetValue(code, out var exact))
        {
            return exact;
        }

        return overrides.TryGetValue(code[0] + "XX", out var group) ? group : defaultValue;
    }

    private static Dictionary<string, bool> Overrides(ComponentContext properties, string prefix)
    {
        var overrides = new Dictionary<string, bool>(StringComparer.Ordinal);
        var sub = properties.GetSubContext(prefix);
        foreach (var key in sub.Properties.Keys)
        {
            var code = key.ToUpperInvariant();
            properties.Require(IsStatusKey(code), prefix + key, "names no HTTP status: use e.g. 503 or 5XX");
            overrides[code] = sub.GetBoolean(key, false);
        }

        return overrides;
    }

    private static bool IsStatusKey(string code) =>
        code.Length == 3 && code[0] is >= '1' and <= '5'
        && ((char.IsAsciiDigit(code[1]) && char.IsAsciiDigit(code[2])) || code[1..] == "XX");
}
