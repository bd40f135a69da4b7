using System.Net;
using System.Net.Sockets;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Agent;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Relay.Interceptors;

/// <summary>
/// Flume's <c>host</c> interceptor: sets a header (<c>hostHeader</c>, default <c>host</c>) to this host's IP
/// address (<c>useIP</c>, default true) or canonical host name; with <c>preserveExisting</c> an existing header is
/// kept. The host is resolved once, at build; if it cannot be resolved no header is set, as in Flume.
/// </summary>
internal sealed class HostInterceptor(string hostHeader, bool preserveExisting, string? host) : IInterceptor
{
    /// <summary>Flume's builder class name, accepted as a type so Flume configurations work unchanged.</summary>
    public const string BuilderClass = "org.apache.flume.interceptor.HostInterceptor$Builder";

    /// <summary>The value this interceptor sets, or null when the local host could not be resolved.</summary>
    public string? Host => host;

    /// <summary>Builds the interceptor from <c>hostHeader</c>, <c>useIP</c> and <c>preserveExisting</c>.</summary>
    public static HostInterceptor Create(InterceptorBuildContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var properties = context.Properties;
        var hostHeader = properties.GetString("hostHeader", "host");
        var useIp = properties.GetBoolean("useIP", true);
        string? host;
        try
        {
            host = LocalHost(useIp);
        }
        catch (SocketException e)
        {
            InterceptorLog.HostUnresolved(
                context.Services.LoggerFactory.CreateLogger<HostInterceptor>(), InterceptorRegex.Describe(properties), e.Message, hostHeader);
            host = null;
        }

        return new(hostHeader, properties.GetBoolean("preserveExisting", false), host);
    }

    /// <summary>
    /// This host's address (IPv4 preferred, as Java's <c>InetAddress.getLocalHost()</c>) or its canonical name.
    /// </summary>
    /// <exception cref="SocketException">The host name does not resolve.</exception>
    internal static string LocalHost(bool useIp)
    {
        var name = Dns.GetHostName();
        if (!useIp)
        {
            return Dns.GetHostEntry(name).HostName;
        }

        var addresses = Dns.GetHostAddresses(name);
        foreach (var address in addresses)
        {
            if (address.AddressFamily == AddressFamily.InterNetwork)
            {
                return address.ToString();
            }
        }

        return addresses.Length > 0
            ? addresses[0].ToString()
            : throw new SocketException((int)SocketError.HostNotFound);
    }

    /// <inheritdoc />
    public FlumeEvent? Intercept(FlumeEvent flumeEvent)
    {
        ArgumentNullException.ThrowIfNull(flumeEvent);
        if (host is null)
        {
            return flumeEvent;
        }

        var headers = flumeEvent.Headers;
        if (!preserveExisting || !headers.ContainsKey(hostHeader))
        {
            headers[hostHeader] = host;
        }

        return flumeEvent;
    }
}
