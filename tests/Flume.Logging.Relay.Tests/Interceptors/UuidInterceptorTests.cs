using Flume.Logging.Relay.Interceptors;
using static Flume.Logging.Relay.Tests.Interceptors.InterceptorConfig;

namespace Flume.Logging.Relay.Tests.Interceptors;

public sealed class UuidInterceptorTests
{
    private const string Uuid4 = "^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$";

    [Fact]
    public void Sets_id_to_a_version_4_uuid_by_the_builder_class_name_in_the_guide()
    {
        // FlumeUserGuide, UUID Interceptor: type "org.apache.flume.sink.solr.morphline.UUIDInterceptor$Builder",
        // e.g. b5755073-77a9-43c1-8fad-b7a586fc1b97.
        var interceptor = Build("""
            a1.sources.r1.interceptors = i1
            a1.sources.r1.interceptors.i1.type = org.apache.flume.sink.solr.morphline.UUIDInterceptor$Builder
            """);

        var first = interceptor.Intercept(Event("x"))!.Headers["id"];
        var second = interceptor.Intercept(Event("y"))!.Headers["id"];
        Assert.Matches(Uuid4, first);
        Assert.Matches(Uuid4, second);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public void HeaderName_and_prefix_shape_the_header()
    {
        var interceptor = Build("""
            a1.sources.r1.interceptors = i1
            a1.sources.r1.interceptors.i1.type = uuid
            a1.sources.r1.interceptors.i1.headerName = eventId
            a1.sources.r1.interceptors.i1.prefix = web-
            """);

        var id = interceptor.Intercept(Event("x"))!.Headers["eventId"];
        Assert.StartsWith("web-", id, StringComparison.Ordinal);
        Assert.Matches(Uuid4, id["web-".Length..]);
    }

    [Fact]
    public void Preserves_an_existing_id_by_default_and_overwrites_when_told()
    {
        const string Text = """
            a1.sources.r1.interceptors = i1
            a1.sources.r1.interceptors.i1.type = uuid
            """;

        Assert.Equal("app-key", Build(Text).Intercept(Event("x", ("id", "app-key")))!.Headers["id"]);
        Assert.Matches(Uuid4, Build(Text + "\na1.sources.r1.interceptors.i1.preserveExisting = false").Intercept(Event("x", ("id", "app-key")))!.Headers["id"]);
    }

    [Fact]
    public void Uuids_come_from_the_injected_random()
    {
        var first = new UuidInterceptor("id", "", preserveExisting: false, new Random(42)).Intercept(Event("x"))!.Headers["id"];
        var again = new UuidInterceptor("id", "", preserveExisting: false, new Random(42)).Intercept(Event("x"))!.Headers["id"];

        Assert.Equal(first, again);
        Assert.Matches(Uuid4, first);
    }
}
