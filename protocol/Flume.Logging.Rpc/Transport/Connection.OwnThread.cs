using System.IO.Pipelines;
using System.Net.Sockets;

using Flume.Logging.Rpc.Tls;

namespace Flume.Logging.Rpc.Transport;

/// <summary>
/// A plain TCP connection served on a thread of its own. Through .NET's socket engine a request costs two thread
/// wake-ups before its handler runs: the engine's epoll thread, then the pool thread it hands the read to. On a host
/// where a wake-up is dearer than decoding a hundred events, a thread blocked in <c>recv</c> is woken by the kernel
/// itself, and runs the handler inline up to its next read, answer included. The socket is never used asynchronously,
/// so it stays blocking and is never registered with the engine (which would wake its epoll thread for every packet
/// even with nobody waiting).
/// </summary>
internal sealed partial class Connection
{
    private TaskCompletionSource? _readerDone;

    /// <summary>
    /// Opens the connection over its socket, starts <paramref name="run"/> (the handler) on a new thread and returns the
    /// handler's task. The pipe runs the handler inline each time the thread has read, so a request that needs
    /// nothing asynchronous is served to its answer on that thread; one that waits (a full channel) goes on in the
    /// thread pool while the thread keeps reading into the pipe, up to the pipe's limit. When the first bytes are a TLS
    /// handshake the handler sees the connection end instead, and <paramref name="tlsHello"/> is told.
    /// </summary>
    public Task RunOnOwnThread(Func<Connection, Task> run, Action tlsHello, string threadName)
    {
        var pipe = new Pipe(new PipeOptions(
            readerScheduler: PipeScheduler.Inline,
            writerScheduler: PipeScheduler.Inline,
            minimumSegmentSize: ReadBufferSize,
            useSynchronizationContext: false));
        _stream = new BlockingSocketStream(_socket);
        // Nothing has been read since the accept, which the watch loop timed until this reader existed.
        _input = new WatchedPipeReader(pipe.Reader, _timeProvider, _acceptedAt);
        _output = PipeWriter.Create(_stream, new StreamPipeWriterOptions(leaveOpen: true));
        _readerDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var started = new TaskCompletionSource<Task>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() => ReadOnThread(pipe.Writer, run, tlsHello, started))
        {
            IsBackground = true,
            Name = threadName,
        };
        try
        {
            thread.UnsafeStart();
        }
        catch
        {
            // No thread (the process is out of them): nothing reads, and disposing must not wait for a reader.
            _readerDone.SetResult();
            throw;
        }

        return started.Task.Unwrap();
    }

#pragma warning disable CA1031 // Nothing may escape a thread of our own: it would end the process.
    private void ReadOnThread(PipeWriter writer, Func<Connection, Task> run, Action tlsHello, TaskCompletionSource<Task> started)
    {
        Exception? error = null;
        try
        {
            Task handler;
            try
            {
                handler = run(this);
            }
            catch (Exception e)
            {
                // As an async handler's own exception would be: in its task.
                handler = Task.FromException(e);
            }

            started.SetResult(handler);
            var first = true;
            while (!handler.IsCompleted)
            {
                var memory = writer.GetMemory(ReadBufferSize);

                // Blocks until the peer sends or closes, or the socket is closed here (a stop, a timeout), which .NET
                // turns into a shutdown that wakes this call.
                var read = _socket.Receive(memory.Span, SocketFlags.None, out var socketError);
                if (socketError != SocketError.Success)
                {
                    error = new SocketException((int)socketError);
                    break;
                }

                if (read == 0)
                {
                    break;
                }

                if (first && memory.Span[0] == TlsAuthenticator.HandshakeRecord)
                {
                    tlsHello();
                    break;
                }

                first = false;
                writer.Advance(read);
                var flush = writer.FlushAsync();
                var flushed = flush.IsCompleted ? flush.Result : flush.AsTask().GetAwaiter().GetResult();
                if (flushed.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception e)
        {
            error = e;
        }

        writer.Complete(error);
        _readerDone!.SetResult();
    }
#pragma warning restore CA1031
}
