using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Flume.Logging.Rpc.Tls;

/// <summary>
/// Wraps connections in <see cref="SslStream"/> as <see cref="TlsOptions"/> say: one place for the servers' and
/// clients' TLS, so the avro, thrift and syslog endpoints behave alike.
/// </summary>
internal sealed class TlsAuthenticator : IDisposable
{
    /// <summary>The first byte of every TLS record carrying a handshake (a ClientHello).</summary>
    public const byte HandshakeRecord = 0x16;

    private readonly TlsOptions _options;
    private readonly SslProtocols _protocols;
    private readonly CipherSuitesPolicy? _cipherSuites;
    private readonly ReloadingCertificate? _certificate;
    private readonly X509Certificate2Collection? _trust;

    private TlsAuthenticator(TlsOptions options, ReloadingCertificate? certificate)
    {
        _options = options;
        _protocols = TlsProtocols.Enabled(options);
        _cipherSuites = TlsProtocols.CipherSuites(options);
        _certificate = certificate;
        _trust = certificate is null && options.Truststore is { } truststore && !options.TrustAllCerts
            ? TlsStores.LoadTrust(truststore, options.TruststorePassword, options.TruststoreType)
            : null;
    }

    /// <summary>
    /// A server's authenticator; reads the keystore now, so a bad one fails the start. <paramref name="onReloadFailed"/>
    /// is told why a changed keystore could not be read (the previous certificate stays in use).
    /// </summary>
    public static TlsAuthenticator ForServer(TlsOptions options, Action<string> onReloadFailed)
    {
        options.Validate(server: true);
        return new TlsAuthenticator(options, new ReloadingCertificate(options, onReloadFailed));
    }

    /// <summary>A client's authenticator; reads the truststore now.</summary>
    public static TlsAuthenticator ForClient(TlsOptions options)
    {
        options.Validate(server: false);
        return new TlsAuthenticator(options, null);
    }

    /// <summary>
    /// Waits for the peer's first byte without consuming it: true when it opens a TLS handshake, false for anything
    /// else, null when the peer closed without sending. Lets a server name a TLS mismatch instead of failing obscurely.
    /// </summary>
    public static async Task<bool?> StartsWithTlsHandshakeAsync(Socket socket, CancellationToken cancellationToken)
    {
        var first = new byte[1];
        var read = await socket.ReceiveAsync(first, SocketFlags.Peek, cancellationToken);
        return read == 0 ? null : first[0] == HandshakeRecord;
    }

    /// <summary>Runs the server side of the handshake; throws <see cref="AuthenticationException"/> or <see cref="IOException"/> when it fails.</summary>
    public async Task<Stream> AuthenticateAsServerAsync(Stream network, CancellationToken cancellationToken)
    {
        var ssl = new SslStream(network, leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsServerAsync(ServerAuthenticationOptions(), cancellationToken);
            return ssl;
        }
        catch
        {
            await ssl.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The server side's handshake settings for a new connection: the keystore's current certificate (re-read when
    /// it changed), the enabled protocols and cipher suites. Also what a server doing its own handshake (Kestrel) uses.
    /// </summary>
    public SslServerAuthenticationOptions ServerAuthenticationOptions() => new()
    {
        ServerCertificate = _certificate!.Current,
        EnabledSslProtocols = _protocols,
        CipherSuitesPolicy = _cipherSuites,
        ClientCertificateRequired = false,
    };

    /// <summary>
    /// Runs the client side of the handshake with <paramref name="host"/>; throws <see cref="AuthenticationException"/>
    /// whose message says why the server's certificate was refused, or <see cref="IOException"/>.
    /// </summary>
    public async Task<Stream> AuthenticateAsClientAsync(Stream network, string host, CancellationToken cancellationToken)
    {
        string? refusal = null;
        var ssl = new SslStream(network, leaveInnerStreamOpen: false);
        try
        {
            await ssl.AuthenticateAsClientAsync(
                new SslClientAuthenticationOptions
                {
                    TargetHost = host,
                    EnabledSslProtocols = _protocols,
                    CipherSuitesPolicy = _cipherSuites,
                    RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
                    {
                        refusal = Check(certificate as X509Certificate2, chain, errors);
                        return refusal is null;
                    },
                },
                cancellationToken);
            return ssl;
        }
        catch (AuthenticationException e) when (refusal is not null)
        {
            await ssl.DisposeAsync();
            throw new AuthenticationException($"the server's certificate was refused: {refusal}", e);
        }
        catch
        {
            await ssl.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// The client side's handshake settings for <paramref name="host"/>, the same checks as
    /// <see cref="AuthenticateAsClientAsync"/>, for a client that runs the handshake itself (an <c>HttpClient</c>).
    /// </summary>
    public SslClientAuthenticationOptions ClientAuthenticationOptions(string host) => new()
    {
        TargetHost = host,
        EnabledSslProtocols = _protocols,
        CipherSuitesPolicy = _cipherSuites,
        RemoteCertificateValidationCallback = (_, certificate, chain, errors) => Check(certificate as X509Certificate2, chain, errors) is null,
    };

    public void Dispose()
    {
        _certificate?.Dispose();
        if (_trust is not null)
        {
            foreach (var certificate in _trust)
            {
                certificate.Dispose();
            }
        }
    }

    // Null when the certificate is accepted, else why not.
    private string? Check(X509Certificate2? certificate, X509Chain? chain, SslPolicyErrors errors)
    {
        if (_options.TrustAllCerts)
        {
            return null;
        }

        if (certificate is null)
        {
            return "the server sent no certificate";
        }

        if ((errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
        {
            return $"it does not name the host connected to ({certificate.Subject})";
        }

        if (_trust is null)
        {
            return (errors & SslPolicyErrors.RemoteCertificateChainErrors) == 0
                ? null
                : $"its chain is not trusted by the system's roots ({Describe(chain)}); set truststore, or trust-all-certs = true for tests";
        }

        using var custom = TlsStores.CustomRootChain(_trust, chain);
        return custom.Build(certificate) ? null : $"its chain does not lead to a truststore certificate ({Describe(custom)})";
    }

    private static string Describe(X509Chain? chain) =>
        chain is null || chain.ChainStatus.Length == 0
            ? "no chain"
            : string.Join("; ", chain.ChainStatus.Select(status => status.StatusInformation.Trim()));
}
