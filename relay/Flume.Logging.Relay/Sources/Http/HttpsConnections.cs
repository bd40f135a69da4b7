using System.IO.Pipelines;
using System.Net;
using System.Security.Authentication;
using System.Text;
using Flume.Logging.Rpc.Tls;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Relay.Sources.Http;

/// <summary>
/// HTTPS for the http source (<c>ssl = true</c>): a Kestrel connection middleware runs the handshake with the same
/// <see cref="TlsAuthenticator"/> the avro, thrift and syslog TCP servers use (the keystore re-read when it changes,
/// the protocol and cipher suite lists applied alike), then hands Kestrel the decrypted stream. A client that sends
/// plain HTTP to the port is answered 400 in plain text and named in a warning, as the TCP servers name a TLS mismatch.
/// </summary>
/// <remarks>
/// Kestrel's own <c>UseHttps</c> needs services that only its web host registers (its metrics), which this hand-built
/// server does not have; the middleware is the same handshake the TCP sources run, so one TLS setup serves them all.
/// </remarks>
internal sealed partial class HttpsConnections : IDisposable
{
    /// <summary>Longest wait for the first byte and for the handshake (Kestrel's default handshake timeout).</summary>
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(10);

    private static readonly byte[] PlainHttpAnswer = Answer();

    private readonly string _source;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly TlsAuthenticator _tls;

    /// <summary>Reads the keystore now, so a bad one fails the source's creation with the reason (as for the TCP sources).</summary>
    public HttpsConnections(string source, TlsOptions options, ILogger logger, TimeProvider time)
    {
        _source = source;
        _logger = logger;
        _time = time;
        _tls = TlsAuthenticator.ForServer(options, reason => LogCertificateReloadFailed(source, reason));
    }

    /// <summary>Puts the TLS check and handshake in front of the listener's HTTP.</summary>
    public void Configure(ListenOptions listen) => listen.Use(next => context => ServeAsync(context, next));

    public void Dispose() => _tls.Dispose();

    private static byte[] Answer()
    {
        const string Message = "This port of the relay's http source speaks HTTPS (ssl = true): send the request to https://\n";
        return Encoding.ASCII.GetBytes(
            "HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\nConnection: close\r\n" +
            $"Content-Length: {Message.Length}\r\n\r\n{Message}");
    }

    private async Task ServeAsync(ConnectionContext context, ConnectionDelegate next)
    {
        var peer = (context.RemoteEndPoint as IPEndPoint)?.ToString() ?? "a client";
        var network = context.Transport;
        Stream stream;
        using (var timer = new CancellationTokenSource(HandshakeTimeout, _time))
        using (var handshake = CancellationTokenSource.CreateLinkedTokenSource(timer.Token, context.ConnectionClosed))
        {
            try
            {
                switch (await FirstByte.StartsWithTlsHandshakeAsync(network.Input, handshake.Token))
                {
                    case null:
                        return;
                    case false:
                        LogPlainText(_source, peer);
                        await network.Output.WriteAsync(PlainHttpAnswer, handshake.Token);
                        return;
                }

                stream = await _tls.AuthenticateAsServerAsync(new DuplexPipeStream(network), handshake.Token);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            catch (Exception e) when (e is AuthenticationException or IOException)
            {
                LogHandshakeFailed(_source, peer, e.InnerException is null ? e.Message : $"{e.Message} {e.InnerException.Message}");
                return;
            }
        }

        await using (stream)
        {
            var reader = PipeReader.Create(stream, new StreamPipeReaderOptions(leaveOpen: true));
            var writer = PipeWriter.Create(stream, new StreamPipeWriterOptions(leaveOpen: true));
            context.Transport = new DecryptedPipe(reader, writer);
            try
            {
                await next(context);
            }
            finally
            {
                context.Transport = network;
                await reader.CompleteAsync();
                await writer.CompleteAsync();
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "http source {Source}: TLS mismatch: {Peer} sent plain HTTP to this HTTPS port (use https:// on the client); answered 400")]
    private partial void LogPlainText(string source, string peer);

    [LoggerMessage(Level = LogLevel.Warning, Message = "http source {Source}: TLS handshake with {Peer} failed: {Reason}")]
    private partial void LogHandshakeFailed(string source, string peer, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "http source {Source}: the changed keystore cannot be read, new connections keep the previous certificate: {Reason}")]
    private partial void LogCertificateReloadFailed(string source, string reason);

    /// <summary>The decrypted side of the connection, which Kestrel's HTTP reads and writes.</summary>
    private sealed class DecryptedPipe(PipeReader input, PipeWriter output) : IDuplexPipe
    {
        public PipeReader Input { get; } = input;

        public PipeWriter Output { get; } = output;
    }
}
