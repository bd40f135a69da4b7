namespace Flume.Logging.Benchmarks.Appenders.FrontEnds;

/// <summary>One logging framework set up with its Flume appender, as an application would, for the whole-process run.</summary>
internal interface IBenchFrontEnd : IAsyncDisposable
{
    /// <summary>Logs line <paramref name="i"/> of application thread <paramref name="thread"/>: one log call, the thing timed.</summary>
    void Log(int thread, int i);
}
