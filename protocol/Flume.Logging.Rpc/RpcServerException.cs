namespace Flume.Logging.Rpc;

/// <summary>An RPC server could not start, for example because its port is already in use.</summary>
public sealed class RpcServerException : Exception
{
    /// <summary>Creates the exception with a message naming the address and the cause.</summary>
    public RpcServerException(string message, Exception? innerException = null)
        : base(message, innerException)
    {
    }
}
