using System.Globalization;

namespace Flume.Logging.Hdfs.Config;

/// <summary>
/// Turns an <c>hdfs://</c> URI into NameNode addresses the way Hadoop's client does: a host that names one of
/// <c>dfs.nameservices</c> is a logical nameservice whose NameNodes come from <c>dfs.ha.namenodes.&lt;ns&gt;</c> and
/// <c>dfs.namenode.rpc-address.&lt;ns&gt;.&lt;nn&gt;</c>; any other host is one NameNode, port 8020 unless given.
/// </summary>
internal static class HdfsTargetResolver
{
    /// <summary>The NameNode RPC port when a URI names none (Hadoop's <c>DFS_NAMENODE_RPC_PORT_DEFAULT</c>).</summary>
    public const int DefaultPort = 8020;

    /// <summary>Resolves <paramref name="uri"/>, or <c>fs.defaultFS</c> when it is null.</summary>
    public static HdfsTarget Resolve(Uri? uri, HadoopConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        uri ??= configuration.Get("fs.defaultFS") is { } defaultFs
            ? new Uri(defaultFs)
            : throw new ArgumentException("No hdfs:// URI was given and the Hadoop configuration has no fs.defaultFS.", nameof(uri));
        if (uri.Scheme != "hdfs" || uri.Host.Length == 0)
        {
            throw new ArgumentException($"'{uri}' is not an hdfs://host[:port]/ URI.", nameof(uri));
        }

        var useHostname = bool.TryParse(configuration.Get("dfs.client.use.datanode.hostname"), out var parsed) && parsed;
        var host = uri.IdnHost;
        if (uri.IsDefaultPort && configuration.GetList("dfs.nameservices").Contains(host, StringComparer.Ordinal))
        {
            return new HdfsTarget(NameServiceAddresses(host, configuration), useHostname);
        }

        return new HdfsTarget([new NameNodeAddress(host, uri.IsDefaultPort ? DefaultPort : uri.Port)], useHostname);
    }

    private static List<NameNodeAddress> NameServiceAddresses(string nameService, HadoopConfiguration configuration)
    {
        var nameNodes = configuration.GetList($"dfs.ha.namenodes.{nameService}");
        var keys = nameNodes.Count == 0
            ? [$"dfs.namenode.rpc-address.{nameService}"]
            : nameNodes.Select(nn => $"dfs.namenode.rpc-address.{nameService}.{nn}").ToList();
        return keys.Select(key => ParseAddress(configuration.Get(key)
            ?? throw new ArgumentException($"The Hadoop configuration names nameservice '{nameService}' but has no {key}."), key)).ToList();
    }

    private static NameNodeAddress ParseAddress(string value, string key)
    {
        var colon = value.LastIndexOf(':');
        if (colon <= 0)
        {
            return new NameNodeAddress(value, DefaultPort);
        }

        if (!int.TryParse(value.AsSpan(colon + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
        {
            throw new ArgumentException($"{key} = '{value}' is not host:port.");
        }

        return new NameNodeAddress(value[..colon], port);
    }
}
