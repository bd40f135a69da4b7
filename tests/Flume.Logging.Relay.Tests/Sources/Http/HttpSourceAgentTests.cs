using System.Net;
using System.Text;
using Flume.Logging.Relay.Agent;
using Flume.Logging.Relay.Config;
using Flume.Logging.Relay.Sources.Http;
using Flume.Logging.Testing;

namespace Flume.Logging.Relay.Tests.Sources.Http;

/// <summary>The http source built by an agent from Flume properties, through interceptors and a selector.</summary>
public sealed class HttpSourceAgentTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("http-agent-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private List<string> Written() => Directory.GetFiles(_directory).SelectMany(File.ReadAllLines).ToList();

    [Fact]
    public async Task Under_Flumes_class_name_with_an_interceptor_a_posted_batch_reaches_the_sink_intercepted()
    {
        var text = $"""
            a1.sources = r1
            a1.channels = c1
            a1.sinks = k1
            a1.sources.r1.type = org.apache.flume.source.http.HTTPSource
            a1.sources.r1.bind = 127.0.0.1
            a1.sources.r1.port = 0
            a1.sources.r1.channels = c1
            a1.sources.r1.interceptors = s
            a1.sources.r1.interceptors.s.type = static
            a1.sources.r1.interceptors.s.key = via
            a1.sources.r1.interceptors.s.value = http
            a1.channels.c1.type = memory
            a1.sinks.k1.type = file_roll
            a1.sinks.k1.channel = c1
            a1.sinks.k1.sink.directory = {_directory}
            a1.sinks.k1.sink.serializer = header_and_text
            a1.sinks.k1.sink.rollInterval = 0
            """;
        var configuration = FlumeConfiguration.Load(PropertiesReader.Read(new StringReader(text), "test.properties"), null);
        await using var agent = RelayAgent.Build(configuration, ComponentRegistry.CreateDefault(), new ComponentServices(new CapturingLoggerFactory(), TimeProvider.System));
        await agent.StartAsync(CancellationToken.None);
        var port = ((HttpSource)Assert.Single(agent.Sources)).LocalEndPoint.Port;
        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };

        using var response = await client.PostAsync(
            new Uri($"http://127.0.0.1:{port}/"), new StringContent("""[{"headers":{"a":"1"},"body":"x"},{"body":"y"}]""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        await Eventually.TrueAsync(() => Written().Count == 2, "two events in the file sink");
        await agent.StopAsync(CancellationToken.None);
        Assert.Equal(["{a=1, via=http} x", "{via=http} y"], Written());
    }
}
