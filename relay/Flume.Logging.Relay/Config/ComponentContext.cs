using System.Collections.Frozen;
using System.ComponentModel;
using System.Globalization;
using System.Reflection;
using Flume.Logging.Rpc.Tls;

namespace Flume.Logging.Relay.Config;

/// <summary>
/// The properties of one component's subtree (Flume's <c>Context</c>): keys are relative to
/// <see cref="KeyPrefix"/>, and every error names the full key and, when known, the <c>file:line</c> it came from.
/// Values read as numbers, booleans, enums or lists are trimmed; strings are returned as written.
/// </summary>
public sealed class ComponentContext
{
    private static readonly char[] ListSeparators = [' ', '\t', '\f', '\r', '\n'];

    private readonly FrozenDictionary<string, string> _properties;
    private readonly FrozenDictionary<string, PropertyEntry> _origins;
    private readonly PropertyReads _reads;
    private readonly string _readPrefix;

    /// <summary>Creates a context over <paramref name="properties"/>, whose origins are unknown.</summary>
    /// <param name="componentName">The component's name, e.g. <c>r1</c>.</param>
    /// <param name="keyPrefix">The prefix that makes a relative key full, e.g. <c>a1.sources.r1.</c>.</param>
    /// <param name="properties">The properties keyed relative to <paramref name="keyPrefix"/>.</param>
    public ComponentContext(string componentName, string keyPrefix, IReadOnlyDictionary<string, string> properties)
        : this(
            componentName,
            keyPrefix,
            (properties ?? throw new ArgumentNullException(nameof(properties))).ToFrozenDictionary(StringComparer.Ordinal),
            FrozenDictionary<string, PropertyEntry>.Empty)
    {
    }

    private ComponentContext(
        string componentName,
        string keyPrefix,
        FrozenDictionary<string, string> properties,
        FrozenDictionary<string, PropertyEntry> origins,
        PropertyReads? reads = null,
        string readPrefix = "")
    {
        ArgumentNullException.ThrowIfNull(componentName);
        ArgumentNullException.ThrowIfNull(keyPrefix);
        ComponentName = componentName;
        KeyPrefix = keyPrefix;
        _properties = properties;
        _origins = origins;
        _reads = reads ?? new PropertyReads();
        _readPrefix = readPrefix;
    }

    /// <summary>The component's name, e.g. <c>r1</c>.</summary>
    public string ComponentName { get; }

    /// <summary>The prefix that makes a relative key full, e.g. <c>a1.sources.r1.</c>.</summary>
    public string KeyPrefix { get; }

    /// <summary>The properties, keyed relative to <see cref="KeyPrefix"/> (e.g. <c>port</c>, <c>selector.type</c>).</summary>
    /// <remarks>A component that enumerates them is taken to know every key of this (sub-)context.</remarks>
    public IReadOnlyDictionary<string, string> Properties
    {
        get
        {
            _reads.Prefix(_readPrefix);
            return _properties;
        }
    }

