using System.Net;
using System.Net.Http.Headers;
using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Flume.Logging.Relay.Config;
using Flume.Logging.Rpc.Tls;

namespace Flume.Logging.Relay.Cli;

/// <summary>
/// One place the agent's properties are read from: a file (<c>--conf-file</c>), or one of Flume 1.10+'s
/// <c>--conf-uri</c> URIs: <c>http://</c> and <c>https://</c> (with <c>--conf-user</c>/<c>--conf-password</c> as basic
/// authentication), <c>file://</c>, and <c>classpath://</c>, which names a file of the <c>--conf</c> folder (the folder
/// flume-ng puts on the classpath).
/// </summary>
/// <remarks>
/// A change is seen through <see cref="Stamp"/>: a file's modification time and length; for a URL, a conditional GET
/// (<c>If-Modified-Since</c> the last <c>Last-Modified</c>, as Flume polls), whose body is compared by hash, so a server
/// that ignores the condition does not cause a reload at every poll, and is kept for the <see cref="Read"/> that
/// follows, so a change is fetched once. A URL that cannot be fetched is no change: the agent runs on as configured
/// (see <see cref="Failure"/>), and a server back with the same content causes no reload.
/// An https:// server's certificate is checked against the system's roots, or, when Flume's global truststore is set
/// (<c>-Djavax.net.ssl.trustStore</c> or <c>FLUME_SSL_TRUSTSTORE_PATH</c>, as Java's HTTPS client uses it for Flume),
/// against that truststore's certificates.
/// </remarks>
internal sealed class ConfigurationSource
{
    // One client for the process (a URL is fetched at start, at each poll and at each reload), made at the first fetch.
    private static readonly Lazy<HttpClient> Http = new(CreateClient);

    private readonly string? _path;
    private readonly Uri? _url;
    private readonly AuthenticationHeaderValue? _authorization;
    private DateTimeOffset? _lastModified;
    private string? _lastHash;
    private string? _fetched;

    private ConfigurationSource(string name, string? path, Uri? url, AuthenticationHeaderValue? authorization)
    {
        Name = name;
        _path = path;
        _url = url;
        _authorization = authorization;
    }

    /// <summary>The file path or URI, as messages and <c>file:line</c> locations name it.</summary>
    public string Name { get; }

    /// <summary>Why the last <see cref="Stamp"/> could not fetch the URL, or null when it could (always null for a file).</summary>
    public string? Failure { get; private set; }

    /// <summary>A <c>--conf-file</c>.</summary>
    public static ConfigurationSource File(string path) => new(path, path, null, null);

    /// <summary>A <c>--conf-uri</c>; throws <see cref="ArgumentException"/> naming the option for a URI that cannot be read.</summary>
    /// <param name="uri">The URI as given.</param>
    /// <param name="confFolder">The <c>--conf</c> folder, for <c>classpath://</c>; null when none was given.</param>
    /// <param name="user"><c>--conf-user</c>, for http(s).</param>
    /// <param name="password"><c>--conf-password</c>, for http(s).</param>
    public static ConfigurationSource FromUri(string uri, string? confFolder, string? user, string? password)
    {
        ArgumentNullException.ThrowIfNull(uri);
        if (uri.StartsWith("classpath://", StringComparison.OrdinalIgnoreCase))
        {
            var name = uri["classpath://".Length..].TrimStart('/');
            if (confFolder is null)
            {
                throw new ArgumentException($"--conf-uri {uri}: classpath:// names a file of the configuration folder; give that folder with --conf <folder>");
            }

            return new ConfigurationSource(uri, Path.Combine(confFolder, name), null, null);
        }

        if (!Uri.TryCreate(uri, UriKind.Absolute, out var parsed))
        {
            throw new ArgumentException($"--conf-uri {uri} is not an absolute URI (http://, https://, file:// or classpath://)");
        }

        if (parsed.IsFile)
        {
            return new ConfigurationSource(uri, parsed.LocalPath, null, null);
        }

        if (parsed.Scheme != Uri.UriSchemeHttp && parsed.Scheme != Uri.UriSchemeHttps)
        {
            throw new ArgumentException($"--conf-uri {uri}: the scheme {parsed.Scheme} is not read; http://, https://, file:// and classpath:// are");
        }

        AuthenticationHeaderValue? authorization = null;
        if (user is not null)
        {
            authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
        }

        return new ConfigurationSource(uri, null, parsed, authorization);
    }

