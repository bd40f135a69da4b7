using System.Buffers;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Support;
using Flume.Logging.Rpc;
using Flume.Logging.Rpc.Transport;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Relay.Sources;

/// <summary>
/// Flume's <c>netcat</c> source: every newline-terminated line on a TCP connection becomes one event (the line
/// without its <c>\n</c>, bytes as sent). Lines that arrived together are committed in one batch, and each is
/// answered <c>OK</c> only after that commit. Answers keep the lines' order, and a refused line is answered
/// <c>FAILED</c> even with <c>ack-every-event</c> off, as in Flume.
/// </summary>
internal sealed partial class NetcatSource : ListeningSource, IConnectionHandler
{
    private static readonly byte[] Ok = "OK\n"u8.ToArray();
    private static readonly byte[] FailedToStore = "FAILED: Unable to store event in channel\n"u8.ToArray();

    /// <summary>Most lines committed in one transaction, well under the default transactionCapacity of 100.</summary>
    private const int MaxLinesPerBatch = 100;

    private readonly NetcatSourceOptions _options;
    private readonly ChannelProcessor _processor;
    private readonly ILogger _logger;
    private readonly TcpServer _server;

    private readonly byte[] _tooLong;
    private readonly FailurePacer _refusals;

    public NetcatSource(string name, NetcatSourceOptions options, ChannelProcessor processor, TimeProvider timeProvider, ILoggerFactory loggerFactory)
        : base(name)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(loggerFactory);
        options.Validate();
        _options = options;
        _processor = processor;
        _logger = loggerFactory.CreateLogger<NetcatSource>();
        _tooLong = System.Text.Encoding.ASCII.GetBytes($"FAILED: Event exceeds the maximum length ({options.MaxLineLength} bytes)\n");
        _refusals = new FailurePacer(timeProvider);
        var serverOptions = new RpcServerOptions
        {
            Bind = options.Bind,
            Port = options.Port,
            ConnectionObserver = Counter,
            Connections = options.Connections,
            TimeProvider = timeProvider,
        };
        _server = new TcpServer($"netcat source {name}", serverOptions, this, wrapStream: null, _logger);
    }

    protected override IRpcServer Server => _server;

    async Task IConnectionHandler.RunAsync(Connection connection, CancellationToken stopping)
    {
        var batch = new List<FlumeEvent>(MaxLinesPerBatch);
        var discardingLongLine = false;
        while (true)
        {
            var read = await connection.Input.ReadAsync(stopping);
            var buffer = read.Buffer;
            var moreBuffered = false;
            while (true)
            {
                if (batch.Count == MaxLinesPerBatch)
                {
                    moreBuffered = true;
                    break;
                }

                if (!TryReadLine(ref buffer, out var line))
                {
                    break;
                }

                if (discardingLongLine)
                {
                    // The tail of a line already refused as too long: it is not an event of its own.
                    discardingLongLine = false;
                }
                else if (line.Length > _options.MaxLineLength)
                {
                    // Answers follow the lines' order: the lines before this one are committed and answered first.
                    await CommitAndAnswerAsync(batch, connection, stopping);
                    await RefuseTooLongAsync(connection, line.Length);
                }
                else
                {
                    batch.Add(new FlumeEvent(line.ToArray()));
                }
            }

            var refuseUnterminated = !discardingLongLine && !moreBuffered && buffer.Length > _options.MaxLineLength;
            var unterminatedLength = buffer.Length;
            var skipRest = refuseUnterminated || discardingLongLine;
            if (moreBuffered)
            {
                // More complete lines may wait in the buffer: mark nothing as examined so the next read returns them.
                connection.Input.AdvanceTo(buffer.Start);
            }
            else
            {
                // An unterminated line over the limit is refused now instead of buffered without bound, and its
                // tail, up to the next newline, is skipped as it arrives.
                connection.Input.AdvanceTo(skipRest ? buffer.End : buffer.Start, buffer.End);
            }

            await CommitAndAnswerAsync(batch, connection, stopping);
            if (refuseUnterminated)
            {
                discardingLongLine = true;
                await RefuseTooLongAsync(connection, unterminatedLength);
            }

            if (read.IsCompleted && !moreBuffered)
            {
                // The client closed. An unterminated last line is dropped, as Flume does.
                return;
            }
        }
    }

    private static bool TryReadLine(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> line)
    {
        var newline = buffer.PositionOf((byte)'\n');
        if (newline is null)
        {
            line = default;
            return false;
        }

        line = buffer.Slice(0, newline.Value);
        buffer = buffer.Slice(buffer.GetPosition(1, newline.Value));
        return true;
    }

    /// <summary>
    /// Commits the lines read so far and answers each, flushing after every commit as Flume flushes after every line:
    /// when a batch falls back to one line at a time, each answer goes out as soon as its line is processed. A put
    /// still waiting for room when the source stops is abandoned: its lines get no answer, so the client sends them
    /// again.
    /// </summary>
    private async ValueTask CommitAndAnswerAsync(List<FlumeEvent> batch, Connection connection, CancellationToken stopping)
    {
        if (batch.Count == 0)
        {
            return;
        }

        Counter.AddEventsReceived(batch.Count);
        // Flume's netcat source commits each line on its own; this one commits the lines of a read together, and
        // falls back to line by line, each line answered for itself, where Flume's way would have stored them.
        await _processor.ProcessBatchOrEachAsync(batch, (Source: this, Connection: connection), static (s, count, failure) =>
        {
            s.Source.Record(count, s.Connection.Peer, failure);
            return s.Source.AnswerAsync(s.Connection, failure is null, count);
        }, stopping);
        batch.Clear();
    }

    private async ValueTask RefuseTooLongAsync(Connection connection, long length)
    {
        Counter.AddEventReadFail(1);
        LogLineTooLong(Name, connection.Peer, length);
        connection.Output.Write(_tooLong);
        await connection.Output.FlushAsync(CancellationToken.None);
    }

    /// <summary>Counts a commit of <paramref name="count"/> events and reports refusals (paced).</summary>
    private void Record(int count, string peer, ChannelException? failure)
    {
        if (failure is null)
        {
            Counter.AddEventsAccepted(count);
            if (_refusals.Succeeded() is { } taken)
            {
                LogTakenAgain(Name, taken.Failures, taken.Events);
            }

            return;
        }

        Counter.IncrementChannelWriteFail();
        if (_refusals.Failed(count) is { } tally)
        {
            LogChannelFailed(Name, count, peer, failure.Message, tally.Failures, tally.Events);
        }
    }

    /// <summary>
    /// Answers <c>OK</c> per committed line when <c>ack-every-event</c> is on, and <c>FAILED</c> per refused line
    /// always, as Flume's netcat source does.
    /// </summary>
    private async ValueTask AnswerAsync(Connection connection, bool committed, int lines)
    {
        if (committed && !_options.AckEveryEvent)
        {
            return;
        }

        var answer = committed ? Ok : FailedToStore;
        for (var i = 0; i < lines; i++)
        {
            connection.Output.Write(answer);
        }

        await connection.Output.FlushAsync(CancellationToken.None);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "netcat source {Source}: {Peer} sent a line of {Length} bytes or more, over max-line-length; refused")]
    private partial void LogLineTooLong(string source, string peer, long length);

    [LoggerMessage(Level = LogLevel.Warning, Message = "netcat source {Source}: {Count} events from {Peer} not stored: {Reason}. Refused since the last such warning (one per 10 s at most): {Batches} batches, {Events} events")]
    private partial void LogChannelFailed(string source, int count, string peer, string reason, int batches, long events);

    [LoggerMessage(Level = LogLevel.Warning, Message = "netcat source {Source}: the channels take events again. Refused since the last warning: {Batches} batches, {Events} events")]
    private partial void LogTakenAgain(string source, int batches, long events);
}
