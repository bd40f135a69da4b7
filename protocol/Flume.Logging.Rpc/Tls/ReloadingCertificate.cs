using System.Security.Cryptography.X509Certificates;

namespace Flume.Logging.Rpc.Tls;

/// <summary>
/// The server certificate, re-read when its files change so a renewed certificate is used by new connections without a
/// restart. Checking the files' time and size at each connection is two stat calls, cheap beside a TLS handshake, and
/// needs no watcher thread.
/// </summary>
internal sealed class ReloadingCertificate : IDisposable
{
    private readonly TlsOptions _options;
    private readonly Action<string> _onReloadFailed;
    private readonly Lock _lock = new();
    private X509Certificate2 _current;
    private (DateTime, long, DateTime, long) _stamp;

    /// <summary>Loads the certificate now (throwing <see cref="ArgumentException"/> when it cannot be read).</summary>
    public ReloadingCertificate(TlsOptions options, Action<string> onReloadFailed)
    {
        _options = options;
        _onReloadFailed = onReloadFailed;
        _stamp = Stamp();
        _current = TlsStores.LoadCertificate(options);
    }

    /// <summary>The certificate for a new connection: the files' current one, or the last good one when they cannot be read.</summary>
    public X509Certificate2 Current
    {
        get
        {
            var stamp = Stamp();
            lock (_lock)
            {
                if (stamp == _stamp)
                {
                    return _current;
                }

                try
                {
                    // Connections already open keep the old certificate object; it is left to the finalizer rather than
                    // disposed under them.
                    _current = TlsStores.LoadCertificate(_options);
                    _stamp = stamp;
                }
                catch (ArgumentException e)
                {
                    // Half-written files are the usual cause: keep serving the old certificate and try again next time.
                    _onReloadFailed(ArgumentErrors.Reason(e));
                }

                return _current;
            }
        }
    }

    public void Dispose() => _current.Dispose();

    private (DateTime, long, DateTime, long) Stamp()
    {
        var keystore = new FileInfo(_options.Keystore!);
        var key = _options.KeystoreKey is { } path ? new FileInfo(path) : null;
        return (
            keystore.Exists ? keystore.LastWriteTimeUtc : default,
            keystore.Exists ? keystore.Length : -1,
            key is { Exists: true } ? key.LastWriteTimeUtc : default,
            key is { Exists: true } ? key.Length : -1);
    }
}
