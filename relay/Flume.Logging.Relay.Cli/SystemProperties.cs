namespace Flume.Logging.Relay.Cli;

/// <summary>
/// Flume's <c>-Dkey=value</c> arguments (Java system properties), split off before the rest is parsed, so
/// <c>flume-ng</c> command lines work unchanged.
/// </summary>
internal sealed class SystemProperties
{
    private SystemProperties(IReadOnlyDictionary<string, string> values, string[] remaining)
    {
        Values = values;
        Remaining = remaining;
    }

    /// <summary>The <c>-D</c> properties, later ones winning.</summary>
    public IReadOnlyDictionary<string, string> Values { get; }

    /// <summary>The arguments that are not <c>-D</c> properties, in order.</summary>
    public string[] Remaining { get; }

    public static SystemProperties Extract(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        var remaining = new List<string>();
        foreach (var arg in args)
        {
            if (arg.Length > 2 && arg.StartsWith("-D", StringComparison.Ordinal))
            {
                var body = arg[2..];
                var equals = body.IndexOf('=', StringComparison.Ordinal);
                values[equals < 0 ? body : body[..equals]] = equals < 0 ? "" : body[(equals + 1)..];
            }
            else
            {
                remaining.Add(arg);
            }
        }

        return new SystemProperties(values, [.. remaining]);
    }
}
