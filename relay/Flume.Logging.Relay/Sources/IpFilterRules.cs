using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Flume.Logging.Relay.Config;

namespace Flume.Logging.Relay.Sources;

/// <summary>
/// The avro source's <c>ipFilterRules</c>, as Flume reads them into Netty's PatternRules:
/// <c>allow|deny:ip|name:pattern</c>, comma-separated, where <c>*</c> matches any run of characters and <c>?</c>
/// one. The first rule matching the peer decides; a peer no rule matches is allowed (Netty's IpFilterRuleHandler).
/// An <c>ip</c> pattern matches the peer's address text, a <c>name</c> pattern its reverse-DNS name (the address
/// text when there is none), and <c>name:localhost</c> any address of this host.
/// </summary>
internal sealed class IpFilterRules
{
    private readonly Rule[] _rules;
    private readonly Func<IPAddress, CancellationToken, ValueTask<string>> _hostName;

    private IpFilterRules(Rule[] rules, Func<IPAddress, CancellationToken, ValueTask<string>> hostName)
    {
        _rules = rules;
        _hostName = hostName;
    }

    /// <summary>
    /// Reads <c>ipFilter</c> (default false) and <c>ipFilterRules</c> (required when it is true); null when filtering
    /// is off. Errors name the key and the rule.
    /// </summary>
    public static IpFilterRules? From(ComponentContext properties, Func<IPAddress, CancellationToken, ValueTask<string>>? hostName = null)
    {
        ArgumentNullException.ThrowIfNull(properties);
        if (!properties.GetBoolean("ipFilter", false))
        {
            return null;
        }

        var text = properties.GetString("ipFilterRules");
        properties.Require(!string.IsNullOrWhiteSpace(text), "ipFilterRules", "is required when ipFilter = true");
        var rules = new List<Rule>();
        foreach (var rule in text!.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = rule.Split(':', 3);
            properties.Require(
                parts.Length == 3 && parts[0] is "allow" or "deny" && parts[1] is "ip" or "name" && parts[2].Length > 0,
                "ipFilterRules",
                $"rule '{rule}' is not allow|deny:ip|name:pattern");
            rules.Add(new Rule(parts[0] == "allow", parts[1] == "name", parts[2]));
        }

        return new IpFilterRules([.. rules], hostName ?? ReverseLookupAsync);
    }

    /// <summary>Whether <paramref name="peer"/> may connect: the first matching rule's verdict, or allowed.</summary>
    public async ValueTask<bool> AllowsAsync(IPAddress peer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(peer);
        if (peer.IsIPv4MappedToIPv6)
        {
            peer = peer.MapToIPv4();
        }

        string? name = null;
        foreach (var rule in _rules)
        {
            bool matches;
            if (!rule.ByName)
            {
                matches = rule.Pattern.IsMatch(peer.ToString());
            }
            else if (rule.Localhost)
            {
                matches = IsLocalAddress(peer);
            }
            else
            {
                name ??= await _hostName(peer, cancellationToken);
                matches = rule.Pattern.IsMatch(name);
            }

            if (matches)
            {
                return rule.Allow;
            }
        }

        return true;
    }

    private static async ValueTask<string> ReverseLookupAsync(IPAddress peer, CancellationToken cancellationToken)
    {
        try
        {
            return (await Dns.GetHostEntryAsync(peer.ToString(), cancellationToken)).HostName;
        }
        catch (SocketException)
        {
            // Java's getHostName gives the address text when the lookup fails; so do we.
            return peer.ToString();
        }
    }

    private static bool IsLocalAddress(IPAddress peer) =>
        IPAddress.IsLoopback(peer)
        || NetworkInterface.GetAllNetworkInterfaces()
            .SelectMany(i => i.GetIPProperties().UnicastAddresses)
            .Any(a => a.Address.Equals(peer));

    private sealed class Rule
    {
        public Rule(bool allow, bool byName, string pattern)
        {
            Allow = allow;
            ByName = byName;
            Localhost = byName && pattern == "localhost";

            // Netty's PatternRule: '.' literal, '*' any run, '?' one character, anchored.
            var regex = "^" + Regex.Escape(pattern).Replace(@"\*", ".*", StringComparison.Ordinal).Replace(@"\?", ".", StringComparison.Ordinal) + "$";
            Pattern = new Regex(regex, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1));
        }

        public bool Allow { get; }

        public bool ByName { get; }

        public bool Localhost { get; }

        public Regex Pattern { get; }
    }
}
