using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Flume.Logging.Testing;

namespace Flume.Logging.Relay.Cli.Tests;

/// <summary>
/// Flume 1.10+'s <c>--conf-uri</c>: the configuration served over HTTP with basic authentication and polled with
/// <c>If-Modified-Since</c>, and <c>classpath://</c> naming a file of the <c>--conf</c> folder.
/// </summary>
public sealed class ConfigurationUriTests : IAsyncDisposable
{
    private const string Flow = """
        a1.sources = r1
        a1.channels = c1
        a1.sinks = k1
        a1.sources.r1.type = netcat
        a1.sources.r1.bind = 127.0.0.1
        a1.sources.r1.port = 0
        a1.sources.r1.channels = c1
        a1.channels.c1.type = memory
        a1.sinks.k1.type = logger
        a1.sinks.k1.channel = c1
        """;

    private readonly ConfigServer _server = new("flume", "s3cret");

    public async ValueTask DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task A_configuration_served_over_http_runs_and_an_edit_is_applied_while_unchanged_polls_get_304()
    {
        using var relay = StartPolling();
        await relay.Process.WaitForLineAsync("agent a1 running");
        await NetcatAsync(await relay.ListeningPortAsync("r1"), "over http");
        await relay.Process.WaitForLineAsync("over http");
        await Eventually.TrueAsync(() => _server.NotModifiedAnswers >= 2, "unchanged polls answered 304 Not Modified");

        await EditAndWaitForReloadAsync(relay);
        Assert.Equal(0, await relay.StopAsync());
        Assert.Equal(0, _server.Unauthorized);
    }

    [Fact]
    public async Task A_server_that_goes_away_is_reported_once_and_changes_nothing_and_each_change_is_fetched_once()
    {
        using var relay = StartPolling();
        await relay.Process.WaitForLineAsync("agent a1 running");
        Assert.Equal(1, _server.OkAnswers);

        _server.Unavailable = true;
        await relay.Process.WaitForLineAsync($"cannot read the configuration from {_server.Url}: HTTP 503 ServiceUnavailable; the agent runs on as configured");
        await Eventually.TrueAsync(() => _server.UnavailableAnswers >= 3, "three polls while the server is unavailable");
        _server.Unavailable = false;
        await relay.Process.WaitForLineAsync($"the configuration at {_server.Url} can be read again");
        await NetcatAsync(await relay.ListeningPortAsync("r1"), "still running");
        await relay.Process.WaitForLineAsync("still running");

        await EditAndWaitForReloadAsync(relay);

        Assert.Equal(2, _server.OkAnswers);
        Assert.Equal(1, relay.Process.CountLines("cannot read the configuration"));
        Assert.Equal(1, relay.Process.CountLines("configuration changed"));
        Assert.Equal(0, await relay.StopAsync());
    }

