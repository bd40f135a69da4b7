using System.IO.Pipelines;
using Flume.Logging.Rpc.Tls;

namespace Flume.Logging.Relay.Sources.Http;

/// <summary>What a new connection's first byte says about the client's TLS, looked at without consuming it.</summary>
internal static class FirstByte
{
    /// <summary>
    /// True for a TLS handshake record, false for anything else (plain HTTP), null when the client closed without
    /// sending.
    /// </summary>
    public static async Task<bool?> StartsWithTlsHandshakeAsync(PipeReader input, CancellationToken cancellationToken)
    {
        var read = await input.ReadAsync(cancellationToken);
        if (read.Buffer.IsEmpty)
        {
            input.AdvanceTo(read.Buffer.Start);
            return null;
        }

        var first = read.Buffer.FirstSpan[0];
        input.AdvanceTo(read.Buffer.Start, read.Buffer.Start);
        return first == TlsAuthenticator.HandshakeRecord;
    }
}
