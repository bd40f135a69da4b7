namespace Flume.Logging.Rpc.Tests.Transport;

/// <summary>One request a <see cref="ScriptedClient"/> was asked to send: its first event's body, where the
/// request starts in the caller's batch, how many events it carries, and on which connection (1 = the first).</summary>
internal readonly record struct ScriptedRequest(string First, int Start, int Count, int Connection);
