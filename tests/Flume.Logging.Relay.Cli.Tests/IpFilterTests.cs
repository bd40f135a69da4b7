using Flume.Logging.Protocol;
using Flume.Logging.Rpc;
using Flume.Logging.Testing;

namespace Flume.Logging.Relay.Cli.Tests;

/// <summary>The avro source's ipFilterRules on a running relay, from a client on 127.0.0.1.</summary>
public sealed class IpFilterTests
{
    private static string Config(string rules) => $"""
        {RelayConfigs.AvroSource()}
        a1.sources.r1.ipFilter = true
        a1.sources.r1.ipFilterRules = {rules}
        a1.channels.c1.type = memory
        a1.sinks.k1.type = logger
        a1.sinks.k1.channel = c1
        """;

    private static async Task AppendAsync(int port, string body)
    {
        var options = new RpcClientOptions { ConnectTimeout = TimeSpan.FromSeconds(5), RequestTimeout = TimeSpan.FromSeconds(5) };
        options.Hosts.Add(new RpcHost("relay", "127.0.0.1", port));
        await using var client = RpcClients.Create(options);
        await client.AppendAsync(FlumeEvent.FromText(body));
    }

    [Fact]
    public async Task The_guides_allow_localhost_rule_serves_a_local_client()
    {
        using var relay = await RelayProcess.StartRunningAsync(Config("allow:name:localhost,deny:ip:*"));
        var port = await relay.ListeningPortAsync("r1");

        await AppendAsync(port, "let-in");

        await Eventually.TrueAsync(() => relay.Process.CountLines("let-in") == 1, "the event logged");
    }

    [Fact]
    public async Task A_deny_rule_matching_first_closes_the_client_unserved_logs_it_and_the_client_error_suggests_it()
    {
        using var relay = await RelayProcess.StartRunningAsync(Config("deny:ip:127.*,allow:ip:*"));
        var port = await relay.ListeningPortAsync("r1");

        var error = await Assert.ThrowsAsync<EventDeliveryException>(() => AppendAsync(port, "kept-out"));

        Assert.Contains("ipFilterRules deny this host", error.Message, StringComparison.Ordinal);

        await Eventually.TrueAsync(() => relay.Process.CountLines("denied by ipFilterRules") >= 1, "the denial logged");
        Assert.Equal(0, relay.Process.CountLines("kept-out"));
    }
}
