namespace Flume.Logging.Rpc.Tests.Transport;

/// <summary>Counts what a server reports about its connections.</summary>
internal sealed class CountingObserver : IConnectionObserver
{
    private int _opened;
    private int _closed;
    private int _refused;
    private int _timedOut;

    public int Opened => Volatile.Read(ref _opened);

    public int Closed => Volatile.Read(ref _closed);

    public int Refused => Volatile.Read(ref _refused);

    public int TimedOut => Volatile.Read(ref _timedOut);

    public void ConnectionOpened() => Interlocked.Increment(ref _opened);

    public void ConnectionClosed() => Interlocked.Increment(ref _closed);

    public void InputRejected()
    {
        // Not what these tests look at.
    }

    public void ConnectionRefused() => Interlocked.Increment(ref _refused);

    public void ConnectionTimedOut() => Interlocked.Increment(ref _timedOut);
}
