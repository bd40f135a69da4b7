using System.Net;
using Flume.Logging.Relay.Interceptors;
using static Flume.Logging.Relay.Tests.Interceptors.InterceptorConfig;

namespace Flume.Logging.Relay.Tests.Interceptors;

public sealed class HostInterceptorTests
{
    [Fact]
    public void Guide_example_sets_host_to_this_hosts_IP_address()
    {
        // FlumeUserGuide, Host Interceptor: "a1.sources.r1.interceptors.i1.type = host".
        var interceptor = Build("""
            a1.sources.r1.interceptors = i1
            a1.sources.r1.interceptors.i1.type = host
            """);

        var host = interceptor.Intercept(Event("x"))!.Headers["host"];
        Assert.True(IPAddress.TryParse(host, out var address), host);
        Assert.Contains(address, Dns.GetHostAddresses(Dns.GetHostName()));
    }

    [Fact]
    public void UseIP_false_sets_the_canonical_host_name()
    {
        var interceptor = Build("""
            a1.sources.r1.interceptors = i1
            a1.sources.r1.interceptors.i1.type = host
            a1.sources.r1.interceptors.i1.useIP = false
            """);

        Assert.Equal(Dns.GetHostEntry(Dns.GetHostName()).HostName, interceptor.Intercept(Event("x"))!.Headers["host"]);
    }

    [Fact]
    public void Introduction_example_uses_hostHeader_and_overwrites_without_preserveExisting()
    {
        // FlumeUserGuide, Flume Interceptors introduction.
        var interceptor = Build("""
            a1.sources.r1.interceptors = i1 i2
            a1.sources.r1.interceptors.i1.type = org.apache.flume.interceptor.HostInterceptor$Builder
            a1.sources.r1.interceptors.i1.preserveExisting = false
            a1.sources.r1.interceptors.i1.hostHeader = hostname
            a1.sources.r1.interceptors.i2.type = org.apache.flume.interceptor.TimestampInterceptor$Builder
            """);

        var result = interceptor.Intercept(Event("x", ("hostname", "old")))!;
        Assert.Equal(HostInterceptor.LocalHost(useIp: true), result.Headers["hostname"]);
        Assert.False(result.Headers.ContainsKey("host"));
    }

    [Fact]
    public void PreserveExisting_keeps_an_existing_header()
    {
        var interceptor = new HostInterceptor("host", preserveExisting: true, "10.0.0.1");

        Assert.Equal("old", interceptor.Intercept(Event("x", ("host", "old")))!.Headers["host"]);
        Assert.Equal("10.0.0.1", interceptor.Intercept(Event("x"))!.Headers["host"]);
    }

    [Fact]
    public void An_unresolved_host_sets_no_header()
    {
        var interceptor = new HostInterceptor("host", preserveExisting: false, host: null);

        Assert.Empty(interceptor.Intercept(Event("x"))!.Headers);
    }
}
