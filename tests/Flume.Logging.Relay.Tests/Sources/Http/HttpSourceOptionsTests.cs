using Flume.Logging.Relay.Agent;
using Flume.Logging.Relay.Config;
using Flume.Logging.Relay.Sources.Http;

namespace Flume.Logging.Relay.Tests.Sources.Http;

public sealed class HttpSourceOptionsTests
{
    private static HttpSourceOptions From(params (string Key, string Value)[] properties) =>
        HttpSourceOptions.From(new ComponentContext("r1", "a1.sources.r1.", properties.ToDictionary(p => p.Key, p => p.Value)));

    [Fact]
    public void Defaults_are_Flumes_and_the_documented_bounds()
    {
        var options = From(("port", "5140"));

        Assert.Equal("0.0.0.0", options.Bind);
        Assert.Equal(5140, options.Port);
        Assert.Equal(HttpHandlerKind.Json, options.Handler);
        Assert.Equal(100_000_000, options.MaxBlobLength);
        Assert.Equal(100_000_000, options.MaxRequestSize);
        Assert.Equal(TimeSpan.FromSeconds(30), options.RequestTimeout);
        Assert.Empty(options.IgnoredJettyKeys);
    }

    [Theory]
    [InlineData("org.apache.flume.source.http.JSONHandler", nameof(HttpHandlerKind.Json))]
    [InlineData(" org.apache.flume.source.http.BLOBHandler ", nameof(HttpHandlerKind.CoreBlob))]
    [InlineData("org.apache.flume.sink.solr.morphline.BlobHandler", nameof(HttpHandlerKind.MorphlineBlob))]
    public void Flumes_handler_class_names_pick_the_handler(string handler, string kind)
    {
        Assert.Equal(Enum.Parse<HttpHandlerKind>(kind), From(("port", "1"), ("handler", handler)).Handler);
    }

    [Fact]
    public void An_unknown_handler_class_is_refused_naming_the_key_the_class_and_the_choices()
    {
        var error = Assert.Throws<ConfigurationException>(() => From(("port", "1"), ("handler", "org.example.rest.RestHandler")));

        Assert.Contains("a1.sources.r1.handler", error.Message, StringComparison.Ordinal);
        Assert.Contains("'org.example.rest.RestHandler'", error.Message, StringComparison.Ordinal);
        Assert.Contains(HttpSourceOptions.JsonHandlerClass, error.Message, StringComparison.Ordinal);
        Assert.Contains(HttpSourceOptions.MorphlineBlobHandlerClass, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Handler_settings_are_read_from_handler_dot_keys()
    {
        var morphline = From(("port", "1"), ("handler", HttpSourceOptions.MorphlineBlobHandlerClass), ("handler.maxBlobLength", "10"));
        var core = From(("port", "1"), ("handler", HttpSourceOptions.CoreBlobHandlerClass), ("handler.mandatoryParameters", "a, b,,"));

        Assert.Equal(10, morphline.MaxBlobLength);
        Assert.Equal(["a", "b"], core.MandatoryParameters);
    }

    [Fact]
    public void A_max_blob_length_below_1_is_refused_as_Flume_does()
    {
        var error = Assert.Throws<ConfigurationException>(() =>
            From(("port", "1"), ("handler", HttpSourceOptions.MorphlineBlobHandlerClass), ("handler.maxBlobLength", "0")));

        Assert.Contains("a1.sources.r1.handler.maxBlobLength", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("ssl")]
    [InlineData("enableSSL")]
    public void Ssl_true_or_its_deprecated_name_reads_the_keystore_settings(string key)
    {
        var options = From(("port", "1"), (key, "true"), ("keystore", "/k.p12"), ("keystore-password", "p"), ("include-protocols", "TLSv1.3"));

        Assert.Equal("/k.p12", options.Tls!.Keystore);
        Assert.Equal("p", options.Tls.KeystorePassword);
        Assert.Equal(["TLSv1.3"], options.Tls.IncludeProtocols);
    }

    [Fact]
    public void Ssl_false_and_the_keystore_keys_are_accepted()
    {
        var options = From(("port", "1"), ("ssl", "false"), ("keystore", "/k.jks"), ("keystore-type", "PKCS12"), ("exclude-protocols", "SSLv3 TLSv1"));

        Assert.Equal(1, options.Port);
        Assert.Null(options.Tls);
    }

    [Fact]
    public void Jetty_tuning_keys_are_accepted_and_listed_as_ignored()
    {
        var options = From(
            ("port", "1"),
            ("HttpConfiguration.sendServerVersion", "false"),
            ("ServerConnector.idleTimeout", "300"),
            ("QueuedThreadPool.maxThreads", "8"),
            ("SslContextFactory.excludeCipherSuites", "x"),
            ("handler.nickname", "random props"));

        Assert.Equal(
            ["HttpConfiguration.sendServerVersion", "QueuedThreadPool.maxThreads", "ServerConnector.idleTimeout", "SslContextFactory.excludeCipherSuites"],
            options.IgnoredJettyKeys);
    }

    [Theory]
    [InlineData("port", "70000", "a1.sources.r1.port")]
    [InlineData("maxRequestSize", "0", "a1.sources.r1.maxRequestSize")]
    [InlineData("requestTimeout", "0", "a1.sources.r1.requestTimeout")]
    [InlineData("requestTimeout", "soon", "a1.sources.r1.requestTimeout")]
    public void Bad_values_are_refused_naming_the_key(string key, string value, string fullKey)
    {
        var properties = key == "port" ? new[] { (key, value) } : [("port", "1"), (key, value)];

        var error = Assert.Throws<ConfigurationException>(() => From(properties));

        Assert.Contains(fullKey, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_source_is_registered_under_its_alias_and_Flumes_class_name()
    {
        var sources = ComponentRegistry.CreateDefault().Sources.Aliases.ToList();

        Assert.Contains("http", sources);
        Assert.Contains("org.apache.flume.source.http.HTTPSource", sources);
    }

    [Fact]
    public void A_missing_port_is_refused_naming_it()
    {
        var error = Assert.Throws<ConfigurationException>(() => From(("bind", "127.0.0.1")));

        Assert.Contains("a1.sources.r1.port", error.Message, StringComparison.Ordinal);
    }
}
