using System.Net;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using Confluent.Kafka;
using Flume.Logging.Relay.Config;
using Flume.Logging.Relay.Kafka;
using Flume.Logging.Testing;

namespace Flume.Logging.Relay.Tests.Kafka;

/// <summary>The user guide's Kafka TLS settings (JKS stores written by the JDK's keytool) as librdkafka takes them.</summary>
public sealed class KafkaTlsStoresTests : IDisposable
{
    private readonly TestCertificates _certificates = TestCertificates.Create();

    public void Dispose() => _certificates.Dispose();

    private static ComponentContext Context(params (string Key, string Value)[] properties) =>
        new("k1", "a1.sinks.k1.", properties.ToDictionary(p => "kafka.producer." + p.Key, p => p.Value));

    private Dictionary<string, string> MapGuideSettings() => KafkaClientProperties.Map(
        Context(
            ("security.protocol", "SSL"),
            ("ssl.truststore.location", _certificates.TruststoreJks),
            ("ssl.truststore.password", TestCertificates.Password),
            ("ssl.keystore.location", _certificates.KeystoreJks),
            ("ssl.keystore.password", TestCertificates.Password),
            ("ssl.key.password", TestCertificates.Password)),
        "kafka.producer.");

    [Fact]
    public async Task Jks_truststore_and_keystore_become_librdkafkas_pem_settings_and_no_java_key_is_passed_on()
    {
        await _certificates.WriteJksAsync();

        var mapped = MapGuideSettings();

        Assert.Equal(["security.protocol", "ssl.ca.pem", "ssl.certificate.pem", "ssl.key.pem"], mapped.Keys.Order(StringComparer.Ordinal));
        var roots = new X509Certificate2Collection();
        roots.ImportFromPem(mapped["ssl.ca.pem"]);
        var ca = new X509Certificate2Collection();
        ca.ImportFromPemFile(_certificates.TruststorePem);
        Assert.Equal(Assert.Single(ca).Thumbprint, Assert.Single(roots).Thumbprint);
        using var client = X509Certificate2.CreateFromPem(mapped["ssl.certificate.pem"], mapped["ssl.key.pem"]);
        using var server = X509CertificateLoader.LoadPkcs12FromFile(_certificates.KeystoreP12, TestCertificates.Password);
        Assert.Equal(server.Thumbprint, client.Thumbprint);
        Assert.True(client.HasPrivateKey);
    }

    [Fact]
    public async Task Librdkafka_completes_a_tls_handshake_with_a_client_certificate_from_the_converted_stores()
    {
        await _certificates.WriteJksAsync();
        using var serverCertificate = X509CertificateLoader.LoadPkcs12FromFile(_certificates.KeystoreP12, TestCertificates.Password);
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var config = MapGuideSettings();
        config["bootstrap.servers"] = $"127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}";
        config["ssl.endpoint.identification.algorithm"] = "none";

        using var producer = new ProducerBuilder<Null, byte[]>(config).Build();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var socket = await listener.AcceptSocketAsync(timeout.Token);
        X509Certificate? presented = null;
        await using var tls = new SslStream(new NetworkStream(socket, ownsSocket: false));
        await tls.AuthenticateAsServerAsync(
            new SslServerAuthenticationOptions
            {
                ServerCertificate = serverCertificate,
                ClientCertificateRequired = true,
                // The test CA is not in the machine's trust store: the check here is that a client certificate came.
                RemoteCertificateValidationCallback = (_, certificate, _, _) =>
                {
                    presented = certificate;
                    return certificate is not null;
                },
            },
            timeout.Token);

        // Past the handshake librdkafka speaks Kafka: its first request (ApiVersions) arrives through the tunnel.
        var request = new byte[4];
        await tls.ReadExactlyAsync(request, timeout.Token);
        Assert.NotNull(presented);
        using var client = X509CertificateLoader.LoadCertificate(presented.GetRawCertData());
        Assert.Equal(serverCertificate.Thumbprint, client.Thumbprint);
    }

    [Fact]
    public async Task A_wrong_keystore_password_is_an_error_naming_the_location_key()
    {
        await _certificates.WriteJksAsync();

        var error = Assert.Throws<ConfigurationException>(() => KafkaClientProperties.Map(
            Context(("ssl.keystore.location", _certificates.KeystoreJks), ("ssl.keystore.password", "not it")), "kafka.producer."));

        Assert.Contains("a1.sinks.k1.kafka.producer.ssl.keystore.location", error.Message, StringComparison.Ordinal);
        Assert.Contains("wrong ssl.keystore.password or ssl.keystore.type?", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("(Parameter", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pkcs12_keystore_and_pem_truststore_are_read_too()
    {
        var mapped = KafkaClientProperties.Map(
            Context(
                ("ssl.truststore.location", _certificates.TruststorePem),
                ("ssl.truststore.type", "PEM"),
                ("ssl.keystore.location", _certificates.KeystoreP12),
                ("ssl.keystore.type", "PKCS12"),
                ("ssl.keystore.password", TestCertificates.Password)),
            "kafka.producer.");

        using var client = X509Certificate2.CreateFromPem(mapped["ssl.certificate.pem"], mapped["ssl.key.pem"]);
        Assert.True(client.HasPrivateKey);
        Assert.Contains("BEGIN CERTIFICATE", mapped["ssl.ca.pem"], StringComparison.Ordinal);
    }

    [Fact]
    public void Librdkafkas_own_key_file_keeps_its_key_password_when_no_keystore_is_given()
    {
        var mapped = KafkaClientProperties.Map(
            Context(("ssl.key.location", "/etc/kafka/client.key"), ("ssl.key.password", "pem-secret"), ("ssl.certificate.location", "/etc/kafka/client.crt")),
            "kafka.producer.");

        Assert.Equal("pem-secret", mapped["ssl.key.password"]);
        Assert.Equal("/etc/kafka/client.key", mapped["ssl.key.location"]);
    }

    [Fact]
    public void A_truststore_beside_librdkafkas_own_ca_location_is_refused_naming_both()
    {
        var error = Assert.Throws<ConfigurationException>(() => KafkaClientProperties.Map(
            Context(("ssl.ca.location", "/etc/ssl/ca.pem"), ("ssl.truststore.location", _certificates.TruststorePem)), "kafka.producer."));

        Assert.Contains("ssl.truststore.location and ssl.ca.location both say where the certificates are", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_jceks_keystore_is_refused_with_the_command_that_converts_it()
    {
        var error = Assert.Throws<ConfigurationException>(() => KafkaClientProperties.Map(
            Context(("ssl.keystore.location", "/etc/kafka/client.jceks"), ("ssl.keystore.type", "JCEKS")), "kafka.producer."));

        Assert.Contains("a1.sinks.k1.kafka.producer.ssl.keystore.type", error.Message, StringComparison.Ordinal);
        Assert.Contains("keytool -importkeystore -srckeystore /etc/kafka/client.jceks", error.Message, StringComparison.Ordinal);
    }
}
