using System.Text;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Config;
using Flume.Logging.Rpc;

namespace Flume.Logging.Relay.Cli.Tools;

/// <summary>
/// <c>relay avro-client</c>, Flume's <c>flume-ng avro-client</c>: every line of the files (or of standard input) is
/// one event whose body is the line in UTF-8 without its line break (\n, \r or \r\n, as Java's <c>readLine</c>),
/// sent in batches that never span two files. The first batch not acknowledged ends the run with exit code 1 and a
/// message naming the batch and the cause; later lines are not sent.
/// </summary>
internal static class AvroClientTool
{
    /// <summary>Exit code when a batch was not acknowledged or the input or header file could not be read.</summary>
    public const int Failed = 1;

    /// <summary>Sends everything; writes the summary or the failure to <paramref name="error"/>.</summary>
    public static async Task<int> RunAsync(AvroClientArguments arguments, Func<TextReader> openStandardInput, TextWriter error, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(openStandardInput);
        ArgumentNullException.ThrowIfNull(error);
        IDictionary<string, string> headers;
        try
        {
            headers = arguments.HeaderFile is null ? new Dictionary<string, string>(StringComparer.Ordinal) : ReadHeaders(arguments.HeaderFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or ConfigurationException)
        {
            await error.WriteLineAsync($"avro-client: cannot read header file {arguments.HeaderFile}: {e.Message}");
            return Failed;
        }

        var options = new RpcClientOptions
        {
            ClientType = arguments.Thrift ? RpcClientType.Thrift : RpcClientType.Default,
            BatchSize = arguments.BatchSize,
        };
        options.Hosts.Add(new RpcHost("h1", arguments.Host, arguments.Port));
        var client = RpcClients.Create(options);
        await using (client)
        {
            var progress = new Progress();

            // null stands for standard input.
            var sources = arguments.Files.Count == 0 ? new string?[] { null } : (IReadOnlyList<string?>)arguments.Files;
            foreach (var source in sources)
            {
                var failure = await SendSourceAsync(client, source, openStandardInput, headers, arguments.BatchSize, progress, cancellationToken);
                if (failure is not null)
                {
                    await error.WriteLineAsync($"avro-client: {failure}");
                    return Failed;
                }
            }

            await error.WriteLineAsync($"sent {progress.Events} events in {progress.Batches} batches");
            return 0;
        }
    }

    /// <summary>Reads a header file as Flume does, with java.util.Properties rules (read here as UTF-8).</summary>
    public static Dictionary<string, string> ReadHeaders(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8);
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var entry in PropertiesReader.Read(reader, path))
        {
            headers[entry.Key] = entry.Value;
        }

        return headers;
    }

    private static async Task<string?> SendSourceAsync(IRpcClient client, string? source, Func<TextReader> openStandardInput, IDictionary<string, string> headers, int batchSize, Progress progress, CancellationToken cancellationToken)
    {
        TextReader reader;
        try
        {
            reader = source is null ? openStandardInput() : new StreamReader(source, Encoding.UTF8);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return $"cannot read {source}: {e.Message}";
        }

        using (reader)
        {
            return await SendLinesAsync(client, reader, headers, batchSize, progress, cancellationToken);
        }
    }

    private static async Task<string?> SendLinesAsync(IRpcClient client, TextReader reader, IDictionary<string, string> headers, int batchSize, Progress progress, CancellationToken cancellationToken)
    {
        var batch = new List<FlumeEvent>(batchSize);
        while (true)
        {
            batch.Clear();
            while (batch.Count < batchSize && await reader.ReadLineAsync(cancellationToken) is { } line)
            {
                // One header map for every event, as Flume's client: events are only serialized, never changed.
                batch.Add(FlumeEvent.FromText(line, headers));
            }

            if (batch.Count == 0)
            {
                return null;
            }

            var number = progress.Batches + 1;
            try
            {
                await client.AppendBatchAsync(batch, cancellationToken);
            }
            catch (EventDeliveryException e)
            {
                return $"batch {number} (events {progress.Events + 1}-{progress.Events + batch.Count}) was not acknowledged: {e.Message}";
            }

            progress.Batches = number;
            progress.Events += batch.Count;
        }
    }

    private sealed class Progress
    {
        public long Events { get; set; }

        public long Batches { get; set; }
    }
}
