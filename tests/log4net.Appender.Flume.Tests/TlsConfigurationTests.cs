using System.Text;
using Flume.Logging.Rpc.Tls;
using Flume.Logging.Testing;

namespace log4net.Appender.Flume.Tests;

/// <summary>The appender's TLS settings, from log4net XML, against a real avro server with TLS on 127.0.0.1.</summary>
public sealed class TlsConfigurationTests : IDisposable
{
    private const string AppenderType = "log4net.Appender.FlumeAppender, log4net.Appender.Flume";

    private readonly TestCertificates _certificates = TestCertificates.Create();

    public void Dispose() => _certificates.Dispose();

    [Fact]
    public async Task Xml_tls_settings_deliver_to_a_tls_relay_by_shutdown()
    {
        var receiver = new RecordingReceiver();
        await using var server = await receiver.ServeAvroAsync(0, new TlsOptions { Keystore = _certificates.KeystorePem });
        using (var log4net = Log4NetHarness.FromXml("tls", $"""
            <appender name="tls" type="{AppenderType}">
              <hosts value="127.0.0.1:{server.LocalEndPoint.Port}" />
              <ssl value="true" />
              <truststore value="{_certificates.TruststorePem}" />
              <excludeProtocols value="TLSv1.1" />
              <layout type="log4net.Layout.PatternLayout" value="%message" />
            </appender>
            """))
        {
            Assert.NotNull(log4net.Appender.Delivery);
            for (var i = 0; i < 10; i++)
            {
                log4net.Logger("orders").Info($"order {i}");
            }
        }

        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"order {i}"), receiver.Events.Select(e => Encoding.UTF8.GetString(e.Body.Span)));
    }

    [Fact]
    public void A_jceks_truststore_leaves_the_appender_stopped_naming_truststore_type()
    {
        using var log4net = Log4NetHarness.FromXml("jceks", $"""
            <appender name="jceks" type="{AppenderType}">
              <hosts value="127.0.0.1:1" />
              <ssl value="true" />
              <truststore value="ca.jceks" />
              <truststoreType value="JCEKS" />
            </appender>
            """);

        Assert.Null(log4net.Appender.Delivery);
        var error = Assert.Throws<ArgumentException>(() => log4net.Appender.ToAppenderOptions().Validate());
        Assert.Equal("truststore-type", error.ParamName);
        Assert.Contains("keytool -importkeystore", error.Message, StringComparison.Ordinal);
    }
}
