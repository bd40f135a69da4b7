using System.Text;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Agent;
using Flume.Logging.Relay.Config;
using Flume.Logging.Relay.Interceptors;
using Flume.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Flume.Logging.Relay.Tests.Interceptors;

/// <summary>
/// Builds one interceptor the way the agent does: from properties text (so Flume's escaping, e.g. <c>\\d</c>, is
/// read exactly as in a real file), through the default registry.
/// </summary>
internal static class InterceptorConfig
{
    public static IInterceptor Build(string properties, TimeProvider? time = null, CapturingLoggerFactory? logs = null)
    {
        var source = Load(properties);
        var name = source.Interceptors[0];
        var context = source.InterceptorsContext.GetSubContext(name + ".");
        var services = new ComponentServices(logs ?? new CapturingLoggerFactory(), time ?? new FakeTimeProvider());
        return ComponentRegistry.CreateDefault().Interceptors.Create(
            context.GetRequiredString("type").Trim(), new InterceptorBuildContext(name, context, services), context, "type");
    }

    public static ConfigurationException Error(string properties) =>
        Assert.Throws<ConfigurationException>(() => Build(properties));

    public static FlumeEvent Event(string body, params (string Key, string Value)[] headers)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in headers)
        {
            map[key] = value;
        }

        return FlumeEvent.FromText(body, map);
    }

    public static string Body(FlumeEvent flumeEvent) => Encoding.UTF8.GetString(flumeEvent.Body.Span);

    private static SourceConfiguration Load(string properties)
    {
        var sourceName = properties.Contains("a1.sources.avroSrc.", StringComparison.Ordinal) ? "avroSrc" : "r1";
        var text = $"""
            a1.sources = {sourceName}
            a1.channels = c1
            a1.channels.c1.type = memory
            a1.sources.{sourceName}.type = seq
            a1.sources.{sourceName}.channels = c1
            {properties}
            """;
        var entries = PropertiesReader.Read(new StringReader(text), "test.properties");
        return FlumeConfiguration.Load(entries, "a1").Sources[0];
    }
}
