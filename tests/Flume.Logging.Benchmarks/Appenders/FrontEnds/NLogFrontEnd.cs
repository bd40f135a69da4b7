using Flume.Logging.Appenders;
using NLog;
using NLog.Config;
using NLog.Targets;
using NLog.Targets.Flume;
using NLog.Targets.Wrappers;

namespace Flume.Logging.Benchmarks.Appenders.FrontEnds;

/// <summary>
/// NLog with the Flume target configured in code, logging a message template with three parameters; or, as the
/// baseline, with a target that only renders its layout, to show what NLog itself costs.
/// </summary>
internal sealed class NLogFrontEnd : IBenchFrontEnd
{
    private readonly LogFactory _factory = new();
    private readonly Logger[] _loggers;

    public NLogFrontEnd(FlumeAppenderOptions options, int threads, bool baseline = false)
    {
        Target target = baseline ? new RenderingTarget() : new FlumeTarget
        {
            Name = "flume",
            Hosts = options.Hosts,
            BatchSize = options.BatchSize,
            OverflowAction = options.Overflow == OverflowMode.Block ? AsyncTargetWrapperOverflowAction.Block : AsyncTargetWrapperOverflowAction.Discard,
            BlockTimeout = options.BlockTimeout,
            ShutdownTimeout = options.ShutdownTimeout,
        };
        var configuration = new LoggingConfiguration(_factory);
        configuration.AddRuleForAllLevels(target);
        _factory.Configuration = configuration;
        _loggers = new Logger[threads];
        for (var t = 0; t < threads; t++)
        {
            _loggers[t] = _factory.GetLogger($"Benchmarks.Thread{t}");
        }
    }

    public void Log(int thread, int i) => _loggers[thread].Info("order {OrderId} shipped to warehouse {Warehouse} in {Ms} ms", i, 7, 153);

    public ValueTask DisposeAsync()
    {
        _factory.Shutdown();
        return ValueTask.CompletedTask;
    }

    private sealed class RenderingTarget : TargetWithLayout
    {
        protected override void Write(LogEventInfo logEvent) => GC.KeepAlive(Layout.Render(logEvent));
    }
}
