using System.Diagnostics;

namespace Flume.Logging.Appenders.Delivery;

/// <summary>The front end's internal log (NLog's InternalLogger, Serilog's SelfLog, ...), shielded from its own failures.</summary>
internal sealed class SelfLog(Action<string>? write)
{
    private readonly Action<string> _write = write ?? (static _ => { });

    public void Write(string message)
    {
        try
        {
            _write(message);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The self-log hook belongs to the front end; a broken one must not break delivery or a log call.
            Debug.WriteLine(e);
        }
    }
}
