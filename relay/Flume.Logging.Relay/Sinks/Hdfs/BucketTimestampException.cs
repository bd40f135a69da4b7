namespace Flume.Logging.Relay.Sinks.Hdfs;

/// <summary>
/// An event cannot be bucketed because the path needs a time and the event's <c>timestamp</c> header is missing or
/// is not a number of milliseconds, while <c>hdfs.useLocalTimeStamp</c> is false. The sink counts such an event
/// and routes it aside instead of retrying it forever: no retry can give it a timestamp.
/// </summary>
public sealed class BucketTimestampException : Exception
{
    /// <summary>Creates the exception with its message.</summary>
    public BucketTimestampException(string message)
        : base(message)
    {
    }

    /// <summary>Creates the exception with its message and cause.</summary>
    public BucketTimestampException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates the exception with a general message.</summary>
    public BucketTimestampException()
        : base("The event has no usable timestamp header for time-based bucketing.")
    {
    }
}
