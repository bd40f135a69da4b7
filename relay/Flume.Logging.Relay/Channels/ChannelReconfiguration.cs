namespace Flume.Logging.Relay.Channels;

/// <summary>New settings a running channel validated and has not applied yet (see <see cref="IReconfigurableChannel"/>).</summary>
/// <param name="TransactionCapacity">The transaction capacity once applied, for the reload's batch size check.</param>
/// <param name="Apply">Puts the settings in effect; the events held stay.</param>
internal sealed record ChannelReconfiguration(int TransactionCapacity, Action Apply);