    /// <summary>The properties, read now.</summary>
    /// <exception cref="IOException">The file or URL cannot be read, naming it.</exception>
    /// <exception cref="ConfigurationException">A malformed escape, naming its line.</exception>
    public IReadOnlyList<PropertyEntry> Read()
    {
        if (_path is not null)
        {
            return ConfigurationFiles.Read([_path]);
        }

        var body = _fetched;
        _fetched = null;
        if (body is null)
        {
            var (status, fetched, _) = Get(conditional: false);
            if (status != HttpStatusCode.OK)
            {
                throw new IOException(Unreadable(status));
            }

            body = fetched!;
        }

        return PropertiesReader.Read(new StringReader(body), Name);
    }

    /// <summary>
    /// What is compared between polls to see a change: null for a missing file or a URL never fetched; a URL that cannot
    /// be fetched now keeps its last stamp and sets <see cref="Failure"/>.
    /// </summary>
    public string? Stamp()
    {
        if (_path is not null)
        {
            var info = new FileInfo(_path);
            return info.Exists ? $"{info.LastWriteTimeUtc.Ticks}/{info.Length}" : null;
        }

        try
        {
            var (status, body, lastModified) = Get(conditional: true);
            if (status == HttpStatusCode.NotModified && _lastHash is not null)
            {
                Failure = null;
                return _lastHash;
            }

            if (status != HttpStatusCode.OK)
            {
                Failure = Unreadable(status);
                return _lastHash;
            }

            Failure = null;
            _lastModified = lastModified;
            _lastHash = Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(body!)));
            _fetched = body;
            return _lastHash;
        }
        catch (IOException e)
        {
            Failure = e.Message;
            return _lastHash;
        }
    }

    private string Unreadable(HttpStatusCode status) => $"cannot read the configuration from {Name}: HTTP {(int)status} {status}";

    private (HttpStatusCode Status, string? Body, DateTimeOffset? LastModified) Get(bool conditional)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, _url);
        request.Headers.Authorization = _authorization;
        if (conditional && _lastModified is { } since)
        {
            request.Headers.IfModifiedSince = since;
        }

        try
        {
            using var response = Http.Value.Send(request);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return (response.StatusCode, null, null);
            }

            using var reader = new StreamReader(response.Content.ReadAsStream(), Encoding.UTF8);
            return (HttpStatusCode.OK, reader.ReadToEnd(), response.Content.Headers.LastModified);
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or ArgumentException)
        {
            // ArgumentException: the global truststore cannot be read.
            var reason = e switch
            {
                HttpRequestException { InnerException: AuthenticationException tls } =>
                    $"{tls.Message} (the server's certificate is checked against the system's roots, or against -Djavax.net.ssl.trustStore when set)",
                ArgumentException store => ArgumentErrors.Reason(store),
                _ => e.Message,
            };
            throw new IOException($"cannot read the configuration from {Name}: {reason}", e);
        }
    }

    private static HttpClient CreateClient()
    {
        var handler = new SocketsHttpHandler();
        if (Environment.GetEnvironmentVariable("FLUME_SSL_TRUSTSTORE_PATH") is { Length: > 0 } path)
        {
            var roots = TlsStores.LoadTrust(
                path,
                Environment.GetEnvironmentVariable("FLUME_SSL_TRUSTSTORE_PASSWORD"),
                Environment.GetEnvironmentVariable("FLUME_SSL_TRUSTSTORE_TYPE") is { Length: > 0 } type ? type : null,
                new TlsStoreKeys("javax.net.ssl.trustStore", "javax.net.ssl.trustStorePassword", "javax.net.ssl.trustStoreType"));
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, chain, errors) =>
            {
                if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
                {
                    return false;
                }

                using var custom = TlsStores.CustomRootChain(roots, chain);
                using var leaf = X509CertificateLoader.LoadCertificate(certificate.GetRawCertData());
                return custom.Build(leaf);
            };
        }

        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(30) };
    }
}
