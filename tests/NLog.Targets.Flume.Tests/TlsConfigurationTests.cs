using System.Text;
using Flume.Logging.Rpc.Tls;
using Flume.Logging.Testing;

namespace NLog.Targets.Flume.Tests;

/// <summary>The target's TLS attributes, from NLog XML, against a real avro server with TLS on 127.0.0.1.</summary>
[Collection(nameof(InternalLoggerCollection))]
public sealed class TlsConfigurationTests : IDisposable
{
    private readonly TestCertificates _certificates = TestCertificates.Create();

    public void Dispose() => _certificates.Dispose();

    private static string Config(string hosts, string tls) => $$"""
        <nlog xmlns="http://www.nlog-project.org/schemas/NLog.xsd"
              xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" throwConfigExceptions="true">
          <extensions><add assembly="NLog.Targets.Flume" /></extensions>
          <targets><target xsi:type="Flume" name="flume" hosts="{{hosts}}" {{tls}} layout="${message}" /></targets>
          <rules><logger name="*" minlevel="Trace" writeTo="flume" /></rules>
        </nlog>
        """;

    [Fact]
    public async Task Xml_tls_attributes_deliver_to_a_tls_relay_by_LogManager_Shutdown()
    {
        var receiver = new RecordingReceiver();
        await using var server = await receiver.ServeAvroAsync(0, new TlsOptions { Keystore = _certificates.KeystorePem });
        using (var factory = new LogFactory())
        {
            factory.Setup().LoadConfigurationFromXml(Config(
                $"127.0.0.1:{server.LocalEndPoint.Port}",
                $"""ssl="true" truststore="{_certificates.TruststorePem}" truststoreType="PEM" includeProtocols="TLSv1.2 TLSv1.3" """));
            var logger = factory.GetLogger("orders");
            for (var i = 0; i < 10; i++)
            {
                logger.Info("order {0}", i);
            }

            factory.Shutdown();
        }

        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"order {i}"), receiver.Events.Select(e => Encoding.UTF8.GetString(e.Body.Span)));
    }

    [Fact]
    public void A_jceks_truststore_is_a_configuration_error_naming_truststore_type()
    {
        using var factory = new LogFactory();
        var error = Assert.ThrowsAny<Exception>(() => factory.Setup().LoadConfigurationFromXml(Config("127.0.0.1:1", """ssl="true" truststore="ca.jceks" truststoreType="JCEKS" """)));
        Assert.Contains("truststore-type", error.ToString(), StringComparison.Ordinal);
        Assert.Contains("keytool -importkeystore", error.ToString(), StringComparison.Ordinal);
    }
}
