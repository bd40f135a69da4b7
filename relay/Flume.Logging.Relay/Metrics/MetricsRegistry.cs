namespace Flume.Logging.Relay.Metrics;

/// <summary>
/// The counter groups of one agent, keyed as Flume reports them (<c>CHANNEL.c1</c>). Registration happens while
/// the agent is built, and a reload swaps the groups of the components it restarts; reading takes a snapshot, so
/// serving metrics never blocks the components counting them.
/// </summary>
public sealed class MetricsRegistry
{
    private readonly Lock _lock = new();
    private readonly SortedDictionary<string, CounterGroup> _groups = new(StringComparer.Ordinal);

    /// <summary>
    /// Adds <paramref name="group"/>. Registering the same group again does nothing; another group with the same
    /// type and name throws <see cref="ArgumentException"/>.
    /// </summary>
    public void Register(CounterGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var key = KeyOf(group);
        lock (_lock)
        {
            if (_groups.TryGetValue(key, out var existing))
            {
                if (!ReferenceEquals(existing, group))
                {
                    throw new ArgumentException($"metrics for {key} are already registered", nameof(group));
                }

                return;
            }

            _groups.Add(key, group);
        }
    }

    /// <summary>
    /// Removes <paramref name="group"/> (a component a reload stopped); does nothing when another group now holds its
    /// key or it was never registered.
    /// </summary>
    public void Unregister(CounterGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var key = KeyOf(group);
        lock (_lock)
        {
            if (_groups.TryGetValue(key, out var existing) && ReferenceEquals(existing, group))
            {
                _groups.Remove(key);
            }
        }
    }

    /// <summary>Every registered group, ordered by key.</summary>
    public IReadOnlyList<CounterGroup> Snapshot()
    {
        lock (_lock)
        {
            return [.. _groups.Values];
        }
    }

    /// <summary>Flume's key of a group: <c>TYPE.name</c>.</summary>
    public static string KeyOf(CounterGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        return group.TypeName + "." + group.Name;
    }
}