    [Fact]
    public async Task A_wrong_password_stops_the_start_naming_the_uri_and_the_http_status()
    {
        _server.Serve(Flow, DateTimeOffset.UtcNow);
        using var relay = RelayProcess.StartRaw("agent", "--conf-uri", _server.Url, "--conf-user", "flume", "--conf-password", "wrong", "--name", "a1");

        Assert.Equal(1, await relay.Process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains(relay.Process.Lines, line => line.Contains($"cannot read the configuration from {_server.Url}: HTTP 401", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_https_server_is_trusted_through_flumes_global_truststore_and_refused_without_it()
    {
        using var certificates = TestCertificates.Create();
        await using var server = new ConfigServer("flume", "s3cret", certificates);
        server.Serve(Flow, DateTimeOffset.UtcNow);
        string[] arguments = ["agent", "--conf-uri", server.Url, "--conf-user", "flume", "--conf-password", "s3cret", "--name", "a1", "--check"];

        using (var untrusted = RelayProcess.StartRaw(arguments))
        {
            Assert.Equal(1, await untrusted.Process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains($"cannot read the configuration from {server.Url}", untrusted.Process.Output, StringComparison.Ordinal);
        }

        using var trusted = RelayProcess.StartRaw(
            [.. arguments, $"-Djavax.net.ssl.trustStore={certificates.TruststorePem}", "-Djavax.net.ssl.trustStoreType=PEM"]);
        Assert.Equal(0, await trusted.Process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains(trusted.Process.Lines, line => line.Contains("sink k1 (logger) <- channel c1", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Classpath_names_a_file_of_the_conf_folder_and_is_read_before_the_conf_files()
    {
        var folder = Directory.CreateTempSubdirectory("conf-uri-").FullName;
        try
        {
            await File.WriteAllTextAsync(Path.Combine(folder, "base.conf"), Flow.Replace("maxBytesToLog", "x", StringComparison.Ordinal) + "\na1.channels.c1.capacity = 700");
            var overrides = Path.Combine(folder, "override.conf");
            await File.WriteAllTextAsync(overrides, "a1.channels.c1.capacity = 900");

            using var relay = RelayProcess.StartRaw("agent", "-c", folder, "-f", overrides, "--conf-uri", "classpath://base.conf", "-n", "a1", "--check");

            Assert.Equal(0, await relay.Process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains(relay.Process.Lines, line => line.Contains("channel c1 (memory, capacity 900)", StringComparison.Ordinal));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Serves <see cref="Flow"/> and starts a relay on it that polls every second.</summary>
    private RelayProcess StartPolling()
    {
        _server.Serve(Flow, new DateTimeOffset(2026, 12, 1, 0, 0, 0, TimeSpan.Zero));
        return RelayProcess.StartRaw("agent", "--conf-uri", _server.Url, "--conf-user", "flume", "--conf-password", "s3cret", "--name", "a1", "-i", "1");
    }

    /// <summary>Serves an edit of the logger sink and waits until the relay has restarted that sink alone.</summary>
    private async Task EditAndWaitForReloadAsync(RelayProcess relay)
    {
        _server.Serve(Flow + "\na1.sinks.k1.maxBytesToLog = 4", new DateTimeOffset(2026, 12, 2, 0, 0, 0, TimeSpan.Zero));
        await relay.Process.WaitForLineAsync("agent a1 reloaded: stopped sink k1; started sink k1");
    }

    private static async Task NetcatAsync(int port, string line)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        var stream = client.GetStream();
        await stream.WriteAsync(Encoding.ASCII.GetBytes(line + "\n"));
        using var reader = new StreamReader(stream, Encoding.ASCII);
        Assert.Equal("OK", await reader.ReadLineAsync().WaitAsync(TimeSpan.FromSeconds(20)));
    }

    /// <summary>Serves one configuration at /flume.conf on 127.0.0.1 with basic authentication and Last-Modified.</summary>
    private sealed class ConfigServer : IAsyncDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly string _authorization;
        private readonly X509Certificate2? _certificate;
        private readonly Task _loop;
        private volatile Tuple<string, DateTimeOffset>? _content;
        private int _notModified;
        private int _unauthorized;
        private int _ok;
        private int _unavailable;

        /// <param name="user">The basic authentication user.</param>
        /// <param name="password">Its password.</param>
        /// <param name="tls">When given, the server speaks https with these test certificates' server certificate.</param>
        public ConfigServer(string user, string password, TestCertificates? tls = null)
        {
            _authorization = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));
            _certificate = tls is null ? null : X509CertificateLoader.LoadPkcs12FromFile(tls.KeystoreP12, TestCertificates.Password);
            _listener.Start();
            Url = $"{(tls is null ? "http" : "https")}://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/flume.conf";
            _loop = Task.Run(AcceptAsync);
        }

        public string Url { get; }

        public int NotModifiedAnswers => Volatile.Read(ref _notModified);

        public int Unauthorized => Volatile.Read(ref _unauthorized);

        public int OkAnswers => Volatile.Read(ref _ok);

        public int UnavailableAnswers => Volatile.Read(ref _unavailable);

        /// <summary>While true, every request is answered 503 Service Unavailable.</summary>
        public bool Unavailable { get; set; }

        public void Serve(string text, DateTimeOffset lastModified) => _content = Tuple.Create(text, lastModified);

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            _listener.Stop();
            await _loop;
            _stop.Dispose();
            _certificate?.Dispose();
        }

        private async Task AcceptAsync()
        {
            while (!_stop.IsCancellationRequested)
            {
                TcpClient client;
                try
                {
                    client = await _listener.AcceptTcpClientAsync(_stop.Token);
                }
                catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
                {
                    return;
                }

                using (client)
                {
                    try
                    {
                        if (_certificate is null)
                        {
                            await AnswerAsync(client.GetStream());
                            continue;
                        }

                        await using var tls = new SslStream(client.GetStream());
                        await tls.AuthenticateAsServerAsync(new SslServerAuthenticationOptions { ServerCertificate = _certificate }, _stop.Token);
                        await AnswerAsync(tls);
                    }
                    catch (Exception e) when (e is AuthenticationException or IOException)
                    {
                        // A client that refused the server's certificate hangs up: what one of the tests looks for.
                    }
                }
            }
        }

        // One request per connection: the answer says Connection: close.
        private async Task AnswerAsync(Stream stream)
        {
            using var reader = new StreamReader(stream, Encoding.ASCII, leaveOpen: true);
            var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
            var requestLine = await reader.ReadLineAsync(_stop.Token);
            if (requestLine is null)
            {
                return;
            }

            for (var line = await reader.ReadLineAsync(_stop.Token); !string.IsNullOrEmpty(line); line = await reader.ReadLineAsync(_stop.Token))
            {
                var colon = line.IndexOf(':', StringComparison.Ordinal);
                headers[line[..colon]] = line[(colon + 1)..].Trim();
            }

            var (text, lastModified) = _content!;
            string status;
            var body = "";
            if (Unavailable)
            {
                Interlocked.Increment(ref _unavailable);
                status = "503 Service Unavailable";
            }
            else if (!headers.TryGetValue("Authorization", out var authorization) || authorization != _authorization)
            {
                Interlocked.Increment(ref _unauthorized);
                status = "401 Unauthorized";
            }
            else if (requestLine?.StartsWith("GET /flume.conf ", StringComparison.Ordinal) != true)
            {
                status = "404 Not Found";
            }
            else if (headers.TryGetValue("If-Modified-Since", out var since)
                && DateTimeOffset.TryParse(since, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var sinceTime)
                && sinceTime >= lastModified)
            {
                Interlocked.Increment(ref _notModified);
                status = "304 Not Modified";
            }
            else
            {
                Interlocked.Increment(ref _ok);
                status = "200 OK";
                body = text;
            }

            var bytes = Encoding.UTF8.GetBytes(body);
            var head = $"HTTP/1.1 {status}\r\nContent-Length: {bytes.Length}\r\nLast-Modified: {lastModified.ToString("R", CultureInfo.InvariantCulture)}\r\nConnection: close\r\n\r\n";
            await stream.WriteAsync(Encoding.ASCII.GetBytes(head), _stop.Token);
            await stream.WriteAsync(bytes, _stop.Token);
        }
    }
}
