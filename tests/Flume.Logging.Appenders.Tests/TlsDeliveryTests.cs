using System.Text;
using Flume.Logging.Rpc;
using Flume.Logging.Rpc.Avro;
using Flume.Logging.Rpc.Tls;
using Flume.Logging.Testing;

namespace Flume.Logging.Appenders.Tests;

/// <summary>The appenders' TLS settings against a real avro server with TLS on 127.0.0.1.</summary>
public sealed class TlsDeliveryTests : IDisposable
{
    private readonly TestCertificates _certificates = TestCertificates.Create();

    public void Dispose() => _certificates.Dispose();

    [Fact]
    public async Task Events_reach_a_tls_relay_through_the_truststore_setting()
    {
        var receiver = new RecordingReceiver();
        var logs = new CapturingLoggerFactory();
        var tls = new TlsOptions { Keystore = _certificates.KeystorePem };
        await using var server = AvroRpc.CreateServer("avro source tls", new RpcServerOptions { Bind = "127.0.0.1", Port = 0, Tls = tls }, receiver, logs);
        await server.StartAsync(CancellationToken.None);
        var delivery = new FlumeDelivery(new FlumeAppenderOptions
        {
            Hosts = $"127.0.0.1:{server.LocalEndPoint.Port}",
            Ssl = true,
            Truststore = _certificates.TruststorePem,
            IncludeProtocols = "TLSv1.2 TLSv1.3",
            FlushInterval = TimeSpan.FromMilliseconds(20),
        });

        for (var i = 0; i < 100; i++)
        {
            Assert.True(delivery.TryEnqueue(Protocol.FlumeEvent.FromText($"e{i}")));
        }

        await Eventually.TrueAsync(() => receiver.Events.Count == 100, "100 events over TLS\n" + logs.Dump());
        await delivery.DisposeAsync();
        Assert.Equal(Enumerable.Range(0, 100).Select(i => $"e{i}"), receiver.Events.Select(e => Encoding.UTF8.GetString(e.Body.Span)));
    }

    [Fact]
    public void Tls_settings_are_checked_and_named()
    {
        Assert.Equal("Ssl", Assert.Throws<ArgumentException>(() => new FlumeAppenderOptions { Hosts = "127.0.0.1:1", TrustAllCerts = true }.Validate()).ParamName);
        Assert.Equal(
            "truststore-type",
            Assert.Throws<ArgumentException>(() => new FlumeAppenderOptions { Hosts = "127.0.0.1:1", Ssl = true, Truststore = "t.jceks", TruststoreType = "JCEKS" }.Validate()).ParamName);
        Assert.Equal(
            "include-protocols",
            Assert.Throws<ArgumentException>(() => new FlumeAppenderOptions { Hosts = "127.0.0.1:1", Ssl = true, IncludeProtocols = "TLSv9" }.Validate()).ParamName);
    }
}
