using static Flume.Logging.Relay.Tests.Interceptors.InterceptorConfig;

namespace Flume.Logging.Relay.Tests.Interceptors;

public sealed class StaticInterceptorTests
{
    // FlumeUserGuide, Static Interceptor example.
    private const string GuideExample = """
        a1.sources.r1.interceptors = i1
        a1.sources.r1.interceptors.i1.type = static
        a1.sources.r1.interceptors.i1.key = datacenter
        a1.sources.r1.interceptors.i1.value = NEW_YORK
        """;

    [Fact]
    public void Guide_example_adds_datacenter_NEW_YORK()
    {
        var result = Build(GuideExample).Intercept(Event("x", ("other", "1")))!;

        Assert.Equal("NEW_YORK", result.Headers["datacenter"]);
        Assert.Equal("1", result.Headers["other"]);
    }

    [Fact]
    public void Preserves_an_existing_header_by_default()
    {
        Assert.Equal("LONDON", Build(GuideExample).Intercept(Event("x", ("datacenter", "LONDON")))!.Headers["datacenter"]);
    }

    [Fact]
    public void PreserveExisting_false_overwrites()
    {
        var interceptor = Build(GuideExample + "\na1.sources.r1.interceptors.i1.preserveExisting = false");

        Assert.Equal("NEW_YORK", interceptor.Intercept(Event("x", ("datacenter", "LONDON")))!.Headers["datacenter"]);
    }

    [Fact]
    public void Key_and_value_default_to_key_and_value()
    {
        var interceptor = Build("""
            a1.sources.r1.interceptors = i1
            a1.sources.r1.interceptors.i1.type = org.apache.flume.interceptor.StaticInterceptor$Builder
            """);

        Assert.Equal("value", interceptor.Intercept(Event("x"))!.Headers["key"]);
    }
}
