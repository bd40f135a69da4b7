using Flume.Logging.Protocol;
using Flume.Logging.Relay.Metrics;

namespace Flume.Logging.Relay.Sinks.Hdfs;

/// <summary>
/// One bucket of the HDFS sink (one formatted directory and file prefix), as Flume's <c>BucketWriter</c>: at most one
/// file open at a time, opened under its in-use name by the first event after a roll. The format writer writes into a
/// staging buffer that goes to the file at each flush, so a batch reaches the file stream in one write followed by
/// one <c>hflush</c>. The sink serializes all calls.
/// </summary>
internal sealed class BucketWriter : IDisposable
{
    private readonly HdfsFileNames _names;
    private readonly HdfsSinkOptions _options;
    private readonly IBucketFileSystem _fileSystem;
    private readonly TimeProvider _time;
    private readonly SinkCounter _counter;
    private readonly MemoryStream _staging = new(4096);
    private IBucketFile? _file;
    private IHdfsEventWriter? _writer;
    private HdfsFileName _current;
    private long _events;
    private long _bytes;
    private long _openedAt;
    private int _underReplicatedRolls;

    public BucketWriter(string key, HdfsFileNames names, HdfsSinkOptions options, IBucketFileSystem fileSystem, TimeProvider time, SinkCounter counter)
    {
        Key = key;
        _names = names;
        _options = options;
        _fileSystem = fileSystem;
        _time = time;
        _counter = counter;
        Node = new LinkedListNode<BucketWriter>(this);
    }

    /// <summary>The formatted directory and file prefix the bucket is keyed by.</summary>
    public string Key { get; }

    /// <summary>The bucket's place in the sink's least-recently-written order.</summary>
    public LinkedListNode<BucketWriter> Node { get; }

    /// <summary>Whether a file is open.</summary>
    public bool IsOpen => _file is not null;

    /// <summary>The names of the open file.</summary>
    public HdfsFileName Current => _current;

    /// <summary>When an event was last appended, on the sink's clock's timestamp scale.</summary>
    public long LastWriteTimestamp { get; private set; }

    /// <summary>Flume's bound on rolls for under-replication in a row, after which a bucket keeps its file.</summary>
    internal const int MaxConsecutiveUnderReplicatedRolls = 30;

    /// <summary>
    /// Whether the open file should roll now: it reached <c>hdfs.rollCount</c> events or <c>hdfs.rollSize</c> body
    /// bytes, or its block lost replicas (<c>hdfs.minBlockReplicas</c>). <paramref name="underReplicatedRolls"/> is
    /// how many under-replication rolls in a row this one makes (0 when the roll is for a limit): rolling for it stops
    /// after <see cref="MaxConsecutiveUnderReplicatedRolls"/>, as in Flume, so a cluster short of DataNodes does not
    /// turn every event into a file.
    /// </summary>
    public bool ShouldRoll(out int underReplicatedRolls)
    {
        underReplicatedRolls = 0;
        if (_file is not { } file)
        {
            return false;
        }

        if ((_options.RollCount > 0 && _events >= _options.RollCount) || (_options.RollSize > 0 && _bytes >= _options.RollSize))
        {
            if (!file.IsUnderReplicated(_options.MinBlockReplicas))
            {
                _underReplicatedRolls = 0;
            }

            return true;
        }

        if (_underReplicatedRolls < MaxConsecutiveUnderReplicatedRolls && file.IsUnderReplicated(_options.MinBlockReplicas))
        {
            underReplicatedRolls = ++_underReplicatedRolls;
            return true;
        }

        return false;
    }

    /// <summary>Whether the open file is due to close at <paramref name="now"/> by <c>hdfs.rollInterval</c> or <c>hdfs.idleTimeout</c>.</summary>
    public bool IsDue(long now) =>
        IsOpen && (Elapsed(_openedAt, now, _options.RollInterval) || Elapsed(LastWriteTimestamp, now, _options.IdleTimeout));

    /// <summary>Appends <paramref name="flumeEvent"/>, opening a new file first when none is open.</summary>
    /// <exception cref="BucketTimestampException">The format needs a timestamp the event does not have; nothing was written.</exception>
    public async ValueTask AppendAsync(FlumeEvent flumeEvent, CancellationToken cancellationToken)
    {
        var writer = _writer ?? await OpenAsync(cancellationToken).ConfigureAwait(false);
        writer.Append(flumeEvent);
        _events++;
        _bytes += flumeEvent.Body.Length;
        LastWriteTimestamp = _time.GetTimestamp();
    }

    /// <summary>Ends the batch: everything appended is written to the file and flushed (<c>hflush</c>).</summary>
    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (_writer is not { } writer)
        {
            return;
        }

        writer.Sync();
        await WriteStagedAsync(cancellationToken).ConfigureAwait(false);
        await _file!.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Writes the format's trailer and closes the file; the caller renames it to the returned final name. On failure
    /// the file stays open for <see cref="AbandonAsync"/>.
    /// </summary>
    public async Task<HdfsFileName> CloseFileAsync(CancellationToken cancellationToken)
    {
        _writer!.Close();
        await WriteStagedAsync(cancellationToken).ConfigureAwait(false);
        await _file!.CloseAsync(cancellationToken).ConfigureAwait(false);
        _file = null;
        _writer = null;
        _counter.IncrementConnectionClosed();
        return _current;
    }

    /// <summary>Drops the open file without closing it (its stream failed); returns its names for lease recovery, or null when none was open.</summary>
    public async ValueTask<HdfsFileName?> AbandonAsync()
    {
        if (_file is not { } file)
        {
            return null;
        }

        _file = null;
        _writer = null;
        _staging.SetLength(0);
        _counter.IncrementConnectionFailed();
        try
        {
            await file.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception e) when (e is IOException or ObjectDisposedException or OperationCanceledException)
        {
            // The stream is already broken; its lease is recovered next.
        }

        return _current;
    }

    /// <summary>Releases the staging buffer; the file must be closed or abandoned first.</summary>
    public void Dispose() => _staging.Dispose();

    private async ValueTask<IHdfsEventWriter> OpenAsync(CancellationToken cancellationToken)
    {
        var name = _names.Next();
        try
        {
            _file = await _fileSystem.CreateAsync(name.InUsePath, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _counter.IncrementConnectionFailed();
            throw;
        }

        _counter.IncrementConnectionCreated();
        _current = name;
        _events = 0;
        _bytes = 0;
        _openedAt = _time.GetTimestamp();
        _staging.SetLength(0);
        return _writer = HdfsEventWriters.Open(_staging, _options.Format, _time);
    }

    private async ValueTask WriteStagedAsync(CancellationToken cancellationToken)
    {
        if (_staging.Length > 0)
        {
            await _file!.WriteAsync(_staging.GetBuffer().AsMemory(0, (int)_staging.Length), cancellationToken).ConfigureAwait(false);
            _staging.SetLength(0);
        }
    }

    private bool Elapsed(long since, long now, TimeSpan limit) =>
        limit > TimeSpan.Zero && _time.GetElapsedTime(since, now) >= limit;
}
