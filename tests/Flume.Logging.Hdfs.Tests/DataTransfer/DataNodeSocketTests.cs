using System.Net;
using Flume.Logging.Hdfs.DataTransfer;
using Flume.Logging.Hdfs.Protos;

namespace Flume.Logging.Hdfs.Tests.DataTransfer;

public sealed class DataNodeSocketTests
{
    private static readonly DatanodeInfoProto Node = new()
    {
        Id = new DatanodeIDProto { IpAddr = "10.1.2.3", HostName = "dn3.cluster.internal", DatanodeUuid = "u", XferPort = 9866, InfoPort = 0, IpcPort = 0 },
    };

    [Fact]
    public void A_DataNode_is_reached_by_the_IP_it_reports_unless_host_names_are_asked_for()
    {
        Assert.Equal(new IPEndPoint(IPAddress.Parse("10.1.2.3"), 9866), DataNodeSocket.EndPoint(Node, useHostname: false));
        Assert.Equal(new DnsEndPoint("dn3.cluster.internal", 9866), DataNodeSocket.EndPoint(Node, useHostname: true));
    }
}
