using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Text;
using Flume.Logging.Protocol;
using Flume.Logging.Rpc.Avro;
using Flume.Logging.Rpc.Thrift;
using Flume.Logging.Rpc.Tls;
using Flume.Logging.Testing;

namespace Flume.Logging.Rpc.Tests.Tls;

public sealed class TlsTransportTests : IDisposable
{
    private readonly TestCertificates _certificates = TestCertificates.Create();
    private readonly CapturingLoggerFactory _logs = new();
    private readonly RecordingReceiver _receiver = new();

    public void Dispose() => _certificates.Dispose();

    [Fact]
    public async Task Avro_client_delivers_to_avro_server_over_tls_with_a_pkcs12_keystore_and_a_pem_truststore()
    {
        await using var server = await StartAvroAsync(ServerTls());
        await using var client = AvroRpc.CreateClient(Host(server), ClientOptions(new TlsOptions { Truststore = _certificates.TruststorePem }), _logs);

        await client.AppendAsync(FlumeEvent.FromText("one"));
        await client.AppendBatchAsync([FlumeEvent.FromText("two"), FlumeEvent.FromText("three")]);

        Assert.Equal(["one", "two", "three"], Bodies());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("JKS")]
    public async Task Avro_client_delivers_to_avro_server_over_tls_with_keytools_jks_keystore_and_truststore(string? type)
    {
        // Flume's default keystore-type: files a Flume agent already has serve unchanged.
        await _certificates.WriteJksAsync();
        var serverTls = new TlsOptions { Keystore = _certificates.KeystoreJks, KeystorePassword = TestCertificates.Password, KeystoreType = type };
        await using var server = await StartAvroAsync(serverTls);
        var clientTls = new TlsOptions { Truststore = _certificates.TruststoreJks, TruststorePassword = TestCertificates.Password, TruststoreType = type };
        await using var client = AvroRpc.CreateClient(Host(server), ClientOptions(clientTls), _logs);

        await client.AppendAsync(FlumeEvent.FromText("over jks"));

        Assert.Equal(["over jks"], Bodies());
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Avro_server_serves_a_pem_keystore_with_the_key_inside_or_beside_it_and_deflate_above_tls(bool separateKey)
    {
        var tls = separateKey
            ? new TlsOptions { Keystore = _certificates.CertificatePem, KeystoreKey = _certificates.KeyPem }
            : new TlsOptions { Keystore = _certificates.KeystorePem };
        await using var server = await StartAvroAsync(tls, CompressionType.Deflate);
        var options = ClientOptions(new TlsOptions { Truststore = _certificates.TruststoreP12, TruststorePassword = TestCertificates.Password });
        options.Compression = CompressionType.Deflate;
        await using var client = AvroRpc.CreateClient(Host(server), options, _logs);

        await client.AppendAsync(FlumeEvent.FromText(new string('x', 10_000)));

        Assert.Equal([new string('x', 10_000)], Bodies());
    }

    [Fact]
    public async Task Thrift_client_delivers_to_thrift_server_over_tls()
    {
        var options = new RpcServerOptions { Bind = "127.0.0.1", Port = 0, Tls = ServerTls() };
        await using var server = ThriftRpc.CreateServer("thrift source tls", options, _receiver, _logs);
        await server.StartAsync(CancellationToken.None);
        await using var client = ThriftRpc.CreateClient(Host(server), ClientOptions(new TlsOptions { Truststore = _certificates.TruststorePem }), _logs);

        await client.AppendBatchAsync([FlumeEvent.FromText("t1"), FlumeEvent.FromText("t2")]);

        Assert.Equal(["t1", "t2"], Bodies());
    }

    [Fact]
    public async Task Client_refuses_a_server_whose_certificate_its_truststore_does_not_lead_to_unless_trust_all_certs()
    {
        using var other = TestCertificates.Create();
        await using var server = await StartAvroAsync(ServerTls());
        await using var strict = AvroRpc.CreateClient(Host(server), ClientOptions(new TlsOptions { Truststore = other.TruststorePem }), _logs);

        var error = await Assert.ThrowsAsync<EventDeliveryException>(() => strict.AppendAsync(FlumeEvent.FromText("refused")).AsTask());
        Assert.Contains("TLS handshake with 127.0.0.1", error.Message, StringComparison.Ordinal);
        Assert.Contains("certificate was refused", error.Message, StringComparison.Ordinal);

        await using var trusting = AvroRpc.CreateClient(Host(server), ClientOptions(new TlsOptions { TrustAllCerts = true }), _logs);
        await trusting.AppendAsync(FlumeEvent.FromText("accepted"));
        Assert.Equal(["accepted"], Bodies());
    }

    [Fact]
    public async Task Plain_client_against_a_tls_port_fails_naming_a_tls_mismatch_on_both_ends()
    {
        await using var server = await StartAvroAsync(ServerTls());
        await using var client = AvroRpc.CreateClient(Host(server), ClientOptions(null), _logs);

        var error = await Assert.ThrowsAsync<EventDeliveryException>(() => client.AppendAsync(FlumeEvent.FromText("plain")).AsTask());

        Assert.Contains("TLS mismatch", error.Message, StringComparison.Ordinal);
        await Eventually.TrueAsync(() => _logs.Contains("TLS mismatch: 127.0.0.1"), "the server's TLS mismatch line");
        Assert.Contains(_logs.Entries, e => e.Message.Contains("sent plain text to this TLS port", StringComparison.Ordinal));
        Assert.Empty(_receiver.Events);
    }

    [Fact]
    public async Task Tls_client_against_a_plain_port_fails_naming_a_tls_mismatch_on_both_ends()
    {
        await using var server = await StartAvroAsync(null);
        await using var client = AvroRpc.CreateClient(Host(server), ClientOptions(new TlsOptions { TrustAllCerts = true }), _logs);

        var error = await Assert.ThrowsAsync<EventDeliveryException>(() => client.AppendAsync(FlumeEvent.FromText("tls")).AsTask());

        Assert.Contains("TLS mismatch", error.Message, StringComparison.Ordinal);
        await Eventually.TrueAsync(() => _logs.Contains("began a TLS handshake on this plain-text port"), "the server's TLS mismatch line");
        Assert.Empty(_receiver.Events);
    }

    [Fact]
    public void Jceks_keystore_type_is_refused_with_the_keytool_command_that_converts_it()
    {
        var tls = new TlsOptions { Keystore = "/etc/flume/server.jceks", KeystoreType = "JCEKS" };

        var error = Assert.Throws<ArgumentException>(() => tls.Validate(server: true));

        Assert.Equal("keystore-type", error.ParamName);
        Assert.Contains(
            "keytool -importkeystore -srckeystore /etc/flume/server.jceks -srcstoretype JCEKS -destkeystore /etc/flume/server.p12 -deststoretype PKCS12",
            error.Message,
            StringComparison.Ordinal);
    }

    [Fact]
    public void A_damaged_jks_file_without_a_type_is_recognised_and_refused_when_the_server_is_built()
    {
        var jks = Path.Combine(_certificates.Folder, "server.jks");
        File.WriteAllBytes(jks, [0xFE, 0xED, 0xFE, 0xED, 0, 0, 0, 2, 0, 0, 0, 1]);
        var options = new RpcServerOptions { Bind = "127.0.0.1", Port = 0, Tls = new TlsOptions { Keystore = jks, KeystorePassword = "changeit" } };

        var error = Assert.Throws<ArgumentException>(() => AvroRpc.CreateServer("avro source jks", options, _receiver, _logs));

        Assert.Contains($"keystore {jks} cannot be read", error.Message, StringComparison.Ordinal);
        Assert.Contains("the JKS keystore ends early or is damaged", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Protocols_and_cipher_suites_are_checked_by_their_flume_names()
    {
        var none = new TlsOptions { TrustAllCerts = true };
        none.IncludeProtocols.Add("TLSv1.1");
        var unknown = new TlsOptions { TrustAllCerts = true };
        unknown.ExcludeCipherSuites.Add("TLS_NO_SUCH_SUITE");

        Assert.Contains("leave no protocol enabled", Assert.Throws<ArgumentException>(() => none.Validate(server: false)).Message, StringComparison.Ordinal);
        Assert.Equal("exclude-cipher-suites", Assert.Throws<ArgumentException>(() => unknown.Validate(server: false)).ParamName);
    }

    [Fact]
    public async Task Only_included_protocols_are_offered_so_a_tls13_server_refuses_a_tls12_only_client()
    {
        var serverTls = ServerTls();
        serverTls.IncludeProtocols.Add("TLSv1.3");
        await using var server = await StartAvroAsync(serverTls);
        var clientTls = new TlsOptions { TrustAllCerts = true };
        clientTls.ExcludeProtocols.Add("TLSv1.3");
        await using var old = AvroRpc.CreateClient(Host(server), ClientOptions(clientTls), _logs);

        await Assert.ThrowsAsync<EventDeliveryException>(() => old.AppendAsync(FlumeEvent.FromText("old")).AsTask());

        var current = new TlsOptions { TrustAllCerts = true };
        current.IncludeCipherSuites.Add("TLS_AES_256_GCM_SHA384");
        await using var client = AvroRpc.CreateClient(Host(server), ClientOptions(current), _logs);
        await client.AppendAsync(FlumeEvent.FromText("tls13"));
        Assert.Equal(["tls13"], Bodies());
    }

    [Fact]
    public async Task Server_presents_a_renewed_certificate_to_new_connections_without_a_restart()
    {
        await using var server = await StartAvroAsync(ServerTls());
        Assert.Equal("CN=flume-test-server", await ServerSubjectAsync(server));

        _certificates.RenewServer("flume-renewed-server");
        File.SetLastWriteTimeUtc(_certificates.KeystoreP12, DateTime.UtcNow.AddSeconds(5));

        Assert.Equal("CN=flume-renewed-server", await ServerSubjectAsync(server));
    }

    [Fact]
    public async Task Server_keeps_its_certificate_when_the_changed_keystore_cannot_be_read_and_says_so()
    {
        await using var server = await StartAvroAsync(ServerTls());
        await File.WriteAllTextAsync(_certificates.KeystoreP12, "half-written");

        Assert.Equal("CN=flume-test-server", await ServerSubjectAsync(server));
        Assert.True(_logs.Contains("the changed keystore cannot be read"), _logs.Dump());
    }

    [Fact]
    public async Task Avro_client_talks_tls_to_openssl_s_server()
    {
        // Port 0: s_server reports the port it bound as "ACCEPT 127.0.0.1:<port>".
        using var openssl = PeerProcess.Start("openssl", [
            "s_server", "-accept", "127.0.0.1:0", "-naccept", "1",
            "-cert", _certificates.CertificatePem, "-key", _certificates.KeyPem,
        ]);
        var accept = await openssl.WaitForLineAsync("ACCEPT");
        var port = IPEndPoint.Parse(accept["ACCEPT ".Length..].Trim()).Port;
        var options = ClientOptions(new TlsOptions { Truststore = _certificates.TruststorePem });
        options.ConnectTimeout = TimeSpan.FromSeconds(2);
        await using var client = AvroRpc.CreateClient(new RpcHost("h1", "127.0.0.1", port), options, _logs);

        // s_server prints what it decrypts and answers nothing, so the request times out after the handshake.
        var error = await Assert.ThrowsAsync<EventDeliveryException>(() => client.AppendAsync(FlumeEvent.FromText("hello-over-tls")).AsTask());

        Assert.Contains("timed out", error.Message, StringComparison.Ordinal);
        await Eventually.TrueAsync(() => openssl.Output.Contains("hello-over-tls", StringComparison.Ordinal), "the body decrypted by s_server:\n" + openssl.Output);
    }

    [Fact]
    public async Task Openssl_s_client_verifies_our_server_against_the_ca()
    {
        await using var server = await StartAvroAsync(ServerTls());
        using var openssl = PeerProcess.Start("openssl", [
            "s_client", "-connect", $"127.0.0.1:{server.LocalEndPoint.Port}", "-CAfile", _certificates.TruststorePem,
            "-verify_return_error", "-verify_ip", "127.0.0.1", "-brief",
        ]);

        await openssl.WaitForLineAsync("Verification: OK");
        Assert.False(_logs.Contains("TLS handshake with"), _logs.Dump());
    }

    private static RpcHost Host(IRpcServer server) => new("h1", "127.0.0.1", server.LocalEndPoint.Port);

    private static RpcClientOptions ClientOptions(TlsOptions? tls) => new()
    {
        Tls = tls,
        ConnectTimeout = TimeSpan.FromSeconds(10),
        RequestTimeout = TimeSpan.FromSeconds(10),
    };

    // The server's certificate subject as a fresh TLS connection sees it; a renewal brings a new CA, so any is accepted.
    private static async Task<string> ServerSubjectAsync(IRpcServer server)
    {
        using var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync("127.0.0.1", server.LocalEndPoint.Port);
        await using var ssl = new SslStream(new NetworkStream(socket, ownsSocket: false));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await ssl.AuthenticateAsClientAsync(
            new SslClientAuthenticationOptions { TargetHost = "localhost", RemoteCertificateValidationCallback = (_, certificate, _, _) => certificate is not null },
            timeout.Token);
        return ssl.RemoteCertificate!.Subject;
    }

    private TlsOptions ServerTls() => new() { Keystore = _certificates.KeystoreP12, KeystorePassword = TestCertificates.Password };

    private async Task<IRpcServer> StartAvroAsync(TlsOptions? tls, CompressionType compression = CompressionType.None)
    {
        var options = new RpcServerOptions { Bind = "127.0.0.1", Port = 0, Tls = tls, Compression = compression };
        var server = AvroRpc.CreateServer("avro source tls", options, _receiver, _logs);
        await server.StartAsync(CancellationToken.None);
        return server;
    }

    private string[] Bodies() => [.. _receiver.Events.Select(e => Encoding.UTF8.GetString(e.Body.Span))];
}
