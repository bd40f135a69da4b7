using System.Net;
using System.Net.Sockets;
using Flume.Logging.Hdfs.Protos;

namespace Flume.Logging.Hdfs.DataTransfer;

/// <summary>Connections to DataNodes' transfer ports.</summary>
internal static class DataNodeSocket
{
    /// <summary>The node's transfer address, ip:port (by IP, as clients do unless told to use host names).</summary>
    public static string Address(DatanodeInfoProto node) => $"{node.Id.IpAddr}:{node.Id.XferPort}";

    /// <summary>
    /// Where the node's transfer port is: its IP, or with <paramref name="useHostname"/> its host name
    /// (<c>dfs.client.use.datanode.hostname</c>, for clusters whose DataNodes report addresses clients cannot reach).
    /// </summary>
    public static EndPoint EndPoint(DatanodeInfoProto node, bool useHostname) => useHostname
        ? new DnsEndPoint(node.Id.HostName, (int)node.Id.XferPort)
        : new IPEndPoint(IPAddress.Parse(node.Id.IpAddr), (int)node.Id.XferPort);

    /// <summary>Connects to the node's transfer port within <paramref name="timeout"/>; Nagle off, packets are whole.</summary>
    public static async Task<Socket> ConnectAsync(DatanodeInfoProto node, bool useHostname, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        using var deadline = new SocketDeadline(timeout);
        try
        {
            await socket.ConnectAsync(EndPoint(node, useHostname), deadline.Start(cancellationToken));
            return socket;
        }
        catch (OperationCanceledException e)
        {
            socket.Dispose();
            throw deadline.Translate(e, $"connecting to {Address(node)}", cancellationToken);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
        finally
        {
            deadline.Stop();
        }
    }
}
