using System.Buffers;
using System.Net;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Metrics;
using Flume.Logging.Rpc;
using Flume.Logging.Rpc.Transport;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Relay.Sources.Syslog;

/// <summary>
/// Flume's <c>syslogtcp</c> and <c>multiport_syslogtcp</c> sources: listens on one or more TCP ports, splits each
/// connection into frames (<see cref="SyslogFramer"/>: newline-delimited, and for <c>syslogtcp</c> also
/// octet-counted) and commits the events of each read together, up to batchSize per transaction. As in Flume,
/// <c>syslogtcp</c> parses with <c>SyslogUtils</c>' patterns (<see cref="SyslogEventBuilder"/>) and
/// <c>multiport_syslogtcp</c> with its own parser (<see cref="MultiportSyslogEventBuilder"/>).
/// </summary>
/// <remarks>
/// Flume drops an event the channel refuses. Here a refused batch is retried, with a growing pause, before the
/// connection is read any further: the peer's TCP window fills and it slows down, so nothing already accepted from
/// the socket is lost while the channel is full (only a stop during the wait abandons the batch, and says so).
/// </remarks>
internal sealed partial class SyslogTcpSource : ISource, IMonitoredComponent, IAsyncDisposable
{
    /// <summary>Flume's class name of <c>syslogtcp</c>.</summary>
    public const string FlumeClass = "org.apache.flume.source.SyslogTcpSource";

    /// <summary>Flume's class name of <c>multiport_syslogtcp</c>.</summary>
    public const string MultiportFlumeClass = "org.apache.flume.source.MultiportSyslogTCPSource";

    private static readonly TimeSpan FirstRetry = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan MaxRetry = TimeSpan.FromSeconds(1);

    private readonly SyslogTcpSourceOptions _options;
    private readonly ChannelProcessor _processor;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SyslogClientHeaders _clientHeaders;
    private readonly PortListener[] _listeners;
    private readonly string _kind;
    private readonly bool _multiport;

    public SyslogTcpSource(string name, SyslogTcpSourceOptions options, bool multiport, ChannelProcessor processor, TimeProvider timeProvider, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(processor);
        ArgumentNullException.ThrowIfNull(timeProvider);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        options.Validate();
        Name = name;
        _kind = multiport ? "multiport_syslogtcp" : "syslogtcp";
        _multiport = multiport;
        _options = options;
        _processor = processor;
        _timeProvider = timeProvider;
        _logger = loggerFactory.CreateLogger<SyslogTcpSource>();
        _clientHeaders = new SyslogClientHeaders(options.ClientIPHeader, options.ClientHostnameHeader);
        Counter = new SourceCounter(name);
        _listeners = [.. options.Ports.Select(port => new PortListener(this, port, options.PortCharsets.GetValueOrDefault(port, options.DefaultCharset), multiport))];
    }

    public string Name { get; }

    /// <summary>Flume's source counters of this source.</summary>
    public SourceCounter Counter { get; }

    CounterGroup IMonitoredComponent.Counters => Counter;

    /// <summary>The bound addresses, in the order of the configured ports; valid once started.</summary>
    public IReadOnlyList<IPEndPoint> LocalEndPoints => [.. _listeners.Select(l => l.Server.LocalEndPoint)];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // All ports or none: a port that cannot be bound fails the start (Flume logs it and carries on without it).
        var started = new List<PortListener>(_listeners.Length);
        try
        {
            foreach (var listener in _listeners)
            {
                await listener.Server.StartAsync(cancellationToken);
                started.Add(listener);
            }
        }
        catch
        {
            foreach (var listener in started)
            {
                await listener.Server.StopAsync(CancellationToken.None);
            }

            throw;
        }

