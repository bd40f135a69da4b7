namespace Flume.Logging.Rpc.Tests.Transport;

/// <summary>The answers a <see cref="ScriptedClient"/> gives to SingleHostRpcClient's behaviour switches.</summary>
[Flags]
internal enum ScriptedTraits
{
    None = 0,
    HoldsGateAcrossBatch = 1,
    UseAfterDisposeIsDeliveryFailure = 2,
    OpensSessionWithinConnectTimeout = 4,
    ClosesIdleConnectionGracefully = 8,
}
