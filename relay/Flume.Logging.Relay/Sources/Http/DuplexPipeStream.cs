using System.IO.Pipelines;
using Flume.Logging.Rpc.Transport;

namespace Flume.Logging.Relay.Sources.Http;

/// <summary>
/// A Kestrel connection's transport pipe as a stream, so that <see cref="System.Net.Security.SslStream"/> can run
/// over bytes Kestrel has already read from the socket. Leaves the pipe open: Kestrel owns it.
/// </summary>
internal sealed class DuplexPipeStream : DuplexStream
{
    private readonly Stream _input;
    private readonly Stream _output;

    public DuplexPipeStream(IDuplexPipe pipe)
    {
        ArgumentNullException.ThrowIfNull(pipe);
        _input = pipe.Input.AsStream(leaveOpen: true);
        _output = pipe.Output.AsStream(leaveOpen: true);
    }

    protected override Stream ReadSide => _input;

    protected override Stream WriteSide => _output;

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _input.Dispose();
            _output.Dispose();
        }

        base.Dispose(disposing);
    }
}
