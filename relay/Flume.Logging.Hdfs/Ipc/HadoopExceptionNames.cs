namespace Flume.Logging.Hdfs.Ipc;

/// <summary>
/// The Java class names a Hadoop server puts in <c>RpcResponseHeaderProto.exceptionClassName</c> that a client acts
/// on; shared by the client's checks and the test NameNode's answers so both spell them the same way.
/// </summary>
internal static class HadoopExceptionNames
{
    public const string Standby = "org.apache.hadoop.ipc.StandbyException";
    public const string Retriable = "org.apache.hadoop.ipc.RetriableException";
    public const string NoSuchMethod = "org.apache.hadoop.ipc.RpcNoSuchMethodException";
    public const string FileNotFound = "java.io.FileNotFoundException";
    public const string IO = "java.io.IOException";
    public const string FileAlreadyExists = "org.apache.hadoop.fs.FileAlreadyExistsException";
    public const string ParentNotDirectory = "org.apache.hadoop.fs.ParentNotDirectoryException";
    public const string PathIsNotEmptyDirectory = "org.apache.hadoop.fs.PathIsNotEmptyDirectoryException";
    public const string InvalidPath = "org.apache.hadoop.fs.InvalidPathException";
    public const string AlreadyBeingCreated = "org.apache.hadoop.hdfs.protocol.AlreadyBeingCreatedException";
    public const string RecoveryInProgress = "org.apache.hadoop.hdfs.protocol.RecoveryInProgressException";
    public const string SafeMode = "org.apache.hadoop.hdfs.server.namenode.SafeModeException";
    public const string LeaseExpired = "org.apache.hadoop.hdfs.server.namenode.LeaseExpiredException";
    public const string AccessControl = "org.apache.hadoop.security.AccessControlException";
}
