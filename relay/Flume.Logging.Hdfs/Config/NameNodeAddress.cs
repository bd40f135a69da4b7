namespace Flume.Logging.Hdfs.Config;

/// <summary>The RPC address of one NameNode.</summary>
internal sealed record NameNodeAddress(string Host, int Port)
{
    public override string ToString() => $"{Host}:{Port}";
}
