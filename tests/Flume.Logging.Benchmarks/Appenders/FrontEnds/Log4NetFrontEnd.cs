using System.Globalization;
using Flume.Logging.Appenders;
using log4net;
using log4net.Appender;
using log4net.Config;
using log4net.Core;
using log4net.Repository;

namespace Flume.Logging.Benchmarks.Appenders.FrontEnds;

/// <summary>
/// log4net with the Flume appender configured in code, logging a format string with three arguments; or, as the
/// baseline, with an appender that only renders the message, to show what log4net itself costs.
/// </summary>
internal sealed class Log4NetFrontEnd : IBenchFrontEnd
{
    private readonly ILoggerRepository _repository = LogManager.CreateRepository($"bench-{Guid.NewGuid():N}");
    private readonly ILog[] _loggers;

    public Log4NetFrontEnd(FlumeAppenderOptions options, int threads, bool baseline = false)
    {
        // The appender's settings are text, as log4net.config writes them.
        AppenderSkeleton appender = baseline ? new RenderingAppender() : new FlumeAppender
        {
            Name = "flume",
            Hosts = options.Hosts,
            BatchSize = options.BatchSize.ToString(CultureInfo.InvariantCulture),
            Overflow = options.Overflow.ToString(),
            BlockTimeout = options.BlockTimeout.ToString("c", CultureInfo.InvariantCulture),
            ShutdownTimeout = options.ShutdownTimeout.ToString("c", CultureInfo.InvariantCulture),
        };
        appender.ActivateOptions();
        BasicConfigurator.Configure(_repository, appender);
        _loggers = new ILog[threads];
        for (var t = 0; t < threads; t++)
        {
            _loggers[t] = LogManager.GetLogger(_repository.Name, $"Benchmarks.Thread{t}");
        }
    }

    public void Log(int thread, int i) => _loggers[thread].InfoFormat(CultureInfo.InvariantCulture, "order {0} shipped to warehouse {1} in {2} ms", i, 7, 153);

    public ValueTask DisposeAsync()
    {
        _repository.Shutdown();
        return ValueTask.CompletedTask;
    }

    private sealed class RenderingAppender : AppenderSkeleton
    {
        protected override void Append(LoggingEvent loggingEvent) => GC.KeepAlive(loggingEvent.RenderedMessage);
    }
}
