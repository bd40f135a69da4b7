using System.Collections.Concurrent;

namespace Flume.Logging.Relay.Config;

/// <summary>
/// The keys a component read from its <see cref="ComponentContext"/> (and the sub-context prefixes it took, whose
/// keys belong to a nested part such as a serializer or a selector), so keys nobody read can be reported as typos
/// without a hand-written list of every component's properties. Shared by a context and its sub-contexts; keys are
/// relative to the component's own prefix.
/// </summary>
internal sealed class PropertyReads
{
    // Written by components on any thread (some read at start), read when the agent's warnings are computed.
    private readonly ConcurrentDictionary<string, byte> _keys = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, byte> _prefixes = new(StringComparer.Ordinal);

    public void Key(string key) => _keys.TryAdd(key, 0);

    /// <summary>Every key under <paramref name="prefix"/> is handed to a nested part; an empty prefix means all keys.</summary>
    public void Prefix(string prefix) => _prefixes.TryAdd(prefix, 0);

    /// <summary>The keys read so far.</summary>
    public IEnumerable<string> Keys => _keys.Keys;

    /// <summary>True when <paramref name="key"/> was read, or lies under a prefix handed to a nested part.</summary>
    public bool Knows(string key) =>
        _keys.ContainsKey(key) || _prefixes.Keys.Any(p => key.StartsWith(p, StringComparison.Ordinal));
}