    /// <summary>
    /// True when this context and <paramref name="other"/> hold the same keys with the same values, leaving out
    /// <paramref name="except"/>; reads no key (the unknown-key check is not affected).
    /// </summary>
    internal bool SameAs(ComponentContext other, IReadOnlySet<string> except)
    {
        foreach (var (key, value) in _properties)
        {
            if (!except.Contains(key) && (!other._properties.TryGetValue(key, out var otherValue) || otherValue != value))
            {
                return false;
            }
        }

        foreach (var key in other._properties.Keys)
        {
            if (!except.Contains(key) && !_properties.ContainsKey(key))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The keys the component has read (relative to the component), and the prefixes it handed on.</summary>
    internal PropertyReads Reads => _reads;

    /// <summary>The properties, without counting as a read (for reporting keys nobody read).</summary>
    internal IReadOnlyDictionary<string, string> UnreadView => _properties;

    /// <summary>The full key of a relative one, e.g. <c>port</c> gives <c>a1.sources.r1.port</c>.</summary>
    public string FullKey(string key) => KeyPrefix + key;

    /// <summary>The value as written, or null when the key is absent.</summary>
    public string? GetString(string key)
    {
        _reads.Key(_readPrefix + key);
        return _properties.GetValueOrDefault(key);
    }

    /// <summary>The value as written, or <paramref name="defaultValue"/> when the key is absent.</summary>
    public string GetString(string key, string defaultValue) => GetString(key) ?? defaultValue;

    /// <summary>The value as written.</summary>
    /// <exception cref="ConfigurationException">The key is absent or its value is blank.</exception>
    public string GetRequiredString(string key)
    {
        var value = GetString(key);
        return string.IsNullOrWhiteSpace(value) ? throw CreateError(key, "is required") : value;
    }

    /// <summary>The value as a 32-bit integer, or <paramref name="defaultValue"/> when the key is absent.</summary>
    /// <exception cref="ConfigurationException">The value is not an integer.</exception>
    public int GetInt32(string key, int defaultValue) =>
        GetString(key) is { } value ? ParseInt32(key, value) : defaultValue;

    /// <summary>
    /// The value as a 32-bit integer in <paramref name="minimum"/>..<paramref name="maximum"/>, or
    /// <paramref name="defaultValue"/> (not range-checked) when the key is absent.
    /// </summary>
    /// <exception cref="ConfigurationException">The value is not an integer or is out of range.</exception>
    public int GetInt32(string key, int defaultValue, int minimum, int maximum)
    {
        if (GetString(key) is not { } value)
        {
            return defaultValue;
        }

        var result = ParseInt32(key, value);
        CheckRange(key, result, minimum, maximum);
        return result;
    }

    /// <summary>The value as a 32-bit integer.</summary>
    /// <exception cref="ConfigurationException">The key is absent or blank, or the value is not an integer.</exception>
    public int GetRequiredInt32(string key) => ParseInt32(key, GetRequiredString(key));

    /// <summary>The value as a 64-bit integer, or <paramref name="defaultValue"/> when the key is absent.</summary>
    /// <exception cref="ConfigurationException">The value is not an integer.</exception>
    public long GetInt64(string key, long defaultValue) =>
        GetString(key) is { } value ? ParseInt64(key, value) : defaultValue;

    /// <summary>
    /// The value as a 64-bit integer in <paramref name="minimum"/>..<paramref name="maximum"/>, or
    /// <paramref name="defaultValue"/> (not range-checked) when the key is absent.
    /// </summary>
    /// <exception cref="ConfigurationException">The value is not an integer or is out of range.</exception>
    public long GetInt64(string key, long defaultValue, long minimum, long maximum)
    {
        if (GetString(key) is not { } value)
        {
            return defaultValue;
        }

        var result = ParseInt64(key, value);
        CheckRange(key, result, minimum, maximum);
        return result;
    }

    /// <summary>
    /// The value as a boolean (<c>true</c> or <c>false</c>, any case), or <paramref name="defaultValue"/> when the
    /// key is absent.
    /// </summary>
    /// <exception cref="ConfigurationException">The value is neither true nor false.</exception>
    public bool GetBoolean(string key, bool defaultValue)
    {
        if (GetString(key) is not { } value)
        {
            return defaultValue;
        }

        var trimmed = value.Trim();
        if (trimmed.Equals("true", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }

        return trimmed.Equals("false", StringComparison.OrdinalIgnoreCase)
            ? false
            : throw CreateValueError(key, $"'{value}' is not a boolean (true or false)");
    }

    /// <summary>
    /// A whole number of milliseconds (at least 0), or <paramref name="defaultValue"/> when the key is absent.
    /// </summary>
    /// <exception cref="ConfigurationException">The value is not a non-negative integer.</exception>
    public TimeSpan GetMilliseconds(string key, TimeSpan defaultValue) =>
        GetDuration(key, defaultValue, TimeSpan.TicksPerMillisecond, "milliseconds");

    /// <summary>
    /// A whole number of seconds (at least 0), or <paramref name="defaultValue"/> when the key is absent.
    /// </summary>
    /// <exception cref="ConfigurationException">The value is not a non-negative integer.</exception>
    public TimeSpan GetSeconds(string key, TimeSpan defaultValue) =>
        GetDuration(key, defaultValue, TimeSpan.TicksPerSecond, "seconds");

    /// <summary>
    /// The enum member whose name matches the value case-insensitively with <c>-</c> and <c>_</c> ignored (so
    /// <c>round_robin</c> is <c>RoundRobin</c>), or <paramref name="defaultValue"/> when the key is absent.
    /// Numbers are not accepted.
    /// </summary>
    /// <exception cref="ConfigurationException">No member matches; the message lists the accepted values.</exception>
    public T GetEnum<T>(string key, T defaultValue)
        where T : struct, Enum
    {
        if (GetString(key) is not { } value)
        {
            return defaultValue;
        }

        var wanted = Normalize(value.Trim());
        var names = Enum.GetNames<T>();
        foreach (var name in names)
        {
            if (wanted.Length > 0 && Normalize(name).Equals(wanted, StringComparison.OrdinalIgnoreCase))
            {
                return Enum.Parse<T>(name);
            }
        }

        // Listed as Flume spells them: a member's [Description] where Flume's spelling is not its name in lower case.
        var accepted = string.Join(
            ", ", names.Select(name => typeof(T).GetField(name)?.GetCustomAttribute<DescriptionAttribute>()?.Description ?? name.ToLowerInvariant()));
        throw CreateValueError(key, $"'{value}' is not one of: {accepted}");
    }

    /// <summary>The whitespace-separated words of the value; empty when the key is absent.</summary>
    public IReadOnlyList<string> GetList(string key) =>
        GetString(key) is { } value
            ? value.Split(ListSeparators, StringSplitOptions.RemoveEmptyEntries)
            : [];

    /// <summary>The keys under <paramref name="prefix"/>, with <see cref="KeyPrefix"/> extended by it.</summary>
    /// <param name="prefix">A relative prefix ending with a dot, e.g. <c>selector.</c>.</param>
    public ComponentContext GetSubContext(string prefix)
    {
        ArgumentException.ThrowIfNullOrEmpty(prefix);
        if (prefix[^1] != '.')
        {
            throw new ArgumentException($"Sub-context prefix '{prefix}' must end with a dot.", nameof(prefix));
        }

        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        var origins = new Dictionary<string, PropertyEntry>(StringComparer.Ordinal);
        foreach (var (key, value) in _properties)
        {
            if (key.Length > prefix.Length && key.StartsWith(prefix, StringComparison.Ordinal))
            {
                var relative = key[prefix.Length..];
                properties[relative] = value;
                if (_origins.TryGetValue(key, out var origin))
                {
                    origins[relative] = origin;
                }
            }
        }

        // The keys under the prefix belong to a nested part (serializer, selector, handler ...), which may read them
        // only when it is created at start: they are never reported as unknown.
        _reads.Prefix(_readPrefix + prefix);
        return new ComponentContext(
            ComponentName,
            KeyPrefix + prefix,
            properties.ToFrozenDictionary(StringComparer.Ordinal),
            origins.ToFrozenDictionary(StringComparer.Ordinal),
            _reads,
            _readPrefix + prefix);
    }

    /// <summary>
    /// Throws a <see cref="ConfigurationException"/> reading "<c>full.key reason</c>" unless
    /// <paramref name="condition"/> holds, e.g. <c>Require(capacity &gt;= 1, "capacity", $"must be at least 1 (got {capacity})")</c>.
    /// </summary>
    public void Require(bool condition, string key, string reason)
    {
        if (!condition)
        {
            throw CreateError(key, reason);
        }
    }

    /// <summary>
    /// An exception reading "<c>full.key reason</c>", located at the key's <c>file:line</c> when known, for
    /// components to throw on checks of their own.
    /// </summary>
    public ConfigurationException CreateError(string key, string reason) =>
        CreateErrorWithMessage(key, $"{FullKey(key)} {reason}");

    /// <summary>
    /// The error for an options check's or a store reader's <see cref="ArgumentException"/>. One whose message opens with
    /// the property it names (its <see cref="ArgumentException.ParamName"/>, as the TLS settings' do) is located at that
    /// key and reads with the key in full; any other reads "<c>full.fallbackKey is misconfigured: ...</c>".
    /// </summary>
    internal ConfigurationException CreateError(ArgumentException error, string fallbackKey)
    {
        var reason = ArgumentErrors.Reason(error);
        if (error.ParamName is { Length: > 0 } key
            && reason.StartsWith(key, StringComparison.Ordinal)
            && (reason.Length == key.Length || reason[key.Length] is ' ' or ':'))
        {
            return CreateErrorWithMessage(key, FullKey(key) + reason[key.Length..]);
        }

        return CreateError(fallbackKey, $"is misconfigured: {reason}");
    }

    /// <summary>
    /// An error found when a component starts (a folder missing, a file unreadable) reading "<c>full.key reason</c>",
    /// located at the key's <c>file:line</c> when the component was configured from <paramref name="properties"/>,
    /// and naming the bare key when it was built in code.
    /// </summary>
    public static ConfigurationException CreateStartError(ComponentContext? properties, string key, string reason, Exception? innerException)
    {
        if (properties is null)
        {
            return new ConfigurationException(key, $"{key} {reason}", innerException: innerException);
        }

        var origin = properties.OriginOf(key);
        return new ConfigurationException(properties.FullKey(key), $"{properties.FullKey(key)} {reason}", origin?.Source, origin?.Line ?? 0, innerException);
    }

    /// <summary>Creates a context whose properties carry the file and line each was read from.</summary>
    /// <param name="componentName">The component's name.</param>
    /// <param name="keyPrefix">The full-key prefix of the subtree.</param>
    /// <param name="entries">The entries under <paramref name="keyPrefix"/>, keyed by full key.</param>
    internal static ComponentContext FromEntries(string componentName, string keyPrefix, IEnumerable<PropertyEntry> entries)
    {
        var properties = new Dictionary<string, string>(StringComparer.Ordinal);
        var origins = new Dictionary<string, PropertyEntry>(StringComparer.Ordinal);
        foreach (var entry in entries)
        {
            var relative = entry.Key[keyPrefix.Length..];
            properties[relative] = entry.Value;
            origins[relative] = entry;
        }

        return new ComponentContext(
            componentName,
            keyPrefix,
            properties.ToFrozenDictionary(StringComparer.Ordinal),
            origins.ToFrozenDictionary(StringComparer.Ordinal));
    }

    /// <summary>
    /// A copy whose <paramref name="key"/> holds its trimmed value, or <paramref name="defaultValue"/> when it is
    /// absent or blank; used for names such as <c>selector.type</c> that Flume trims and defaults.
    /// </summary>
    internal ComponentContext WithTrimmedOrDefault(string key, string defaultValue)
    {
        var current = GetString(key);
        var value = string.IsNullOrWhiteSpace(current) ? defaultValue : current.Trim();
        if (value == current)
        {
            return this;
        }

        var properties = new Dictionary<string, string>(_properties, StringComparer.Ordinal) { [key] = value };
        return new ComponentContext(
            ComponentName, KeyPrefix, properties.ToFrozenDictionary(StringComparer.Ordinal), _origins, _reads, _readPrefix);
    }

    /// <summary>The entry a relative key was read from, or null when its origin is unknown.</summary>
    internal PropertyEntry? OriginOf(string key) => _origins.GetValueOrDefault(key);

    private ConfigurationException CreateErrorWithMessage(string key, string message)
    {
        // A required key that is missing has no line of its own: the component's type line says where to add it.
        var origin = OriginOf(key) ?? OriginOf("type");
        return new ConfigurationException(FullKey(key), message, origin?.Source, origin?.Line ?? 0);
    }

    private ConfigurationException CreateValueError(string key, string problem) =>
        CreateErrorWithMessage(key, $"{FullKey(key)}: {problem}");

    private int ParseInt32(string key, string value) =>
        int.TryParse(value.AsSpan().Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var result)
            ? result
            : throw CreateNumberError(key, value, "a 32-bit integer");

    private long ParseInt64(string key, string value) =>
        long.TryParse(value.AsSpan().Trim(), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var result)
            ? result
            : throw CreateNumberError(key, value, "a 64-bit integer");

    private ConfigurationException CreateNumberError(string key, string value, string kind)
    {
        var digits = value.AsSpan().Trim();
        if (digits.Length > 0 && digits[0] is '+' or '-')
        {
            digits = digits[1..];
        }

        // Say "too big" rather than "not an integer" when the operator did write digits.
        return digits.Length > 0 && !digits.ContainsAnyExceptInRange('0', '9')
            ? CreateValueError(key, $"'{value}' is out of range for {kind}")
            : CreateValueError(key, $"'{value}' is not an integer");
    }

    private void CheckRange(string key, long value, long minimum, long maximum)
    {
        if (value >= minimum && value <= maximum)
        {
            return;
        }

        var got = value.ToString(CultureInfo.InvariantCulture);
        var low = minimum.ToString(CultureInfo.InvariantCulture);
        var high = maximum.ToString(CultureInfo.InvariantCulture);
        var unboundedAbove = maximum is long.MaxValue or int.MaxValue;
        var unboundedBelow = minimum is long.MinValue or int.MinValue;
        var reason = value < minimum && unboundedAbove ? $"must be at least {low} (got {got})"
            : value > maximum && unboundedBelow ? $"must be at most {high} (got {got})"
            : $"must be between {low} and {high} (got {got})";
        throw CreateError(key, reason);
    }

    private TimeSpan GetDuration(string key, TimeSpan defaultValue, long ticksPerUnit, string unit)
    {
        if (GetString(key) is not { } value)
        {
            return defaultValue;
        }

        var amount = ParseInt64(key, value);
        if (amount < 0 || amount > TimeSpan.MaxValue.Ticks / ticksPerUnit)
        {
            throw CreateValueError(key, $"'{value}' is not a usable number of {unit} (0..{(TimeSpan.MaxValue.Ticks / ticksPerUnit).ToString(CultureInfo.InvariantCulture)})");
        }

        return TimeSpan.FromTicks(amount * ticksPerUnit);
    }

    private static string Normalize(string text) => text.Replace("-", "", StringComparison.Ordinal).Replace("_", "", StringComparison.Ordinal);
}
