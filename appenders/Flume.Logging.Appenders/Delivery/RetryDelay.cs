using Flume.Logging.Rpc;

namespace Flume.Logging.Appenders.Delivery;

/// <summary>
/// How long the loop waits after a failed send: exactly what the client's host backoff says (1 s, doubling per failure
/// in a row up to MaxBackoff), so there is one retry schedule. The appender's client always reports it; the fixed
/// delay covers only a client that does not (a test's), and the floor keeps a client that says zero from spinning.
/// </summary>
internal static class RetryDelay
{
    /// <summary>Used when the failure says nothing about when to retry: Flume's first host backoff.</summary>
    internal static readonly TimeSpan Unknown = TimeSpan.FromSeconds(1);

    private static readonly TimeSpan Floor = TimeSpan.FromMilliseconds(10);

    public static TimeSpan After(Exception failure) =>
        failure is EventDeliveryException { RetryAfter: { } retryAfter }
            ? (retryAfter > Floor ? retryAfter : Floor)
            : Unknown;
}
