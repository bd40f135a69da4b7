using System.Net;
using System.Net.Sockets;

namespace Flume.Logging.Relay.Sinks.Hdfs;

/// <summary>
/// What <c>%[localhost]</c>, <c>%[IP]</c> and <c>%[FQDN]</c> stand for: the agent's host name, the address that
/// name resolves to, and the canonical name of that host, as Java's <c>InetAddress.getLocalHost()</c> gives them.
/// </summary>
/// <param name="LocalHost">The host name (<c>%[localhost]</c>).</param>
/// <param name="Ip">The host's address (<c>%[IP]</c>).</param>
/// <param name="Fqdn">The host's canonical, fully qualified name (<c>%[FQDN]</c>).</param>
internal sealed record HostNames(string LocalHost, string Ip, string Fqdn)
{
    /// <summary>
    /// Looks the names up once: they do not change while the agent runs, and a lookup per event would put DNS on
    /// the write path. Falls back to the host name and loopback when the name does not resolve, as the names must
    /// not stop the sink from starting.
    /// </summary>
    public static HostNames Resolve()
    {
        var hostName = Dns.GetHostName();
        try
        {
            var entry = Dns.GetHostEntry(hostName);
            var address = entry.AddressList.FirstOrDefault(a => a.AddressFamily == AddressFamily.InterNetwork)
                ?? entry.AddressList.FirstOrDefault()
                ?? IPAddress.Loopback;
            return new HostNames(hostName, address.ToString(), entry.HostName);
        }
        catch (SocketException)
        {
            return new HostNames(hostName, IPAddress.Loopback.ToString(), hostName);
        }
    }
}
