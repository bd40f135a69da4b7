namespace Flume.Logging.Hdfs.Ipc;

/// <summary>
/// The connection to a Hadoop server failed or was closed, so the call's outcome is unknown unless
/// <see cref="RequestSent"/> is false. The next call opens a new connection.
/// </summary>
internal sealed class HdfsConnectionException : IOException
{
    public HdfsConnectionException(string message, bool requestSent, Exception? innerException = null)
        : base(message, innerException)
    {
        RequestSent = requestSent;
    }

    /// <summary>
    /// False when the request never left this client (connect failed, or the connection was already broken): the
    /// server certainly did not act on it.
    /// </summary>
    public bool RequestSent { get; }
}
