using System.Net;
using Flume.Logging.Relay.Config;
using Flume.Logging.Relay.Sources;

namespace Flume.Logging.Relay.Tests.Sources;

public sealed class IpFilterRulesTests
{
    private static IpFilterRules? Rules(string? rules, bool enabled = true, string hostName = "client.example.com")
    {
        var properties = new Dictionary<string, string> { ["ipFilter"] = enabled ? "true" : "false" };
        if (rules is not null)
        {
            properties["ipFilterRules"] = rules;
        }

        return IpFilterRules.From(new ComponentContext("r1", "a1.sources.r1.", properties), (_, _) => ValueTask.FromResult(hostName));
    }

    private static async Task<bool> AllowsAsync(IpFilterRules rules, string address) =>
        await rules.AllowsAsync(IPAddress.Parse(address), CancellationToken.None);

    [Fact]
    public async Task The_first_matching_rule_decides()
    {
        var rules = Rules("allow:ip:127.*,deny:ip:*")!;

        Assert.True(await AllowsAsync(rules, "127.0.0.1"));
        Assert.False(await AllowsAsync(rules, "10.1.2.3"));
        Assert.False(await AllowsAsync(Rules("deny:ip:127.*,allow:ip:*")!, "127.0.0.1"));
    }

    [Fact]
    public async Task The_guides_localhost_examples_allow_or_deny_this_host_and_the_reverse_for_others()
    {
        var allowLocal = Rules("allow:name:localhost,deny:ip:*")!;
        var denyLocal = Rules("deny:name:localhost,allow:ip:*")!;

        Assert.True(await AllowsAsync(allowLocal, "127.0.0.1"));
        Assert.False(await AllowsAsync(allowLocal, "192.0.2.7"));
        Assert.False(await AllowsAsync(denyLocal, "127.0.0.1"));
        Assert.True(await AllowsAsync(denyLocal, "192.0.2.7"));
    }

    [Fact]
    public async Task A_name_pattern_matches_the_peers_reverse_dns_name_with_wildcards()
    {
        Assert.False(await AllowsAsync(Rules("deny:name:*.example.com")!, "192.0.2.7"));
        Assert.True(await AllowsAsync(Rules("deny:name:*.example.org")!, "192.0.2.7"));
        Assert.False(await AllowsAsync(Rules("deny:name:client.example.co?")!, "192.0.2.7"));
    }

    [Fact]
    public async Task A_dot_is_literal_and_a_peer_no_rule_matches_is_allowed_as_in_Netty()
    {
        var rules = Rules("deny:ip:10.0.0.1")!;

        Assert.False(await AllowsAsync(rules, "10.0.0.1"));
        Assert.True(await AllowsAsync(rules, "10.0.0.11"));
        Assert.True(await AllowsAsync(rules, "10.0.0.2"));
        Assert.True(await AllowsAsync(Rules("deny:ip:1.2.3.4")!, "::ffff:10.0.0.1"));
        Assert.False(await AllowsAsync(Rules("deny:ip:10.*")!, "::ffff:10.0.0.1"));
    }

    [Fact]
    public void Filtering_is_off_by_default_and_on_without_rules_is_refused_naming_the_key()
    {
        Assert.Null(Rules("deny:ip:*", enabled: false));

        var missing = Assert.Throws<ConfigurationException>(() => Rules(null));
        Assert.Contains("ipFilterRules", missing.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("permit:ip:*")]
    [InlineData("allow:host:*")]
    [InlineData("allow:ip")]
    [InlineData("allow:ip:")]
    public void A_malformed_rule_is_refused_naming_it(string rule)
    {
        var error = Assert.Throws<ConfigurationException>(() => Rules($"allow:ip:127.*,{rule}"));

        Assert.Contains(rule, error.Message, StringComparison.Ordinal);
    }
}
