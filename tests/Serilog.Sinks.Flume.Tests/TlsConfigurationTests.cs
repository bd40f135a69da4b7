using System.Text;
using Flume.Logging.Rpc.Tls;
using Flume.Logging.Testing;
using Microsoft.Extensions.Configuration;

namespace Serilog.Sinks.Flume.Tests;

/// <summary>The sink's TLS arguments, bound from configuration, against a real avro server with TLS on 127.0.0.1.</summary>
public sealed class TlsConfigurationTests : IDisposable
{
    private readonly TestCertificates _certificates = TestCertificates.Create();

    public void Dispose() => _certificates.Dispose();

    private static IConfiguration Configuration(string hosts, IDictionary<string, string?> tls)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Serilog:Using:0"] = "Serilog.Sinks.Flume",
            ["Serilog:WriteTo:0:Name"] = "Flume",
            ["Serilog:WriteTo:0:Args:hosts"] = hosts,
        };
        foreach (var setting in tls)
        {
            settings["Serilog:WriteTo:0:Args:" + setting.Key] = setting.Value;
        }

        return new ConfigurationBuilder().AddInMemoryCollection(settings).Build();
    }

    [Fact]
    public async Task Configured_tls_arguments_deliver_to_a_tls_relay_by_dispose()
    {
        var receiver = new RecordingReceiver();
        await using var server = await receiver.ServeAvroAsync(0, new TlsOptions { Keystore = _certificates.KeystorePem });
        var configuration = Configuration($"127.0.0.1:{server.LocalEndPoint.Port}", new Dictionary<string, string?>
        {
            ["ssl"] = "true",
            ["truststore"] = _certificates.TruststorePem,
            ["includeProtocols"] = "TLSv1.3",
        });

        using (var logger = new LoggerConfiguration().ReadFrom.Configuration(configuration).CreateLogger())
        {
            for (var i = 0; i < 10; i++)
            {
                logger.Information("order {Order}", i);
            }
        }

        Assert.Equal(Enumerable.Range(0, 10).Select(i => $"order {i}"), receiver.Events.Select(e => Encoding.UTF8.GetString(e.Body.Span)));
    }

    [Fact]
    public void A_jceks_truststore_is_refused_naming_the_argument()
    {
        var configuration = Configuration("127.0.0.1:1", new Dictionary<string, string?>
        {
            ["ssl"] = "true",
            ["truststore"] = "ca.jceks",
            ["truststoreType"] = "JCEKS",
        });

        var error = Assert.ThrowsAny<Exception>(() => new LoggerConfiguration().ReadFrom.Configuration(configuration).CreateLogger());
        Assert.Contains("keytool -importkeystore", error.ToString(), StringComparison.Ordinal);
    }
}
