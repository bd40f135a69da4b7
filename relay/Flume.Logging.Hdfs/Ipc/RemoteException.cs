using Flume.Logging.Hdfs.Protos;

namespace Flume.Logging.Hdfs.Ipc;

/// <summary>
/// A call the server answered with an error: the Java exception it threw, by class name, and its message. The
/// connection stays usable (a fatal answer closes it and surfaces as <see cref="HdfsConnectionException"/>).
/// </summary>
internal sealed class RemoteException : IOException
{
    public RemoteException(string className, string message, RpcResponseHeaderProto.Types.RpcErrorCodeProto errorCode)
        : base($"{className}: {message}")
    {
        ClassName = className;
        ServerMessage = message;
        ErrorCode = errorCode;
    }

    /// <summary>The server's Java exception class, e.g. <c>java.io.FileNotFoundException</c>.</summary>
    public string ClassName { get; }

    /// <summary>The server's exception message (often with a stack trace).</summary>
    public string ServerMessage { get; }

    /// <summary>Hadoop's error code: an application exception, or no such method or protocol.</summary>
    public RpcResponseHeaderProto.Types.RpcErrorCodeProto ErrorCode { get; }

    /// <summary>The NameNode is a standby in an HA pair: the call was not executed, try the other NameNode.</summary>
    public bool IsStandby => ClassName == HadoopExceptionNames.Standby;

    public bool IsFileNotFound => ClassName == HadoopExceptionNames.FileNotFound;

    public bool IsFileAlreadyExists => ClassName == HadoopExceptionNames.FileAlreadyExists;

    /// <summary>Another client holds the file's lease.</summary>
    public bool IsAlreadyBeingCreated => ClassName == HadoopExceptionNames.AlreadyBeingCreated;

    /// <summary>The server asks to try the same call again later.</summary>
    public bool IsRetriable => ClassName == HadoopExceptionNames.Retriable;

    /// <summary>The NameNode is read-only while it starts up or an operator holds it in safe mode.</summary>
    public bool IsSafeMode => ClassName == HadoopExceptionNames.SafeMode;

    /// <summary>This client no longer holds the lease on the file (it expired or was recovered by another).</summary>
    public bool IsLeaseExpired => ClassName == HadoopExceptionNames.LeaseExpired;

    /// <summary>Lease recovery of the file is running; try again once it finished.</summary>
    public bool IsRecoveryInProgress => ClassName == HadoopExceptionNames.RecoveryInProgress;
}
