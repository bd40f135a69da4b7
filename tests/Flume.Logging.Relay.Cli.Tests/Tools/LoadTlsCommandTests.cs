using System.Globalization;
using System.Text.Json;
using Flume.Logging.Testing;

namespace Flume.Logging.Relay.Cli.Tests.Tools;

/// <summary>
/// <c>relay load --ssl</c> with the syslog and http protocols against a relay whose syslogtcp and http sources have
/// <c>ssl = true</c>; every line sent arrives in a file_roll sink's files.
/// </summary>
public sealed class LoadTlsCommandTests : IDisposable
{
    private readonly TestCertificates _certificates = TestCertificates.Create();
    private readonly string _out = Directory.CreateTempSubdirectory("relay-load-tls-").FullName;

    public void Dispose()
    {
        _certificates.Dispose();
        Directory.Delete(_out, recursive: true);
    }

    [Theory]
    [InlineData("syslog", "syslogtcp", "host")]
    [InlineData("http", "http", "bind")]
    public async Task Ssl_delivers_every_event_over_TLS_to_a_source_with_ssl_on(string protocol, string sourceType, string bindKey)
    {
        using var relay = await StartTlsRelayAsync(sourceType, bindKey);
        var port = await relay.ListeningPortAsync("r1");

        var (exitCode, output, lines) = await ToolRun.RunAsync(
            "load", "--host", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--protocol", protocol, "--size", "100",
            "--events", "2000", "--batch", "100", "--connections", "2", "--ssl", "--truststore", _certificates.TruststorePem, "--json");

        Assert.True(exitCode == 0, output);
        Assert.Equal(2000, JsonDocument.Parse(lines.Last(l => l.Length > 0)).RootElement.GetProperty("events").GetInt64());
        await Eventually.TrueAsync(() => Lines() == 2000, "the 2000 events in the sink's files");
        Assert.Equal(0, await relay.StopAsync());
        Assert.Equal(2000, Lines());
    }

    [Fact]
    public async Task Ssl_without_the_sources_CA_fails_naming_the_refused_certificate()
    {
        using var relay = await StartTlsRelayAsync("http", "bind");
        var port = await relay.ListeningPortAsync("r1");

        var (exitCode, output, _) = await ToolRun.RunAsync(
            "load", "--host", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture), "--protocol", "http", "--events", "10", "--ssl", "--attempts", "1");

        Assert.NotEqual(0, exitCode);
        Assert.Contains("SSL", output, StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>A relay whose one source (of <paramref name="sourceType"/>) has <c>ssl = true</c>, into a file_roll sink.</summary>
    private Task<RelayProcess> StartTlsRelayAsync(string sourceType, string bindKey) => RelayProcess.StartRunningAsync($"""
        a1.sources = r1
        a1.channels = c1
        a1.sinks = k1
        a1.sources.r1.type = {sourceType}
        a1.sources.r1.{bindKey} = 127.0.0.1
        a1.sources.r1.port = 0
        a1.sources.r1.ssl = true
        a1.sources.r1.keystore = {_certificates.KeystoreP12}
        a1.sources.r1.keystore-password = {TestCertificates.Password}
        a1.sources.r1.keystore-type = PKCS12
        a1.sources.r1.channels = c1
        a1.channels.c1.type = memory
        a1.channels.c1.capacity = 10000
        a1.channels.c1.transactionCapacity = 1000
        a1.sinks.k1.type = file_roll
        a1.sinks.k1.channel = c1
        a1.sinks.k1.sink.directory = {_out}
        a1.sinks.k1.sink.rollInterval = 0
        """);

    private int Lines() =>
        Directory.GetFiles(_out).Sum(file =>
        {
            using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
            using var reader = new StreamReader(stream);
            var count = 0;
            while (reader.ReadLine() is not null)
            {
                count++;
            }

            return count;
        });
}
