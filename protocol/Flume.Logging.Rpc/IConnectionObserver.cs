namespace Flume.Logging.Rpc;

/// <summary>
/// Told about a server's connections, for metrics (Flume's <c>OpenConnectionCount</c> and <c>EventReadFail</c>).
/// Called on the connection's own task, so implementations must be thread-safe and quick; they must not throw.
/// </summary>
public interface IConnectionObserver
{
    /// <summary>A connection was accepted and is about to be served.</summary>
    void ConnectionOpened();

    /// <summary>A connection that was reported opened has closed, for whatever reason.</summary>
    void ConnectionClosed();

    /// <summary>A peer sent input that could not be decoded (a bad or oversized frame), and its connection is being closed.</summary>
    void InputRejected();

    /// <summary>A connection was closed at accept because <see cref="ConnectionLimits.MaxConnections"/> were open.</summary>
    void ConnectionRefused();

    /// <summary>A connection was closed for being idle or too slow (<see cref="ConnectionLimits"/>).</summary>
    void ConnectionTimedOut();
}
