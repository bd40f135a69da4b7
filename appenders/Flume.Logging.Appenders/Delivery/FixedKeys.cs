namespace Flume.Logging.Appenders.Delivery;

/// <summary>
/// The keys of an appender's fixed headers (Flume's log4j headers and the host), in the order of their
/// <see cref="FixedHeader.Bit"/>s, so that a property or extra header with one of these keys, which wins over it,
/// is found without comparing every property with every fixed key.
/// </summary>
internal sealed class FixedKeys
{
    private readonly string[] _keys;

    // Bit n set when some fixed key is n characters long: most property names are ruled out by their length alone.
    private readonly ulong _lengths;

    public FixedKeys(params string[] keys)
    {
        _keys = keys;
        foreach (var key in keys)
        {
            _lengths |= key.Length < 64 ? 1UL << key.Length : 0;
        }
    }

    /// <summary>The bit of the fixed header whose key is <paramref name="key"/>, or 0.</summary>
    public int Match(string key)
    {
        if (key.Length >= 64 || (_lengths & (1UL << key.Length)) == 0)
        {
            return 0;
        }

        for (var i = 0; i < _keys.Length; i++)
        {
            if (string.Equals(_keys[i], key, StringComparison.Ordinal))
            {
                return 1 << i;
            }
        }

        return 0;
    }
}
