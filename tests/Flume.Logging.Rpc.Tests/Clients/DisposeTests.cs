using Flume.Logging.Protocol;
using Flume.Logging.Rpc.Clients;
using Flume.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Flume.Logging.Rpc.Tests.Clients;

public sealed class DisposeTests
{
    private readonly FakeTimeProvider _time = new();

    public static TheoryData<RpcClientType> MultiHostTypes => new() { RpcClientType.DefaultFailover, RpcClientType.DefaultLoadBalance };

    private IRpcClient Create(FakeHosts hosts, RpcClientType type) =>
        RpcClientFactory.Create(hosts.Options(type), hosts.Factory, new CapturingLoggerFactory(), _time, new Random(7));

    [Theory]
    [MemberData(nameof(MultiHostTypes))]
    public async Task Dispose_disposes_every_host_client_once_and_creates_none(RpcClientType type)
    {
        var hosts = new FakeHosts("h1", "h2", "h3");
        hosts.SetDown("h1");
        var client = Create(hosts, type);
        await client.AppendAsync(FlumeEvent.FromText("a"));
        await client.AppendAsync(FlumeEvent.FromText("b"));
        var made = hosts.Hosts.SelectMany(h => hosts.Created(h.Name)).ToList();

        Assert.True(client.IsActive);
        await client.DisposeAsync();
        await client.DisposeAsync();

        Assert.False(client.IsActive);
        Assert.Equal(made, hosts.Hosts.SelectMany(h => hosts.Created(h.Name)));
        Assert.All(made, c => Assert.Equal(1, c.DisposeCount));
    }

    [Theory]
    [MemberData(nameof(MultiHostTypes))]
    public async Task Calls_after_dispose_throw_object_disposed_without_reaching_a_host(RpcClientType type)
    {
        var hosts = new FakeHosts("h1", "h2");
        var client = Create(hosts, type);
        await client.DisposeAsync();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.AppendAsync(FlumeEvent.FromText("a")).AsTask());
        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.AppendBatchAsync(Events.Make(2)).AsTask());
        Assert.Empty(hosts.Attempts);
    }

    [Theory]
    [MemberData(nameof(MultiHostTypes))]
    public async Task Dispose_during_a_call_ends_it_with_object_disposed(RpcClientType type)
    {
        var hosts = new FakeHosts("h1", "h2");
        hosts.Configure = c =>
        {
            c.TimeProvider = _time;
            c.ResponseDelay = TimeSpan.FromSeconds(1);
            c.FailAlways = true;
        };
        var client = Create(hosts, type);

        var pending = client.AppendAsync(FlumeEvent.FromText("a")).AsTask();
        await client.DisposeAsync();
        _time.Advance(TimeSpan.FromSeconds(1));

        await Assert.ThrowsAsync<ObjectDisposedException>(() => pending.WaitAsync(Eventually.DefaultTimeout));
        Assert.Equal(["h1"], hosts.Attempts);
        Assert.Equal(1, hosts.Latest("h1").DisposeCount);
    }
}
