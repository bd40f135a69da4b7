using Flume.Logging.Testing;

namespace Flume.Logging.Relay.Cli.Tests;

/// <summary>Two relay processes joined by an avro sink and source over TLS, set up as Flume's user guide does it.</summary>
public sealed class TlsHopTests : IDisposable
{
    private readonly TestCertificates _certificates = TestCertificates.Create();

    public void Dispose() => _certificates.Dispose();

    // An agent whose avro source on 127.0.0.1:port has ssl = true and feeds a memory channel drained by sinkType.
    private static string TlsAvroSource(string agent, int port, string sinkType) => $"""
        {agent}.sources = r1
        {agent}.channels = c1
        {agent}.sinks = k1
        {agent}.sources.r1.type = avro
        {agent}.sources.r1.bind = 127.0.0.1
        {agent}.sources.r1.port = {port}
        {agent}.sources.r1.ssl = true
        {agent}.sources.r1.channels = c1
        {agent}.channels.c1.type = memory
        {agent}.sinks.k1.type = {sinkType}
        {agent}.sinks.k1.channel = c1
        """;

    // An agent whose seq source sends 20 events through an avro sink with ssl = true to 127.0.0.1:port.
    private static string TlsForwarder(int port) => $"""
        a1.sources = r1
        a1.channels = c1
        a1.sinks = k1
        a1.sources.r1.type = seq
        a1.sources.r1.totalEvents = 20
        a1.sources.r1.channels = c1
        a1.channels.c1.type = memory
        a1.sinks.k1.type = avro
        a1.sinks.k1.channel = c1
        a1.sinks.k1.hostname = 127.0.0.1
        a1.sinks.k1.port = {port}
        a1.sinks.k1.ssl = true
        a1.sinks.k1.connect-timeout = 5000
        """;

    [Fact]
    public async Task Events_cross_a_tls_hop_whose_keystore_comes_from_javax_system_properties_and_truststore_from_flume_ssl_variables()
    {
        var collector = TlsAvroSource("b1", 0, "logger");
        using var second = await RelayProcess.StartRunningAsync(
            collector,
            new Dictionary<string, string>(),
            "b1",
            $"-Djavax.net.ssl.keyStore={_certificates.KeystoreP12}",
            $"-Djavax.net.ssl.keyStorePassword={TestCertificates.Password}",
            "-Djavax.net.ssl.keyStoreType=PKCS12");
        var forwarder = TlsForwarder(await second.ListeningPortAsync("r1"));
        using var first = await RelayProcess.StartRunningAsync(
            forwarder,
            new Dictionary<string, string> { ["FLUME_SSL_TRUSTSTORE_PATH"] = _certificates.TruststorePem, ["FLUME_SSL_TRUSTSTORE_TYPE"] = "PEM" },
            "a1");

        await Eventually.TrueAsync(() => second.Process.CountLines("Event: { headers:") >= 20, "20 events at the TLS collector:\n" + second.Process.Output, TimeSpan.FromSeconds(60));
        Assert.Equal(0, second.Process.CountLines("TLS"));
    }

    [Fact]
    public async Task Events_cross_a_tls_hop_whose_keystore_and_truststore_are_keytools_jks_files_as_flume_takes_them()
    {
        await _certificates.WriteJksAsync();
        var collector = TlsAvroSource("b1", 0, "logger") + $"""

            b1.sources.r1.keystore = {_certificates.KeystoreJks}
            b1.sources.r1.keystore-password = {TestCertificates.Password}
            b1.sources.r1.keystore-type = JKS
            """;
        using var second = await RelayProcess.StartRunningAsync(collector, "b1");
        var forwarder = TlsForwarder(await second.ListeningPortAsync("r1")) + $"""

            a1.sinks.k1.truststore = {_certificates.TruststoreJks}
            a1.sinks.k1.truststore-password = {TestCertificates.Password}
            """;
        using var first = await RelayProcess.StartRunningAsync(forwarder, "a1");

        await Eventually.TrueAsync(() => second.Process.CountLines("Event: { headers:") >= 20, "20 events at the TLS collector:\n" + second.Process.Output, TimeSpan.FromSeconds(60));
    }

    [Theory]
    [InlineData("syslogtcp", "host = 127.0.0.1", "port")]
    [InlineData("multiport_syslogtcp", "host = 127.0.0.1", "ports")]
    [InlineData("http", "bind = 127.0.0.1", "port")]
    public async Task A_jceks_keystore_on_a_syslog_or_http_source_stops_the_relay_with_the_keytool_command(string type, string bind, string portKey)
    {
        var config = $"""
            a1.sources = r1
            a1.channels = c1
            a1.sinks = k1
            a1.sources.r1.type = {type}
            a1.sources.r1.{bind}
            a1.sources.r1.{portKey} = 0
            a1.sources.r1.ssl = true
            a1.sources.r1.keystore = /etc/flume/keystore.jceks
            a1.sources.r1.keystore-password = changeit
            a1.sources.r1.keystore-type = JCEKS
            a1.sources.r1.channels = c1
            a1.channels.c1.type = memory
            a1.sinks.k1.type = null
            a1.sinks.k1.channel = c1
            """;
        await AssertStopsWithKeytoolAsync(config);
    }

    private static async Task AssertStopsWithKeytoolAsync(string config)
    {
        using var relay = RelayProcess.Start(config);

        Assert.Equal(1, await relay.Process.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        Assert.Contains(
            "keytool -importkeystore -srckeystore /etc/flume/keystore.jceks -srcstoretype JCEKS -destkeystore /etc/flume/keystore.p12 -deststoretype PKCS12",
            relay.Process.Output,
            StringComparison.Ordinal);
    }
}
