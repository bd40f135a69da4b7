namespace log4net.Appender.Flume;

/// <summary>
/// An exception as log4net rendered it at the log call (through the repository's renderer map, so custom exception
/// renderers apply). The delivery core builds events later, on its own thread, and calls <see cref="ToString"/> on the
/// record's exception; this hands it the text captured while the log call was running instead of the live exception,
/// which log4net does not promise is safe to read afterwards.
/// </summary>
internal sealed class RenderedException(string rendered) : Exception(rendered)
{
    /// <summary>The exception's text as log4net rendered it.</summary>
    public override string ToString() => Message;
}
