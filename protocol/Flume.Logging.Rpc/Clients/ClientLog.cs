using Microsoft.Extensions.Logging;

namespace Flume.Logging.Rpc.Clients;

/// <summary>Log lines of the failover and load-balancing clients.</summary>
internal static partial class ClientLog
{
    [LoggerMessage(EventId = 1, Level = LogLevel.Warning, Message = "RPC host {Host} failed ({Failures} in a row) and is skipped for {BackoffSeconds} s: {Cause}")]
    internal static partial void HostBackedOff(ILogger logger, RpcHost host, int failures, double backoffSeconds, string cause, Exception exception);

    [LoggerMessage(EventId = 2, Level = LogLevel.Warning, Message = "RPC host {Host} failed and stays in rotation (backoff is off): {Cause}")]
    internal static partial void HostFailed(ILogger logger, RpcHost host, string cause, Exception exception);

    [LoggerMessage(EventId = 3, Level = LogLevel.Information, Message = "RPC host {Host} is used again: it accepted events after {Failures} failure(s)")]
    internal static partial void HostRecovered(ILogger logger, RpcHost host, int failures);

    [LoggerMessage(EventId = 4, Level = LogLevel.Debug, Message = "Closing the client of RPC host {Host} failed")]
    internal static partial void CloseFailed(ILogger logger, RpcHost host, Exception exception);
}
