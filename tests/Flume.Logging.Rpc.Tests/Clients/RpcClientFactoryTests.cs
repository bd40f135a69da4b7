using Flume.Logging.Rpc.Clients;
using Flume.Logging.Testing;
using Microsoft.Extensions.Time.Testing;

namespace Flume.Logging.Rpc.Tests.Clients;

public sealed class RpcClientFactoryTests
{
    [Theory]
    [InlineData(RpcClientType.Default)]
    [InlineData(RpcClientType.Thrift)]
    public async Task Single_host_types_return_the_host_client_itself(RpcClientType type)
    {
        var hosts = new FakeHosts("only");

        await using var client = RpcClientFactory.Create(hosts.Options(type), hosts.Factory, new CapturingLoggerFactory(), new FakeTimeProvider(), new Random(1));

        Assert.Same(hosts.Latest("only"), client);
    }

    [Fact]
    public async Task Failover_type_returns_a_failover_client_creating_no_host_client_yet()
    {
        var hosts = new FakeHosts("h1", "h2");

        await using var client = RpcClientFactory.Create(hosts.Options(RpcClientType.DefaultFailover), hosts.Factory, new CapturingLoggerFactory(), new FakeTimeProvider(), new Random(1));

        Assert.IsType<FailoverRpcClient>(client);
        Assert.Empty(hosts.Created("h1"));
    }

    [Fact]
    public async Task Load_balance_type_returns_a_load_balancing_client_with_the_options_batch_size()
    {
        var hosts = new FakeHosts("h1", "h2");

        await using var client = RpcClientFactory.Create(
            hosts.Options(RpcClientType.DefaultLoadBalance, o => o.BatchSize = 17), hosts.Factory, new CapturingLoggerFactory(), new FakeTimeProvider(), new Random(1));

        Assert.IsType<LoadBalancingRpcClient>(client);
        Assert.Equal(17, client.BatchSize);
    }

    [Fact]
    public void Invalid_options_are_rejected_before_any_client_is_made()
    {
        var hosts = new FakeHosts("h1", "h2");

        var error = Assert.Throws<ArgumentException>(() => RpcClientFactory.Create(
            hosts.Options(RpcClientType.Default), hosts.Factory, new CapturingLoggerFactory(), new FakeTimeProvider(), new Random(1)));

        Assert.StartsWith("hosts:", error.Message, StringComparison.Ordinal);
        Assert.Empty(hosts.Created("h1"));
    }
}
