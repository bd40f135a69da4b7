using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Numerics;

namespace Flume.Logging.Relay.Metrics;

/// <summary>
/// The counter groups of one agent, keyed as Flume reports them (<c>CHANNEL.c1</c>), published as observable
/// instruments on the agent's own <see cref="Meter"/> named <see cref="MeterName"/>. Components count in plain
/// fields (one interlocked add per batch); the instruments read those fields only when a listener collects, so
/// counting costs nothing more than it did. The JSON and Prometheus views at <c>/metrics</c> are read from the same
/// instruments through a <see cref="MeterListener"/>, so they, OpenTelemetry and <c>dotnet-counters</c> always
/// agree. A reload unregisters the groups of the components it stops and registers those it builds. The agent
/// built with this registry disposes it, which ends its meter.
/// </summary>
public sealed class MetricsRegistry : IDisposable
{
    /// <summary>The meter's name: <c>Flume.Logging.Relay</c> (give it to OpenTelemetry's <c>AddMeter</c>).</summary>
    public const string MeterName = "Flume.Logging.Relay";

    /// <summary>Tag on every measurement: the component's type, <c>source</c>, <c>channel</c>, <c>sink</c> or <c>other</c>.</summary>
    public const string ComponentTypeTag = "flume.component.type";

    /// <summary>Tag on every measurement: the component's name in the configuration, e.g. <c>r1</c>.</summary>
    public const string ComponentNameTag = "flume.component.name";

    private readonly Lock _lock = new();

    // Written under the lock; read without it when a listener is told of an instrument, which may happen while another
    // thread holds the lock to create one.
    private readonly ConcurrentDictionary<string, InstrumentSpec> _instruments = new(StringComparer.Ordinal);

    // Created with the first group, so services that never build an agent leave no meter behind.
    private Meter? _meter;

    // Copy-on-write, ordered by key: instrument callbacks and views read it without taking the lock.
    private volatile Registration[] _registrations = [];
    private bool _disposed;

