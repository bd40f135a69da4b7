namespace Flume.Logging.Appenders.Delivery;

/// <summary>
/// Counts lost events, reports them to the self-log at most once per interval (a flood of drops must not flood the
/// log), and hands the framework's own events of dropped records to the drop listener, for a fallback. After the
/// close's report, drops are reported at once: a delivery loop that outlived the shutdown timeout still drops what
/// it held, and no periodic report would follow.
/// </summary>
internal sealed class DropReporter
{
    private readonly Lock _reportLock = new();
    private static readonly TimeSpan ReportInterval = TimeSpan.FromSeconds(10);

    private readonly DeliveryCounters _counters;
    private readonly SelfLog _selfLog;
    private readonly Action<IReadOnlyList<object>, string>? _listener;
    private readonly TimeProvider _time;
    private long _unreported;
    private long _lastReport = long.MinValue;
    private string _lastReason = "";
    private int _closing;
    private int _closed;
    private int _reportQueued;

    public DropReporter(DeliveryCounters counters, SelfLog selfLog, Action<IReadOnlyList<object>, string>? listener, TimeProvider time)
    {
        _counters = counters;
        _selfLog = selfLog;
        _listener = listener;
        _time = time;
    }

    /// <summary>Whether dropped records' sources are wanted, so batches keep them.</summary>
    public bool WantsSources => _listener is not null;

    /// <summary>Drops one event that never became a queued entry (its record could not be read, or the queue was full).</summary>
    public void Drop(string reason) => Count(1, reason);

    /// <summary>Drops one log call before its entry was built, handing its source (if any) to the listener.</summary>
    public void Drop(object? source, string reason)
    {
        Count(1, reason);
        if (_listener is not null && source is not null)
        {
            Notify([source], reason);
        }
    }

    /// <summary>Drops one queued (or refused) entry, handing its source to the listener, and frees its bytes.</summary>
    public void Drop(in QueuedRecord item, string reason)
    {
        item.Release();
        Count(1, reason);
        if (_listener is not null && item.Source is { } source)
        {
            Notify([source], reason);
        }
    }

    /// <summary>Drops a built batch, handing its sources to the listener.</summary>
    public void Drop(EventBatch batch, string reason)
    {
        Count(batch.Count, reason);
        if (_listener is not null && batch.Sources.Count > 0)
        {
            Notify(batch.Sources, reason);
        }
    }

    /// <summary>
    /// The close has begun: drops from now until <see cref="ReportNow"/> (the loop giving up what it holds) wait for
    /// that report, so the close's losses are one line with one total, not a periodic line racing the close's.
    /// </summary>
    public void Closing() => Volatile.Write(ref _closing, 1);

    /// <summary>
    /// The appender is closing: reports what is not yet reported at once. Every report line ends with the running
    /// total, so the close ends with <c>N dropped in total</c> when anything was dropped, without repeating a total
    /// a periodic report wrote a moment ago; a drop counted after this is reported at once too.
    /// </summary>
    public void ReportNow()
    {
        Volatile.Write(ref _closed, 1);
        WriteReport();
    }

    private void Count(long count, string reason)
    {
        _counters.AddDropped(count);
        Interlocked.Add(ref _unreported, count);
        Volatile.Write(ref _lastReason, reason);
        if (!ReportDue())
        {
            return;
        }

        // A log call may be the one dropping: the self-log may write to a console or a file, so the report is
        // written from the thread pool rather than the application's thread.
        ThreadPool.UnsafeQueueUserWorkItem(
            static self =>
            {
                Volatile.Write(ref self._reportQueued, 0);
                self.WriteReport();
            },
            this,
            preferLocal: false);
    }

    /// <summary>
    /// Whether this drop queues a report: the first in each interval; none while the close runs, whose report follows;
    /// after the close every drop, as no periodic report follows, one report queued at a time (it takes every count
    /// made before it runs).
    /// </summary>
    private bool ReportDue()
    {
        if (Volatile.Read(ref _closed) != 0)
        {
            return Interlocked.Exchange(ref _reportQueued, 1) == 0;
        }

        if (Volatile.Read(ref _closing) != 0)
        {
            return false;
        }

        var now = _time.GetTimestamp();
        var last = Interlocked.Read(ref _lastReport);
        return (last == long.MinValue || _time.GetElapsedTime(last, now) >= ReportInterval)
            && Interlocked.CompareExchange(ref _lastReport, now, last) == last;
    }

    /// <summary>Writes what is not yet reported; false when there was nothing (another report just took it).</summary>
    private bool WriteReport()
    {
        // Taking the count and writing its line under one lock keeps the lines in order: a periodic report that the
        // thread pool runs late cannot land after the closing total with an older one.
        lock (_reportLock)
        {
            var count = Interlocked.Exchange(ref _unreported, 0);
            if (count == 0)
            {
                return false;
            }

            _selfLog.Write($"Flume appender: dropped {count} events ({Volatile.Read(ref _lastReason)}); {_counters.Dropped} dropped in total");
            return true;
        }
    }

    private void Notify(IReadOnlyList<object> sources, string reason)
    {
        try
        {
            _listener!(sources, reason);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The fallback belongs to the application; its failure must not reach the log call or the loop.
            _selfLog.Write($"Flume appender: the drop listener failed ({e.GetType().Name}: {e.Message})");
        }
    }
}
