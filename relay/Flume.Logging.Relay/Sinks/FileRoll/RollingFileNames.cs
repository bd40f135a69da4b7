using System.Globalization;

namespace Flume.Logging.Relay.Sinks.FileRoll;

/// <summary>
/// Flume's DEFAULT path manager: <c>&lt;prefix&gt;&lt;series-millis&gt;-&lt;counter&gt;[.&lt;extension&gt;]</c>, where the
/// series is the Unix time in milliseconds when the sink started and the counter counts files from 1, so names
/// never repeat within a run and sort by run.
/// </summary>
internal sealed class RollingFileNames(string directory, string prefix, string extension, long seriesMillis)
{
    private int _counter;

    /// <summary>The path of the next file.</summary>
    public string Next()
    {
        var counter = Interlocked.Increment(ref _counter);
        var name = string.Create(CultureInfo.InvariantCulture, $"{prefix}{seriesMillis}-{counter}");
        return Path.Combine(directory, extension.Length > 0 ? name + "." + extension : name);
    }
}
