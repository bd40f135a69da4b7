using Flume.Logging.Relay.Interceptors;
using Microsoft.Extensions.Time.Testing;
using static Flume.Logging.Relay.Tests.Interceptors.InterceptorConfig;

namespace Flume.Logging.Relay.Tests.Interceptors;

public sealed class TimestampInterceptorTests
{
    private readonly FakeTimeProvider _time = new(DateTimeOffset.FromUnixTimeMilliseconds(1_700_000_000_123));

    [Fact]
    public void Guide_example_sets_the_timestamp_header_to_epoch_milliseconds_from_the_clock()
    {
        // FlumeUserGuide, Timestamp Interceptor: "a1.sources.r1.interceptors.i1.type = timestamp".
        var interceptor = Build("""
            a1.sources.r1.interceptors = i1
            a1.sources.r1.interceptors.i1.type = timestamp
            """, _time);

        var result = interceptor.Intercept(Event("x"))!;
        Assert.Equal("1700000000123", result.Headers["timestamp"]);

        _time.Advance(TimeSpan.FromMilliseconds(5));
        Assert.Equal("1700000000128", interceptor.Intercept(Event("y"))!.Headers["timestamp"]);
    }

    [Fact]
    public void Overwrites_an_existing_timestamp_by_default()
    {
        var interceptor = Build("""
            a1.sources.r1.interceptors = i1
            a1.sources.r1.interceptors.i1.type = timestamp
            """, _time);

        Assert.Equal("1700000000123", interceptor.Intercept(Event("x", ("timestamp", "1")))!.Headers["timestamp"]);
    }

    [Fact]
    public void PreserveExisting_keeps_an_existing_header_and_headerName_chooses_the_header()
    {
        var interceptor = Build("""
            a1.sources.r1.interceptors = i1
            a1.sources.r1.interceptors.i1.type = org.apache.flume.interceptor.TimestampInterceptor$Builder
            a1.sources.r1.interceptors.i1.headerName = ts
            a1.sources.r1.interceptors.i1.preserveExisting = true
            """, _time);

        Assert.Equal("1", interceptor.Intercept(Event("x", ("ts", "1")))!.Headers["ts"]);
        var fresh = interceptor.Intercept(Event("y"))!;
        Assert.Equal("1700000000123", fresh.Headers["ts"]);
        Assert.False(fresh.Headers.ContainsKey("timestamp"));
    }

    [Fact]
    public void A_bad_preserveExisting_names_the_key()
    {
        var error = Error("""
            a1.sources.r1.interceptors = i1
            a1.sources.r1.interceptors.i1.type = timestamp
            a1.sources.r1.interceptors.i1.preserveExisting = maybe
            """);

        Assert.Contains("a1.sources.r1.interceptors.i1.preserveExisting", error.Message, StringComparison.Ordinal);
        Assert.Contains("test.properties:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Builds_the_timestamp_type()
    {
        Assert.IsType<TimestampInterceptor>(Build("""
            a1.sources.r1.interceptors = i1
            a1.sources.r1.interceptors.i1.type = TIMESTAMP
            """));
    }
}
