using Flume.Logging.Protocol;

namespace Flume.Logging.Relay.Interceptors;

/// <summary>
/// Inspects or rewrites events between a source and its selector, Flume's <c>Interceptor</c>. Interceptors run in
/// the order listed in <c>interceptors</c>; returning null drops the event.
/// </summary>
public interface IInterceptor
{
    /// <summary>Returns the event to pass on (the same or a new one), or null to drop it.</summary>
    FlumeEvent? Intercept(FlumeEvent flumeEvent);
}
