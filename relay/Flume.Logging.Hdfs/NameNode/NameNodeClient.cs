using System.Runtime.ExceptionServices;
using System.Security.Cryptography;
using Flume.Logging.Hdfs.Config;
using Flume.Logging.Hdfs.Ipc;
using Google.Protobuf;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flume.Logging.Hdfs.NameNode;

/// <summary>
/// Hadoop's <c>ClientProtocol</c> (version 1) to a NameNode, or to the NameNodes of an HA nameservice: a standby's
/// answer or a broken connection moves on to the next NameNode, for a bounded number of attempts. One client is one
/// lease holder (<see cref="ClientName"/>) with one client id.
/// </summary>
internal sealed partial class NameNodeClient : IAsyncDisposable
{
    /// <summary>The Java interface the NameNode serves clients on.</summary>
    public const string ProtocolName = "org.apache.hadoop.hdfs.protocol.ClientProtocol";

    /// <summary>Most pause between failover rounds (Hadoop's <c>dfs.client.failover.sleep.max.millis</c>).</summary>
    private static readonly TimeSpan MaxFailoverDelay = TimeSpan.FromSeconds(15);

    private readonly RpcClient[] _nameNodes;
    private readonly HdfsClientOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private int _active;
    private int _nextCallId;

    public NameNodeClient(IReadOnlyList<NameNodeAddress> addresses, HdfsClientOptions options, TimeProvider? timeProvider = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        ArgumentNullException.ThrowIfNull(options);
        if (addresses.Count == 0)
        {
            throw new ArgumentException("At least one NameNode address is needed.", nameof(addresses));
        }

        options.Validate();
        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
        var clientId = Guid.NewGuid().ToByteArray();
        var realUser = options.ProxyUser is null ? null : options.LoginUser;
        var settings = new RpcConnectionSettings(ByteString.CopyFrom(clientId), options.EffectiveUser, realUser, ProtocolName, ProtocolVersion: 1);
        _nameNodes = addresses
            .Select(a => new RpcClient(a.Host, a.Port, settings, options.ConnectTimeout, options.CallTimeout, _timeProvider))
            .ToArray();

        // Hadoop's writers name themselves DFSClient_<task>_<random>_<thread>; the NameNode shows it as the lease holder.
        ClientName = $"DFSClient_NONMAPREDUCE_{RandomNumberGenerator.GetInt32(int.MaxValue)}_{Environment.CurrentManagedThreadId}";
    }

    /// <summary>The lease holder name this client creates and writes files under.</summary>
    public string ClientName { get; }

    public async ValueTask DisposeAsync()
    {
        foreach (var nameNode in _nameNodes)
        {
            await nameNode.DisposeAsync();
        }
    }

    /// <summary>
    /// Calls the active NameNode, failing over on a standby's refusal or a broken connection and asking again after a
    /// pause when the NameNode answers RetriableException. Every operation here is
    /// idempotent or, in Hadoop's terms, at-most-once: a resend keeps the call id, so the NameNode's retry cache
    /// answers a create, rename or delete that already happened instead of doing it twice.
    /// </summary>
    private async Task<TResponse> InvokeAsync<TResponse>(string method, IMessage request, MessageParser<TResponse> parser, CancellationToken cancellationToken)
        where TResponse : IMessage<TResponse>
    {
        var callId = Interlocked.Increment(ref _nextCallId) & int.MaxValue;

        // A caller that gives up (its timeout) while this retries learns why the last attempt failed: the
        // cancellation carries that failure, so "took too long" can say "connection refused".
        Exception? lastFailure = null;
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                var index = Volatile.Read(ref _active);
                var nameNode = _nameNodes[index];
                try
                {
                    return await nameNode.CallAsync(method, request, parser, new CallAttempt(callId, attempt - 1), cancellationToken);
                }
                catch (RemoteException e) when (attempt < _options.MaxFailoverAttempts && e.IsRetriable && !_options.StopRetrying.IsCancellationRequested)
                {
                    // The NameNode itself asks to be asked again (e.g. still in startup safe mode): same NameNode, after a pause.
                    lastFailure = e;
                    LogRetry(method, nameNode.Host, nameNode.Port, e.Message);
                    await PauseAsync(FailoverDelay(attempt), e, cancellationToken);
                }
                catch (Exception e) when (attempt < _options.MaxFailoverAttempts && e is RemoteException { IsStandby: true } or HdfsConnectionException
                    && !_options.StopRetrying.IsCancellationRequested)
                {
                    lastFailure = e;
                    var next = (index + 1) % _nameNodes.Length;
                    Interlocked.CompareExchange(ref _active, next, index);
                    if (_nameNodes.Length == 1)
                    {
                        // Nothing to fail over to: the same NameNode again after a pause. The caller reports the
                        // outage once it gives up, so each retry is only information.
                        var delay = FailoverDelay(attempt);
                        LogCallAgain(method, nameNode.Host, nameNode.Port, e.Message, delay.TotalSeconds);
                        await PauseAsync(delay, e, cancellationToken);
                        continue;
                    }

                    LogFailover(method, nameNode.Host, nameNode.Port, e.Message, _nameNodes[next].Host, _nameNodes[next].Port);
                    if (attempt % _nameNodes.Length == 0)
                    {
                        await PauseAsync(FailoverDelay(attempt / _nameNodes.Length), e, cancellationToken);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (lastFailure is not null && cancellationToken.IsCancellationRequested)
        {
            throw new OperationCanceledException($"gave up on {method} after: {lastFailure.Message}", lastFailure, cancellationToken);
        }
    }

    /// <summary>
    /// Waits <paramref name="delay"/> before a call is tried again; when <see cref="HdfsClientOptions.StopRetrying"/>
    /// fires meanwhile, the call fails at once with <paramref name="failure"/>, the failure that made it wait.
    /// </summary>
    private async Task PauseAsync(TimeSpan delay, Exception failure, CancellationToken cancellationToken)
    {
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _options.StopRetrying);
        try
        {
            await Task.Delay(delay, _timeProvider, linked.Token);
        }
        catch (OperationCanceledException) when (_options.StopRetrying.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            ExceptionDispatchInfo.Throw(failure);
        }
    }

    /// <summary>The pause after <paramref name="round"/> rounds over every NameNode: doubling, bounded.</summary>
    private TimeSpan FailoverDelay(int round) =>
        TimeSpan.FromTicks(Math.Min(MaxFailoverDelay.Ticks, _options.FailoverDelay.Ticks << Math.Min(round - 1, 16)));

    [LoggerMessage(Level = LogLevel.Warning, Message = "NameNode call {Method} to {Host}:{Port} failed ({Reason}); trying {NextHost}:{NextPort}")]
    private partial void LogFailover(string method, string host, int port, string reason, string nextHost, int nextPort);

    [LoggerMessage(Level = LogLevel.Information, Message = "NameNode call {Method} to {Host}:{Port} failed ({Reason}); calling it again in {DelaySeconds:0.#} s")]
    private partial void LogCallAgain(string method, string host, int port, string reason, double delaySeconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "NameNode {Host}:{Port} asked to retry {Method} later ({Reason})")]
    private partial void LogRetry(string method, string host, int port, string reason);
}
