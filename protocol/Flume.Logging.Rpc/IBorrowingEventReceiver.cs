namespace Flume.Logging.Rpc;

/// <summary>
/// A receiver that can take events whose bodies are borrowed from the server's pooled request buffer
/// (<see cref="Protocol.EventBuffer"/>) instead of copied: everything it hands them to either is done with them when
/// its call returns, or retains the buffer for as long as it keeps them (the relay's memory channel).
/// </summary>
internal interface IBorrowingEventReceiver : IEventReceiver
{
    /// <summary>Whether the next request's events may borrow their bodies; asked once per request.</summary>
    bool AcceptsBorrowedBodies { get; }
}
