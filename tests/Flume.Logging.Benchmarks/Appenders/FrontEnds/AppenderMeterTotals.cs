using System.Diagnostics.Metrics;
using Flume.Logging.Appenders.Diagnostics;

namespace Flume.Logging.Benchmarks.Appenders.FrontEnds;

/// <summary>
/// The appenders' sent and dropped totals, read through their published metrics, as an operator would: the front
/// ends do not expose their delivery core.
/// </summary>
internal sealed class AppenderMeterTotals : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _sent;
    private long _dropped;

    public AppenderMeterTotals()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == FlumeAppenderMetrics.MeterName
                && instrument.Name is FlumeAppenderMetrics.EventsSent or FlumeAppenderMetrics.EventsDropped)
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, _, _) =>
        {
            if (instrument.Name == FlumeAppenderMetrics.EventsSent)
            {
                _sent += value;
            }
            else
            {
                _dropped += value;
            }
        });
        _listener.Start();
    }

    /// <summary>Events sent and dropped so far, summed over every appender in the process.</summary>
    public (long Sent, long Dropped) Read()
    {
        _sent = 0;
        _dropped = 0;
        _listener.RecordObservableInstruments();
        return (_sent, _dropped);
    }

    public void Dispose() => _listener.Dispose();
}
