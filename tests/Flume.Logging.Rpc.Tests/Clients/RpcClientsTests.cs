using System.Globalization;
using Flume.Logging.Protocol;
using Flume.Logging.Rpc.Avro;
using Flume.Logging.Rpc.Thrift;
using Flume.Logging.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flume.Logging.Rpc.Tests.Clients;

/// <summary>Clients built from Flume SDK properties, against real servers on 127.0.0.1.</summary>
public sealed class RpcClientsTests : IAsyncLifetime
{
    private readonly List<IRpcServer> _servers = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }
    }

    private async Task<(RecordingReceiver Receiver, int Port)> StartAsync(bool thrift = false)
    {
        var receiver = new RecordingReceiver();
        var options = new RpcServerOptions { Bind = "127.0.0.1", Port = 0 };
        var server = thrift
            ? ThriftRpc.CreateServer("test thrift", options, receiver, NullLoggerFactory.Instance)
            : AvroRpc.CreateServer("test avro", options, receiver, NullLoggerFactory.Instance);
        await server.StartAsync(CancellationToken.None);
        _servers.Add(server);
        return (receiver, server.LocalEndPoint.Port);
    }

    private static List<FlumeEvent> Events(int count) =>
        Enumerable.Range(0, count).Select(i => FlumeEvent.FromText(i.ToString(CultureInfo.InvariantCulture))).ToList();

    [Fact]
    public async Task Failover_properties_skip_a_dead_host_and_deliver_everything_to_the_live_one()
    {
        var (live, port) = await StartAsync();
        using var dead = new ClosedPort();
        var properties = new Dictionary<string, string>
        {
            ["client.type"] = "default_failover",
            ["hosts"] = "h1 h2",
            ["hosts.h1"] = dead.HostAndPort,
            ["hosts.h2"] = $"127.0.0.1:{port}",
            ["batch-size"] = "10",
            ["connect-timeout"] = "2000",
        };
        await using var client = RpcClients.Create(properties);

        await client.AppendBatchAsync(Events(35));

        Assert.Equal(35, live.Events.Count);
        Assert.Equal([10, 10, 10, 5], live.BatchSizes);
    }

    [Fact]
    public async Task Load_balancing_properties_spread_batches_over_live_hosts()
    {
        var (first, port1) = await StartAsync();
        var (second, port2) = await StartAsync();
        var properties = new Dictionary<string, string>
        {
            ["client.type"] = "default_loadbalance",
            ["hosts"] = "h1 h2",
            ["hosts.h1"] = $"127.0.0.1:{port1}",
            ["hosts.h2"] = $"127.0.0.1:{port2}",
            ["host-selector"] = "round_robin",
        };
        await using var client = RpcClients.Create(properties);

        for (var i = 0; i < 10; i++)
        {
            await client.AppendBatchAsync(Events(10));
        }

        Assert.Equal(50, first.Events.Count);
        Assert.Equal(50, second.Events.Count);
    }

    [Fact]
    public async Task Thrift_client_type_speaks_thrift()
    {
        var (receiver, port) = await StartAsync(thrift: true);
        var properties = new Dictionary<string, string>
        {
            ["client.type"] = "thrift",
            ["hosts"] = "h1",
            ["hosts.h1"] = $"127.0.0.1:{port}",
        };
        await using var client = RpcClients.Create(properties);

        await client.AppendAsync(FlumeEvent.FromText("over thrift"));

        Assert.Equal("over thrift", System.Text.Encoding.UTF8.GetString(Assert.Single(receiver.Events).Body.Span));
    }

    [Fact]
    public async Task A_non_OK_status_is_a_delivery_failure_for_the_batch()
    {
        var (receiver, port) = await StartAsync();
        receiver.Status = EventStatus.Failed;
        var options = new RpcClientOptions();
        options.Hosts.Add(new RpcHost("h1", "127.0.0.1", port));
        await using var client = RpcClients.Create(options);

        var error = await Assert.ThrowsAsync<EventDeliveryException>(async () => await client.AppendBatchAsync(Events(3)));
        Assert.Contains($"127.0.0.1:{port}", error.Message, StringComparison.Ordinal);
    }
}
