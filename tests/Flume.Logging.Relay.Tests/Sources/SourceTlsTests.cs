using System.Globalization;
using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Config;
using Flume.Logging.Relay.Selectors;
using Flume.Logging.Relay.Sources.Http;
using Flume.Logging.Relay.Sources.Syslog;
using Flume.Logging.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flume.Logging.Relay.Tests.Sources;

/// <summary>
/// TLS on the syslog TCP sources and the http source (Flume's <c>ssl</c>, <c>keystore</c>... properties), with
/// real clients: .NET's SslStream, <c>openssl s_client</c> and <c>curl</c>, trusting the test CA.
/// </summary>
public sealed class SourceTlsTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private readonly TestCertificates _certificates = TestCertificates.Create();
    private readonly CapturingLoggerFactory _logs = new();
    private readonly MemoryChannel _channel = new(
        "c1", new MemoryChannelOptions { Capacity = 100, TransactionCapacity = 100, KeepAlive = TimeSpan.Zero }, TimeProvider.System, NullLogger<MemoryChannel>.Instance);

    public void Dispose() => _certificates.Dispose();

    private ChannelProcessor Processor() => new(new ReplicatingChannelSelector([_channel], []), [], NullLogger<ChannelProcessor>.Instance);

    private static ComponentContext Properties(params (string Key, string Value)[] properties) =>
        new("r1", "a1.sources.r1.", properties.ToDictionary(p => p.Key, p => p.Value));

    private (string, string)[] Ssl() =>
        [("ssl", "true"), ("keystore", _certificates.KeystoreP12), ("keystore-password", TestCertificates.Password), ("keystore-type", "PKCS12")];

    private async Task<SyslogTcpSource> StartSyslogAsync(bool multiport, params (string, string)[] extra)
    {
        (string, string)[] ports = multiport ? [("ports", "0 0")] : [("port", "0")];
        var options = SyslogTcpSourceOptions.From(Properties([("host", "127.0.0.1"), .. ports, .. Ssl(), .. extra]), multiport);
        var source = new SyslogTcpSource("r1", options, multiport, Processor(), TimeProvider.System, _logs);
        await source.StartAsync(CancellationToken.None);
        return source;
    }

    private async Task<List<FlumeEvent>> DrainAsync(int count)
    {
        var events = new List<FlumeEvent>();
        await Eventually.TrueAsync(
            () =>
            {
                using var tx = _channel.BeginTransaction();
                while (tx.Take() is { } e)
                {
                    events.Add(e);
                }

                tx.CommitAsync(CancellationToken.None).AsTask().GetAwaiter().GetResult();
                return events.Count >= count;
            },
            $"{count} events",
            Timeout);
        return events;
    }

    private static string Body(FlumeEvent e) => Encoding.UTF8.GetString(e.Body.Span);

    /// <summary>Sends <paramref name="text"/> over TLS, accepting only a server certificate the test CA signed.</summary>
    private async Task SendTlsAsync(IPEndPoint endPoint, string text)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(endPoint);
        using var ca = X509CertificateLoader.LoadCertificateFromFile(_certificates.TruststorePem);
        await using var ssl = new SslStream(client.GetStream());
        await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            RemoteCertificateValidationCallback = (_, certificate, _, _) =>
            {
                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                chain.ChainPolicy.CustomTrustStore.Add(ca);
                return certificate is X509Certificate2 server && chain.Build(server);
            },
        });
        await ssl.WriteAsync(Encoding.UTF8.GetBytes(text));
        await ssl.ShutdownAsync();
    }

    private static async Task<(int ExitCode, string Output)> RunAsync(string command)
    {
        using var process = PeerProcess.Start("sh", ["-c", command]);
        var exit = await process.WaitForExitAsync(Timeout);
        return (exit, process.Output);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Syslog_lines_sent_over_TLS_become_events(bool multiport)
    {
        await using var source = await StartSyslogAsync(multiport);

        await SendTlsAsync(source.LocalEndPoints[0], "<13>Dec  5 05:35:10 vm app: one\n<13>1 2026-12-05T05:35:10.5Z vm app - - two\n");

        var events = await DrainAsync(2);
        Assert.Equal(["app: one", "app - - two"], events.Select(Body));
        Assert.All(events, e => Assert.Equal("vm", e.Headers["host"]));
    }

    [Fact]
    public async Task Openssl_s_client_sends_into_every_port_of_a_TLS_multiport_source()
    {
        await using var source = await StartSyslogAsync(multiport: true, ("portHeader", "port"));

        foreach (var endPoint in source.LocalEndPoints)
        {
            var (exit, output) = await RunAsync(
                $"printf '<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 - to {endPoint.Port}\\n' | " +
                $"openssl s_client -connect 127.0.0.1:{endPoint.Port} -CAfile {_certificates.TruststorePem} -verify_return_error -quiet -no_ign_eof");
            Assert.True(exit == 0, output);
        }

        var events = await DrainAsync(2);
        Assert.Equal(
            source.LocalEndPoints.Select(p => $"evntslog - ID47 - to {p.Port}").Order(StringComparer.Ordinal),
            events.Select(Body).Order(StringComparer.Ordinal));
        Assert.All(events, e => Assert.Equal("mymachine.example.com", e.Headers["host"]));
        Assert.All(events, e => Assert.EndsWith(e.Headers["port"], Body(e), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_plain_text_syslog_client_on_the_TLS_port_is_named_in_a_warning_and_sends_nothing()
    {
        await using var source = await StartSyslogAsync(multiport: false);

        using (var client = new TcpClient())
        {
            await client.ConnectAsync(source.LocalEndPoints[0]);
            await client.GetStream().WriteAsync("<13>Dec  5 05:35:10 vm app: plain\n"u8.ToArray());
        }

        await Eventually.TrueAsync(() => _logs.Contains("sent plain text to this TLS port"), "the TLS mismatch warning", Timeout);
        Assert.Empty(await DrainAsync(0));
    }

    [Fact]
    public async Task Curl_posts_JSON_to_the_HTTPS_http_source_and_plain_HTTP_gets_a_400_naming_HTTPS()
    {
        var options = HttpSourceOptions.From(Properties([("bind", "127.0.0.1"), ("port", "0"), .. Ssl()]));
        await using var source = new HttpSource("r1", options, Processor(), TimeProvider.System, _logs);
        await source.StartAsync(CancellationToken.None);
        var port = source.LocalEndPoint.Port.ToString(CultureInfo.InvariantCulture);
        const string Json = """[{"headers":{"a":"1"},"body":"over https"}]""";

        var (exit, output) = await RunAsync(
            $"curl -sS --fail-with-body --cacert {_certificates.TruststorePem} -H 'Content-Type: application/json' --data '{Json}' https://127.0.0.1:{port}/");
        Assert.True(exit == 0, output);
        var e = Assert.Single(await DrainAsync(1));
        Assert.Equal("over https", Body(e));
        Assert.Equal("1", e.Headers["a"]);

        var (plainExit, plainOutput) = await RunAsync(
            $"curl -sS --fail-with-body -H 'Content-Type: application/json' --data '{Json}' http://127.0.0.1:{port}/");
        Assert.Equal(22, plainExit);
        Assert.Contains("speaks HTTPS", plainOutput, StringComparison.Ordinal);
        Assert.True(_logs.Contains("sent plain HTTP to this HTTPS port"), _logs.Dump());

        // Without the CA curl refuses the server, as it should.
        var (untrustedExit, _) = await RunAsync($"curl -sS --data '{Json}' https://127.0.0.1:{port}/");
        Assert.Equal(60, untrustedExit);
    }

    [Fact]
    public async Task A_TLS_client_on_the_plain_http_port_is_named_in_a_warning_and_closed_while_plain_HTTP_still_works()
    {
        var options = HttpSourceOptions.From(Properties([("bind", "127.0.0.1"), ("port", "0")]));
        await using var source = new HttpSource("r1", options, Processor(), TimeProvider.System, _logs);
        await source.StartAsync(CancellationToken.None);

        using (var client = new TcpClient())
        {
            await client.ConnectAsync(source.LocalEndPoint);
            await using var ssl = new SslStream(client.GetStream());
            var refused = await Assert.ThrowsAnyAsync<Exception>(() => ssl.AuthenticateAsClientAsync("localhost").WaitAsync(Timeout));
            Assert.True(refused is IOException or System.Security.Authentication.AuthenticationException, refused.ToString());
        }

        await Eventually.TrueAsync(() => _logs.Contains("began a TLS handshake on this plain HTTP port"), "the TLS mismatch warning", Timeout);
        var port = source.LocalEndPoint.Port.ToString(CultureInfo.InvariantCulture);
        var (exit, output) = await RunAsync($"curl -sS --fail-with-body -H 'Content-Type: application/json' --data '[{{\"body\":\"plain\"}}]' http://127.0.0.1:{port}/");
        Assert.True(exit == 0, output);
        Assert.Equal("plain", Body(Assert.Single(await DrainAsync(1))));
    }

    [Fact]
    public async Task The_HTTPS_source_serves_a_renewed_certificate_to_new_connections_without_a_restart()
    {
        var options = HttpSourceOptions.From(Properties([("bind", "127.0.0.1"), ("port", "0"), .. Ssl()]));
        await using var source = new HttpSource("r1", options, Processor(), TimeProvider.System, _logs);
        await source.StartAsync(CancellationToken.None);

        async Task<string> SubjectAsync()
        {
            using var client = new TcpClient();
            await client.ConnectAsync(source.LocalEndPoint);
            await using var ssl = new SslStream(client.GetStream());
            await ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                // Only the subject matters here: which certificate the server presents.
                RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null,
            });
            return ssl.RemoteCertificate!.Subject;
        }

        Assert.Equal("CN=flume-test-server", await SubjectAsync());
        _certificates.RenewServer("renewed-server");

        // The keystore's time and size are checked at each new connection, so the next one gets the new certificate.
        Assert.Equal("CN=renewed-server", await SubjectAsync());
    }

    [Fact]
    public async Task A_client_offering_only_an_excluded_protocol_fails_the_handshake_and_is_named_in_a_warning()
    {
        await using var source = await StartSyslogAsync(multiport: false, ("exclude-protocols", "SSLv3 TLSv1.2"));
        using var client = new TcpClient();
        await client.ConnectAsync(source.LocalEndPoints[0]);
        await using var ssl = new SslStream(client.GetStream());

        await Assert.ThrowsAnyAsync<Exception>(() => ssl.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            EnabledSslProtocols = System.Security.Authentication.SslProtocols.Tls12,
            RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null,
        }));

        await Eventually.TrueAsync(() => _logs.Contains("TLS handshake with"), "the handshake failure warning", Timeout);
    }

    [Theory]
    [InlineData("syslogtcp")]
    [InlineData("multiport_syslogtcp")]
    [InlineData("http")]
    public void A_JCEKS_keystore_is_refused_with_the_keytool_command_as_the_avro_source_refuses_it(string type)
    {
        (string, string)[] common = type switch
        {
            "syslogtcp" => [("host", "127.0.0.1"), ("port", "0")],
            "multiport_syslogtcp" => [("host", "127.0.0.1"), ("ports", "0")],
            _ => [("port", "0")],
        };
        var properties = Properties([.. common, ("ssl", "true"), ("keystore", "/etc/flume/keystore.jceks"), ("keystore-password", "p"), ("keystore-type", "JCEKS")]);

        var error = Assert.Throws<ConfigurationException>(() =>
        {
            _ = type == "http" ? (object)HttpSourceOptions.From(properties) : SyslogTcpSourceOptions.From(properties, type == "multiport_syslogtcp");
        });

        Assert.Contains("a1.sources.r1.keystore-type", error.Message, StringComparison.Ordinal);
        Assert.Contains("keytool -importkeystore -srckeystore /etc/flume/keystore.jceks -srcstoretype JCEKS -destkeystore /etc/flume/keystore.p12 -deststoretype PKCS12", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_keytool_JKS_keystore_given_without_a_type_serves_the_http_source_over_tls()
    {
        await _certificates.WriteJksAsync();
        var options = HttpSourceOptions.From(Properties(
            ("bind", "127.0.0.1"), ("port", "0"), ("ssl", "true"), ("keystore", _certificates.KeystoreJks), ("keystore-password", TestCertificates.Password)));

        await using var source = new HttpSource("r1", options, Processor(), TimeProvider.System, _logs);
        await source.StartAsync(CancellationToken.None);

        using var tcp = new TcpClient();
        await tcp.ConnectAsync(source.LocalEndPoint);
        await using var tls = new SslStream(tcp.GetStream(), false, (_, certificate, _, _) => certificate is not null);
        await tls.AuthenticateAsClientAsync("localhost");
        Assert.Equal("CN=flume-test-server", tls.RemoteCertificate!.Subject);
    }

    [Fact]
    public void Ssl_without_a_keystore_anywhere_is_refused_naming_the_key()
    {
        var error = Assert.Throws<ConfigurationException>(() => HttpSourceOptions.From(Properties(("port", "0"), ("enableSSL", "true"))));

        Assert.Contains("a1.sources.r1.keystore", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_http_sources_deprecated_SSL_names_are_read_and_the_new_names_win()
    {
        var options = HttpSourceOptions.From(Properties(
            ("port", "0"), ("enableSSL", "true"), ("keystore", _certificates.KeystoreP12), ("keystorePassword", "old"), ("keystore-password", TestCertificates.Password),
            ("excludeProtocols", "TLSv1.2")));

        Assert.Equal(TestCertificates.Password, options.Tls!.KeystorePassword);
        Assert.Equal(["TLSv1.2"], options.Tls.ExcludeProtocols);
    }
}
