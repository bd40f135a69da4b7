namespace Flume.Logging.Relay.Sinks.Hdfs;

/// <summary>The unit <c>hdfs.roundValue</c> counts in (<c>hdfs.roundUnit</c>).</summary>
internal enum RoundUnit
{
    /// <summary>Round down to a multiple of <c>roundValue</c> seconds (Flume's default unit).</summary>
    Second,

    /// <summary>Round down to a multiple of <c>roundValue</c> minutes.</summary>
    Minute,

    /// <summary>Round down to a multiple of <c>roundValue</c> hours of the day.</summary>
    Hour,
}