    /// <summary>
    /// Adds <paramref name="group"/> and creates the instruments of the metrics it reports (a group must report the
    /// same metrics every time). Registering the same group again does nothing; another group with the same type
    /// and name throws <see cref="ArgumentException"/>.
    /// </summary>
    public void Register(CounterGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var key = KeyOf(group);
        var metrics = new List<Metric>();
        group.Collect(metrics);
        lock (_lock)
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var registrations = _registrations;
            var at = IndexOf(registrations, key);
            if (at >= 0)
            {
                if (!ReferenceEquals(registrations[at].Group, group))
                {
                    throw new ArgumentException($"metrics for {key} are already registered", nameof(group));
                }

                return;
            }

            _meter ??= new Meter(MeterName, typeof(MetricsRegistry).Assembly.GetName().Version?.ToString());
            var specs = new InstrumentSpec[metrics.Count];
            for (var i = 0; i < specs.Length; i++)
            {
                specs[i] = InstrumentOf(_meter, MetricInstruments.For(group.Type, metrics[i]));
            }

            KeyValuePair<string, object?>[] tags = [new(ComponentTypeTag, MetricInstruments.TypeTag(group.Type)), new(ComponentNameTag, group.Name)];
            at = ~at;
            _registrations = [.. registrations.AsSpan(0, at), new Registration(key, group, tags, specs), .. registrations.AsSpan(at)];
        }
    }

    /// <summary>
    /// Removes <paramref name="group"/> (a component removed from a running agent): from then on no instrument
    /// reports it and the views leave it out. False when it was not registered.
    /// </summary>
    public bool Unregister(CounterGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        lock (_lock)
        {
            var registrations = _registrations;
            var at = IndexOf(registrations, KeyOf(group));
            if (at < 0 || !ReferenceEquals(registrations[at].Group, group))
            {
                return false;
            }

            _registrations = [.. registrations.AsSpan(0, at), .. registrations.AsSpan(at + 1)];
            return true;
        }
    }

    /// <summary>Every registered group, ordered by key.</summary>
    public IReadOnlyList<CounterGroup> Snapshot()
    {
        var registrations = _registrations;
        var groups = new CounterGroup[registrations.Length];
        for (var i = 0; i < groups.Length; i++)
        {
            groups[i] = registrations[i].Group;
        }

        return groups;
    }

    /// <summary>Flume's key of a group: <c>TYPE.name</c>.</summary>
    public static string KeyOf(CounterGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        return group.TypeName + "." + group.Name;
    }

    /// <summary>Ends the meter: its instruments stop reporting to every listener. Registering afterwards throws.</summary>
    public void Dispose()
    {
        Meter? meter;
        lock (_lock)
        {
            _disposed = true;
            _registrations = [];
            meter = _meter;
        }

        meter?.Dispose();
    }

    /// <summary>
    /// Reads every instrument of this registry's meter once, through a <see cref="MeterListener"/> of its own (so
    /// other listeners see nothing of it), and arranges the values by component, in key order, each group's metrics
    /// in the order the group lists them. This is what both views at <c>/metrics</c> render.
    /// </summary>
    internal IReadOnlyList<MeasuredGroup> Measure()
    {
        var values = new Dictionary<(InstrumentSpec Spec, string Type, string Name), double>();
        var meter = Volatile.Read(ref _meter);
        using (var listener = new MeterListener())
        {
            listener.InstrumentPublished = (instrument, subscribe) =>
            {
                if (meter is not null && ReferenceEquals(instrument.Meter, meter) && _instruments.TryGetValue(instrument.Name, out var spec))
                {
                    subscribe.EnableMeasurementEvents(instrument, spec);
                }
            };
            listener.SetMeasurementEventCallback<long>((_, value, tags, spec) => Record(values, (InstrumentSpec)spec!, value, tags));
            listener.SetMeasurementEventCallback<double>((_, value, tags, spec) => Record(values, (InstrumentSpec)spec!, value, tags));
            listener.Start();
            listener.RecordObservableInstruments();
        }

        var registrations = _registrations;
        var groups = new List<MeasuredGroup>(registrations.Length);
        foreach (var registration in registrations)
        {
            var (type, name) = ((string)registration.Tags[0].Value!, registration.Group.Name);
            var metrics = new List<MeasuredMetric>(registration.Specs.Length);
            foreach (var spec in registration.Specs)
            {
                if (values.TryGetValue((spec, type, name), out var value))
                {
                    metrics.Add(new MeasuredMetric(new Metric(spec.Attribute, spec.MetricKind, value, spec.Integral), spec));
                }
            }

            // A group registered while the instruments were being read has no values yet: it shows from the next read.
            if (metrics.Count > 0)
            {
                groups.Add(new MeasuredGroup(registration.Key, registration.Group.TypeName, name, metrics));
            }
        }

        return groups;
    }

    private static void Record(
        Dictionary<(InstrumentSpec, string, string), double> values, InstrumentSpec spec, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        string? type = null, name = null;
        foreach (var tag in tags)
        {
            type = tag.Key == ComponentTypeTag ? tag.Value as string : type;
            name = tag.Key == ComponentNameTag ? tag.Value as string : name;
        }

        if (type is not null && name is not null)
        {
            values[(spec, type, name)] = value;
        }
    }

    private static int IndexOf(Registration[] registrations, string key)
    {
        int low = 0, high = registrations.Length - 1;
        while (low <= high)
        {
            var middle = (low + high) >>> 1;
            var order = string.CompareOrdinal(registrations[middle].Key, key);
            if (order == 0)
            {
                return middle;
            }

            (low, high) = order < 0 ? (middle + 1, high) : (low, middle - 1);
        }

        return ~low;
    }

    /// <summary>
    /// The instrument named by <paramref name="spec"/>, created on first use. A custom group that reports a name
    /// already taken by a metric of another shape shares the first instrument; its values are converted to it.
    /// </summary>
    private InstrumentSpec InstrumentOf(Meter meter, InstrumentSpec spec)
    {
        if (_instruments.TryGetValue(spec.Name, out var existing))
        {
            return existing;
        }

        // Known before the meter announces it, so a listener starting meanwhile can subscribe to it.
        _instruments[spec.Name] = spec;
        _ = (spec.Kind, spec.Integral) switch
        {
            (InstrumentKind.Counter, true) => meter.CreateObservableCounter(spec.Name, () => Observe<long>(spec), spec.Unit, spec.Description),
            (InstrumentKind.Counter, false) => meter.CreateObservableCounter(spec.Name, () => Observe<double>(spec), spec.Unit, spec.Description),
            (InstrumentKind.UpDownCounter, true) => meter.CreateObservableUpDownCounter(spec.Name, () => Observe<long>(spec), spec.Unit, spec.Description),
            (InstrumentKind.UpDownCounter, false) => meter.CreateObservableUpDownCounter(spec.Name, () => Observe<double>(spec), spec.Unit, spec.Description),
            (_, true) => meter.CreateObservableGauge(spec.Name, () => Observe<long>(spec), spec.Unit, spec.Description),
            (_, false) => (Instrument)meter.CreateObservableGauge(spec.Name, () => Observe<double>(spec), spec.Unit, spec.Description),
        };
        return spec;
    }

    /// <summary>
    /// The instrument callback: one measurement per registered group that reports <paramref name="spec"/>, read
    /// from the group's fields now. Runs only when a listener collects, never on a component's path.
    /// </summary>
    private List<Measurement<T>> Observe<T>(InstrumentSpec spec)
        where T : struct, INumberBase<T>
    {
        var measurements = new List<Measurement<T>>();
        var metrics = new List<Metric>();
        foreach (var registration in _registrations)
        {
            var index = Array.IndexOf(registration.Specs, spec);
            if (index < 0)
            {
                continue;
            }

            metrics.Clear();
            registration.Group.Collect(metrics);
            if (index < metrics.Count && metrics[index].Name == spec.Attribute)
            {
                measurements.Add(new Measurement<T>(T.CreateTruncating(metrics[index].Value), registration.Tags));
            }
        }

        return measurements;
    }

    /// <summary>A registered group, its tags, and the instrument of each metric it lists, in its order.</summary>
    private sealed record Registration(string Key, CounterGroup Group, KeyValuePair<string, object?>[] Tags, InstrumentSpec[] Specs);
}