        Counter.Start();
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await Task.WhenAll(_listeners.Select(l => l.Server.StopAsync(cancellationToken)));
        Counter.Stop();
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var listener in _listeners)
        {
            await listener.Server.DisposeAsync();
        }
    }

    private async Task ServeAsync(Connection connection, PortListener listener, CancellationToken stopping)
    {
        var extra = await ConnectionHeadersAsync(connection, listener);
        // Flume's multiport LineSplitter knows only newlines; an octet count there is part of the line.
        var framer = new SyslogFramer(_options.EventSize, octetCounting: !_multiport);
        var batch = new List<FlumeEvent>(Math.Min(_options.BatchSize, 1024));
        var input = connection.Input;
        while (true)
        {
            var read = await input.ReadAsync(stopping);
            var buffer = read.Buffer;
            var now = _timeProvider.GetUtcNow();
            var zone = _timeProvider.LocalTimeZone;
            while (batch.Count < _options.BatchSize && framer.TryRead(ref buffer, out var frame, out var incomplete))
            {
                batch.Add(CreateEvent(frame, incomplete, listener.Charset, now, zone, extra));
            }

            var moreBuffered = batch.Count == _options.BatchSize;
            if (read.IsCompleted && !moreBuffered && framer.TryReadLast(ref buffer, out var last))
            {
                // The peer closed after a line without its newline; Flume would lose it, the bytes were sent.
                batch.Add(CreateEvent(last, incomplete: false, listener.Charset, now, zone, extra));
            }

            input.AdvanceTo(buffer.Start, moreBuffered ? buffer.Start : buffer.End);
            if (batch.Count > 0)
            {
                await CommitAsync(batch, connection.Peer, stopping);
                batch.Clear();
            }

            if (read.IsCompleted && !moreBuffered)
            {
                return;
            }
        }
    }

    private FlumeEvent CreateEvent(
        in ReadOnlySequence<byte> frame, bool incomplete, SyslogCharset charset, DateTimeOffset now, TimeZoneInfo zone, KeyValuePair<string, string>[] extra)
    {
        if (frame.IsSingleSegment)
        {
            return CreateEvent(frame.FirstSpan, incomplete, charset, now, zone, extra);
        }

        // A frame split across pipe segments is copied once; frames are at most eventSize bytes.
        var copy = ArrayPool<byte>.Shared.Rent((int)frame.Length);
        try
        {
            frame.CopyTo(copy);
            return CreateEvent(copy.AsSpan(0, (int)frame.Length), incomplete, charset, now, zone, extra);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(copy);
        }
    }

    private FlumeEvent CreateEvent(
        ReadOnlySpan<byte> frame, bool incomplete, SyslogCharset charset, DateTimeOffset now, TimeZoneInfo zone, KeyValuePair<string, string>[] extra)
    {
        if (!charset.IsValid(frame))
        {
            // Flume's multiport source counts a line its decoder rejects as a read failure; syslogtcp's are counted alike.
            Counter.AddEventReadFail(1);
            return SyslogEventBuilder.BuildUndecodable(frame, extra);
        }

        return _multiport
            ? MultiportSyslogEventBuilder.Build(frame, incomplete, _options.KeepFields, charset.IsUtf8, now, zone, extra)
            : SyslogEventBuilder.Build(frame, incomplete, _options.KeepFields, now, zone, extra);
    }

    private async ValueTask<KeyValuePair<string, string>[]> ConnectionHeadersAsync(Connection connection, PortListener listener)
    {
        if (_clientHeaders.IsEmpty && _options.PortHeader is null)
        {
            return [];
        }

        var remote = IPEndPoint.TryParse(connection.Peer, out var parsed) ? parsed : null;
        return await _clientHeaders.ForAsync(remote, _options.PortHeader, listener.Server.LocalEndPoint.Port);
    }

    private async ValueTask CommitAsync(List<FlumeEvent> batch, string peer, CancellationToken stopping)
    {
        Counter.AddEventsReceived(batch.Count);
        try
        {
            await _processor.ProcessBatchAsync(batch, CancellationToken.None);
            Counter.AddEventsAccepted(batch.Count);
            return;
        }
        catch (ChannelException e)
        {
            Counter.IncrementChannelWriteFail();
            LogChannelRefused(_kind, Name, peer, batch.Count, e.Message);
        }

        // Slow path, only while the channel refuses: one event per transaction, so that a batch larger than the
        // channel's transactionCapacity still gets through, each retried until it fits.
        for (var i = 0; i < batch.Count; i++)
        {
            await CommitOneAsync(batch, i, peer, stopping);
        }

        LogChannelTookBatch(_kind, Name, peer, batch.Count);
    }

    private async ValueTask CommitOneAsync(List<FlumeEvent> batch, int index, string peer, CancellationToken stopping)
    {
        var pause = FirstRetry;
        while (true)
        {
            try
            {
                await _processor.RetryEventAsync(batch[index], CancellationToken.None);
                Counter.AddEventsAccepted(1);
                return;
            }
            catch (ChannelException)
            {
                Counter.IncrementChannelWriteFail();
            }

            try
            {
                await Task.Delay(pause, _timeProvider, stopping);
            }
            catch (OperationCanceledException)
            {
                LogAbandoned(_kind, Name, peer, batch.Count - index);
                throw;
            }

            pause = TimeSpan.FromTicks(Math.Min(pause.Ticks * 2, MaxRetry.Ticks));
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Kind} source {Source}: the channel refused {Count} events from {Peer} ({Reason}); not reading from it until they fit")]
    private partial void LogChannelRefused(string kind, string source, string peer, int count, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Kind} source {Source}: the channel took the {Count} events from {Peer} it had refused; reading again")]
    private partial void LogChannelTookBatch(string kind, string source, string peer, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Kind} source {Source}: stopping with {Count} events from {Peer} the channel never took; they are lost")]
    private partial void LogAbandoned(string kind, string source, string peer, int count);

    /// <summary>One listening port, with the charset its frames must decode in.</summary>
    private sealed class PortListener : IConnectionHandler
    {
        private readonly SyslogTcpSource _source;

        public PortListener(SyslogTcpSource source, int port, SyslogCharset charset, bool multiport)
        {
            _source = source;
            Charset = charset;
            var serverOptions = new RpcServerOptions
            {
                Bind = source._options.Host,
                Port = port,
                ConnectionObserver = source.Counter,
                Connections = source._options.Connections,
                TimeProvider = source._timeProvider,
                Tls = source._options.Tls,
            };
            Server = new TcpServer($"{(multiport ? "multiport_syslogtcp" : "syslogtcp")} source {source.Name}", serverOptions, this, wrapStream: null, source._logger);
        }

        public TcpServer Server { get; }

        public SyslogCharset Charset { get; }

        public Task RunAsync(Connection connection, CancellationToken stopping) => _source.ServeAsync(connection, this, stopping);
    }
}
