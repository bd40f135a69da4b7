using System.Globalization;
using Flume.Logging.Protocol;

namespace Flume.Logging.Benchmarks;

/// <summary>The events every benchmark moves: one batch of the size Flume's clients and sinks use by default.</summary>
internal static class Batches
{
    /// <summary>Events per batch, Flume's default <c>batch-size</c>; each benchmark reports the cost per event.</summary>
    public const int Size = 100;

    /// <summary>Bytes of each event's body.</summary>
    public const int BodyBytes = 100;

    /// <summary>Most headers <see cref="Create"/> gives an event.</summary>
    public const int MaxHeaders = 3;

    /// <summary>
    /// A batch of <see cref="Size"/> events with <see cref="BodyBytes"/>-byte ASCII bodies and
    /// <paramref name="headerCount"/> headers of the kind interceptors add: a timestamp, a host, a level.
    /// Each event has its own header dictionary, as decoded events do.
    /// </summary>
    public static FlumeEvent[] Create(int headerCount)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(headerCount);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(headerCount, MaxHeaders);
        var events = new FlumeEvent[Size];
        for (var i = 0; i < events.Length; i++)
        {
            var body = new byte[BodyBytes];
            for (var j = 0; j < body.Length; j++)
            {
                body[j] = (byte)('a' + ((i + j) % 26));
            }

            var headers = new Dictionary<string, string>(headerCount, StringComparer.Ordinal);
            if (headerCount > 0)
            {
                headers["timestamp"] = (1_700_000_000_000L + i).ToString(CultureInfo.InvariantCulture);
            }

            if (headerCount > 1)
            {
                headers["host"] = "web-01.example.com";
            }

            if (headerCount > 2)
            {
                headers["level"] = "INFO";
            }

            events[i] = new FlumeEvent(headers, body);
        }

        return events;
    }
}
