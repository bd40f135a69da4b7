using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Relay.Sources.Http;

/// <summary>
/// The plain-HTTP port's first look at each connection: a client that begins a TLS handshake (ssl set on its side
/// only) is named in a warning and closed, as the TCP servers name a TLS mismatch. Kestrel alone answers it 400, which
/// a TLS client cannot read, and logs that only at debug, so nobody would see why the client fails.
/// </summary>
internal sealed partial class PlainHttpConnections(string source, TimeSpan firstByteTimeout, ILogger logger, TimeProvider time)
{
    /// <summary>Puts the check in front of the listener's HTTP.</summary>
    public void Configure(ListenOptions listen) => listen.Use(next => context => ServeAsync(context, next));

    private async Task ServeAsync(ConnectionContext context, ConnectionDelegate next)
    {
        bool? tls;
        // Kestrel's own timeouts start with its HTTP handling, after this wait: a client that sends nothing is bounded here.
        using (var timer = new CancellationTokenSource(firstByteTimeout, time))
        using (var wait = CancellationTokenSource.CreateLinkedTokenSource(timer.Token, context.ConnectionClosed))
        {
            try
            {
                tls = await FirstByte.StartsWithTlsHandshakeAsync(context.Transport.Input, wait.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        if (tls == true)
        {
            LogTlsClient(source, (context.RemoteEndPoint as IPEndPoint)?.ToString() ?? "a client");
            return;
        }

        if (tls == false)
        {
            await next(context);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "http source {Source}: TLS mismatch: {Peer} began a TLS handshake on this plain HTTP port (set ssl = true here, or use http:// on the client); connection closed")]
    private partial void LogTlsClient(string source, string peer);
}
