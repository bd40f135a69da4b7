namespace Flume.Logging.Relay.Cli.Tools;

/// <summary>What <c>relay avro-client</c> was asked to send.</summary>
/// <param name="Host">The source's host.</param>
/// <param name="Port">The source's port.</param>
/// <param name="Files">The files to send, in order; empty to read standard input.</param>
/// <param name="HeaderFile">A properties file of headers added to every event, or null.</param>
/// <param name="Thrift">Thrift (compact) instead of Avro.</param>
/// <param name="BatchSize">Lines per <c>appendBatch</c>.</param>
internal sealed record AvroClientArguments(string Host, int Port, IReadOnlyList<string> Files, string? HeaderFile, bool Thrift, int BatchSize);
