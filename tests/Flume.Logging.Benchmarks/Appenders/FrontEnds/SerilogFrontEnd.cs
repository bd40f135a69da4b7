using Flume.Logging.Appenders;
using Serilog;
using Serilog.Core;
using Serilog.Events;

namespace Flume.Logging.Benchmarks.Appenders.FrontEnds;

/// <summary>
/// Serilog with <c>WriteTo.Flume</c>, logging a message template with three properties per thread's context; or, as
/// the baseline, with a sink that only renders the message, to show what Serilog itself costs.
/// </summary>
internal sealed class SerilogFrontEnd : IBenchFrontEnd
{
    private readonly Logger _root;
    private readonly ILogger[] _loggers;

    public SerilogFrontEnd(FlumeAppenderOptions options, int threads, bool baseline = false)
    {
        var configuration = new LoggerConfiguration();
        _root = (baseline
            ? configuration.WriteTo.Sink(new RenderingSink())
            : configuration.WriteTo.Flume(hosts: options.Hosts, batchSizeLimit: options.BatchSize, overflow: options.Overflow, blockTimeout: options.BlockTimeout, shutdownTimeout: options.ShutdownTimeout))
            .CreateLogger();
        _loggers = new ILogger[threads];
        for (var t = 0; t < threads; t++)
        {
            _loggers[t] = _root.ForContext(Constants.SourceContextPropertyName, $"Benchmarks.Thread{t}");
        }
    }

    public void Log(int thread, int i) => _loggers[thread].Information("order {OrderId} shipped to warehouse {Warehouse} in {Ms} ms", i, 7, 153);

    public ValueTask DisposeAsync() => _root.DisposeAsync();

    private sealed class RenderingSink : ILogEventSink
    {
        public void Emit(LogEvent logEvent) => GC.KeepAlive(logEvent.RenderMessage());
    }
}
