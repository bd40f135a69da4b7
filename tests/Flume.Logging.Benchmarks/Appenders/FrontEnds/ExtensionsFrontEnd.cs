using Flume.Logging.Appenders;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Benchmarks.Appenders.FrontEnds;

/// <summary>
/// Microsoft.Extensions.Logging with <c>AddFlume</c>, logging through a source-generated <c>LoggerMessage</c>; or, as the
/// baseline, with a provider that only formats the message and reads the state's properties, to show what
/// Microsoft.Extensions.Logging itself costs.
/// </summary>
internal sealed partial class ExtensionsFrontEnd : IBenchFrontEnd
{
    private readonly ILoggerFactory _factory;
    private readonly ILogger[] _loggers;

    public ExtensionsFrontEnd(FlumeAppenderOptions options, int threads, bool baseline = false)
    {
        _factory = baseline
            ? LoggerFactory.Create(logging => logging.AddProvider(new RenderingProvider()))
            : LoggerFactory.Create(logging => logging.AddFlume(o => Copy(options, o), Console.Error.WriteLine));
        _loggers = new ILogger[threads];
        for (var t = 0; t < threads; t++)
        {
            _loggers[t] = _factory.CreateLogger($"Benchmarks.Thread{t}");
        }
    }

    public void Log(int thread, int i) => Shipped(_loggers[thread], i, 7, 153);

    public ValueTask DisposeAsync()
    {
        _factory.Dispose();
        return ValueTask.CompletedTask;
    }

    private static void Copy(FlumeAppenderOptions from, FlumeAppenderOptions to)
    {
        to.Hosts = from.Hosts;
        to.BatchSize = from.BatchSize;
        to.Overflow = from.Overflow;
        to.BlockTimeout = from.BlockTimeout;
        to.ShutdownTimeout = from.ShutdownTimeout;
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "order {OrderId} shipped to warehouse {Warehouse} in {Ms} ms")]
    private static partial void Shipped(ILogger logger, int orderId, int warehouse, int ms);

    private sealed class RenderingProvider : ILoggerProvider, ILogger
    {
        public ILogger CreateLogger(string categoryName) => this;

        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            GC.KeepAlive(formatter(state, exception));
            if (state is IReadOnlyList<KeyValuePair<string, object?>> properties)
            {
                for (var i = 0; i < properties.Count; i++)
                {
                    GC.KeepAlive(properties[i].Value);
                }
            }
        }

        public void Dispose()
        {
        }
    }
}
