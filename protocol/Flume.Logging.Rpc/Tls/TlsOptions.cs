namespace Flume.Logging.Rpc.Tls;

/// <summary>
/// TLS settings of an RPC server or client, named after Flume's per-component SSL properties (<c>keystore</c>,
/// <c>truststore</c>, <c>trust-all-certs</c>, <c>include-protocols</c>...). Setting <see cref="RpcServerOptions.Tls"/>
/// or <see cref="RpcClientOptions.Tls"/> is Flume's <c>ssl = true</c>; null (the default) is plain TCP.
/// Validated by <see cref="Validate"/> when a server or client is built.
/// </summary>
public sealed class TlsOptions
{
    /// <summary>
    /// <c>keystore</c>: the server's certificate and private key, as a PKCS12 file or a PEM file (certificate chain and
    /// key; the key may be in <see cref="KeystoreKey"/> instead). Required on a server; unused by a client. Default: none.
    /// The file is checked at each new connection and re-read when it changed.
    /// </summary>
    public string? Keystore { get; set; }

    /// <summary><c>keystore-password</c>: the JKS or PKCS12 password (a JKS key's too, as in Flume), or the encrypted PEM key's. Default: none.</summary>
    public string? KeystorePassword { get; set; }

    /// <summary>
    /// <c>keystore-type</c>: <c>JKS</c> (Flume's default), <c>PKCS12</c> or <c>PEM</c>; <c>JCEKS</c> is refused with the
    /// <c>keytool</c> command that converts it. Default: null, read from the file (JKS, PEM text, anything else PKCS12).
    /// </summary>
    public string? KeystoreType { get; set; }

    /// <summary>
    /// The password of a JKS keystore's key entry when it differs from <see cref="KeystorePassword"/> (the Java Kafka
    /// client's <c>ssl.key.password</c>; Flume's RPC components have no such setting). Default: none.
    /// </summary>
    internal string? KeyPassword { get; set; }

    /// <summary><c>keystore-key</c> (ours): a PEM file holding the private key when <see cref="Keystore"/> is a PEM file without it. Default: none.</summary>
    public string? KeystoreKey { get; set; }

    /// <summary>
    /// <c>truststore</c>: the certificates (JKS, PKCS12 or PEM) a client accepts as roots for the server's chain.
    /// Default: none, the system's trusted roots.
    /// </summary>
    public string? Truststore { get; set; }

    /// <summary><c>truststore-password</c>: the JKS or PKCS12 truststore's password (a JKS one is read without it too, unchecked, as Java does). Default: none.</summary>
    public string? TruststorePassword { get; set; }

    /// <summary><c>truststore-type</c>: <c>JKS</c>, <c>PKCS12</c> or <c>PEM</c> (JCEKS refused as for the keystore). Default: null, read from the file.</summary>
    public string? TruststoreType { get; set; }

    /// <summary>
    /// <c>trust-all-certs</c>: a client accepts any server certificate (encryption without authentication, as in
    /// Flume; for tests). Default: false.
    /// </summary>
    public bool TrustAllCerts { get; set; }

    /// <summary>
    /// <c>include-protocols</c>: the protocols to enable (<c>TLSv1.2</c>, <c>TLSv1.3</c>). Default: empty, every
    /// protocol this runtime supports (TLSv1.2 and TLSv1.3; older ones are never enabled).
    /// </summary>
    public IList<string> IncludeProtocols { get; } = new List<string>();

    /// <summary><c>exclude-protocols</c>: protocols removed from the included ones. Default: empty (SSLv3 is never enabled anyway).</summary>
    public IList<string> ExcludeProtocols { get; } = new List<string>();

    /// <summary>
    /// <c>include-cipher-suites</c>: IANA names as Java spells them (<c>TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256</c>).
    /// Default: empty, the platform's default suites.
    /// </summary>
    public IList<string> IncludeCipherSuites { get; } = new List<string>();

    /// <summary>
    /// <c>exclude-cipher-suites</c>: suites removed from the included ones; without an include list they are removed from
    /// the modern AEAD suites (TLS 1.3's and ECDHE with AES-GCM or ChaCha20). Default: empty.
    /// </summary>
    public IList<string> ExcludeCipherSuites { get; } = new List<string>();

    /// <summary>
    /// Throws <see cref="ArgumentException"/> naming the first invalid setting by its Flume property name;
    /// <paramref name="server"/> requires a keystore.
    /// </summary>
    public void Validate(bool server)
    {
        if (server && string.IsNullOrWhiteSpace(Keystore))
        {
            throw Invalid("keystore is required when ssl = true on a server (or set javax.net.ssl.keyStore / FLUME_SSL_KEYSTORE_PATH)", "keystore");
        }

        TlsStores.CheckType(KeystoreType, "keystore-type", Keystore);
        TlsStores.CheckType(TruststoreType, "truststore-type", Truststore);
        _ = TlsProtocols.Enabled(this);
        _ = TlsProtocols.CipherSuites(this);
    }

    private static ArgumentException Invalid(string message, string key) => new(message, key);
}
