using Flume.Logging.Appenders;

namespace Flume.Logging.Benchmarks.Appenders.FrontEnds;

/// <summary>The delivery core alone, as the front ends hand it records: the floor every framework adds its own cost to.</summary>
internal sealed class CoreFrontEnd : IBenchFrontEnd
{
    private readonly FlumeDelivery _delivery;
    private readonly FlumeEventFactory _factory;
    private readonly string[] _loggers;

    public CoreFrontEnd(FlumeAppenderOptions options, int threads)
    {
        _delivery = new FlumeDelivery(options, new DeliveryContext { Kind = "core", SelfLog = Console.Error.WriteLine });
        _factory = new FlumeEventFactory(options, "bench-host");
        _loggers = new string[threads];
        for (var t = 0; t < threads; t++)
        {
            _loggers[t] = $"Benchmarks.Thread{t}";
        }
    }

    public void Log(int thread, int i) =>
        _delivery.TryEnqueue(new FlumeLogRecord(_loggers[thread], FlumeLogLevel.Info, DateTimeOffset.UtcNow, "order 42 shipped to warehouse 7 in 153 ms"), _factory);

    public ValueTask DisposeAsync() => _delivery.DisposeAsync();
}
