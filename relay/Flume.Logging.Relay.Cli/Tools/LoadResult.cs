using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Flume.Logging.Relay.Cli.Tools;

/// <summary>The outcome of a <c>relay load</c> run.</summary>
/// <param name="Events">Events acknowledged OK.</param>
/// <param name="Seconds">Wall-clock time from the first batch to the last answer.</param>
/// <param name="BodyBytes">Body bytes acknowledged OK.</param>
/// <param name="P50Ms">Median batch latency (first send to OK, retries included), in milliseconds.</param>
/// <param name="P99Ms">99th percentile batch latency in milliseconds.</param>
/// <param name="P999Ms">99.9th percentile batch latency in milliseconds.</param>
/// <param name="FailedBatches">Batches still not acknowledged after every attempt.</param>
/// <param name="FailedAttempts">Attempts that failed, whether retried or given up.</param>
/// <param name="FirstFailure">The cause of the first failed attempt, or null.</param>
internal sealed record LoadResult(long Events, double Seconds, long BodyBytes, double P50Ms, double P99Ms, double P999Ms, long FailedBatches, long FailedAttempts, string? FirstFailure)
{
    /// <summary>Events per second over the run; 0 for a run that took no measurable time.</summary>
    public double EventsPerSecond => Seconds > 0 ? Events / Seconds : 0;

    /// <summary>Body megabytes (10^6 bytes) per second over the run.</summary>
    public double MbPerSecond => Seconds > 0 ? BodyBytes / Seconds / 1e6 : 0;

    /// <summary>One line of JSON with the fields benchmarks read.</summary>
    public string ToJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("events", Events);
            json.WriteNumber("seconds", Math.Round(Seconds, 3));
            json.WriteNumber("eventsPerSecond", Math.Round(EventsPerSecond, 1));
            json.WriteNumber("mbPerSecond", Math.Round(MbPerSecond, 3));
            json.WriteNumber("p50Ms", Math.Round(P50Ms, 3));
            json.WriteNumber("p99Ms", Math.Round(P99Ms, 3));
            json.WriteNumber("p999Ms", Math.Round(P999Ms, 3));
            json.WriteNumber("failedBatches", FailedBatches);
            json.WriteNumber("failedAttempts", FailedAttempts);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>The human-readable summary, one fact per line.</summary>
    public string ToSummary()
    {
        var text = new StringBuilder();
        var c = CultureInfo.InvariantCulture;
        text.AppendLine(c, $"events:         {Events}");
        text.AppendLine(c, $"seconds:        {Seconds:0.000}");
        text.AppendLine(c, $"events/s:       {EventsPerSecond:0.0}");
        text.AppendLine(c, $"MB/s:           {MbPerSecond:0.000}");
        text.AppendLine(c, $"batch latency:  p50 {P50Ms:0.000} ms, p99 {P99Ms:0.000} ms, p99.9 {P999Ms:0.000} ms");
        text.Append(c, $"failed batches: {FailedBatches} (failed attempts: {FailedAttempts})");
        return text.ToString();
    }
}
