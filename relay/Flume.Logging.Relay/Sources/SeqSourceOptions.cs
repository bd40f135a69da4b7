using Flume.Logging.Relay.Config;

namespace Flume.Logging.Relay.Sources;

/// <summary>Settings of the <c>seq</c> source, with Flume's property names and defaults.</summary>
public sealed class SeqSourceOptions
{
    /// <summary><c>batchSize</c>: events generated and committed per transaction. Default: 1.</summary>
    public int BatchSize { get; set; } = 1;

    /// <summary><c>totalEvents</c> (also accepted as <c>count</c>): events generated before the source goes idle. Default: unlimited.</summary>
    public long TotalEvents { get; set; } = long.MaxValue;

    /// <summary>Reads a <c>seq</c> source's properties (<c>totalEvents</c>, or its alias <c>count</c>); errors name the exact key.</summary>
    internal static SeqSourceOptions From(ComponentContext properties) => new()
    {
        BatchSize = properties.GetInt32("batchSize", 1, 1, int.MaxValue),
        TotalEvents = properties.GetString("totalEvents") is not null
            ? properties.GetInt64("totalEvents", long.MaxValue, 0, long.MaxValue)
            : properties.GetInt64("count", long.MaxValue, 0, long.MaxValue),
    };

    /// <summary>Throws <see cref="ArgumentException"/> naming the first invalid property.</summary>
    public void Validate()
    {
        if (BatchSize < 1)
        {
            throw new ArgumentException($"batchSize must be at least 1 (got {BatchSize})", nameof(BatchSize));
        }

        if (TotalEvents < 0)
        {
            throw new ArgumentException($"totalEvents must not be negative (got {TotalEvents})", nameof(TotalEvents));
        }
    }
}
