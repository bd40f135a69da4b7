using System.CommandLine;
using Flume.Logging.Rpc;
using Flume.Logging.Rpc.Tls;

namespace Flume.Logging.Relay.Cli.Tools;

/// <summary>The <c>avro-client</c> and <c>load</c> subcommands of <c>relay</c>.</summary>
internal static class ToolCommands
{
    /// <summary><c>relay avro-client -H host -p port [-F file | --dirname dir] [-R headerFile] [--thrift] [--batch-size N]</c>.</summary>
    public static Command AvroClient()
    {
        var command = new Command("avro-client", "Send each line of a file (or of standard input) as one event to an avro or thrift source (flume-ng avro-client).");
        var host = new Option<string>("--host", "-H") { Description = "The source's host.", Required = true };
        var port = PortOption("--port", "-p");
        var file = new Option<FileInfo?>("--filename", "-F") { Description = "The file to send; standard input when neither this nor --dirname is given." };
        var directory = new Option<DirectoryInfo?>("--dirname") { Description = "Send every file in this folder (not its subfolders), in name order." };
        var headerFile = new Option<FileInfo?>("--headerFile", "-R") { Description = "A properties file (key=value per line) of headers added to every event." };
        var thrift = new Option<bool>("--thrift") { Description = "Use Thrift (compact) instead of Avro." };
        var batchSize = PositiveOption("--batch-size", 100, "Lines per batch (Flume's RPC client default).");
        command.Options.Add(host);
        command.Options.Add(port);
        command.Options.Add(file);
        command.Options.Add(directory);
        command.Options.Add(headerFile);
        command.Options.Add(thrift);
        command.Options.Add(batchSize);
        command.Validators.Add(result =>
        {
            if (result.ValueIfParsed(file) is not null && result.ValueIfParsed(directory) is not null)
            {
                result.AddError("--filename and --dirname cannot be used together");
            }
        });
        command.SetAction((result, cancellationToken) =>
        {
            IReadOnlyList<string> files = [];
            if (result.GetValue(file) is { } single)
            {
                files = [single.FullName];
            }
            else if (result.GetValue(directory) is { } folder)
            {
                if (!folder.Exists)
                {
                    Console.Error.WriteLine($"avro-client: folder {folder.FullName} does not exist");
                    return Task.FromResult(AvroClientTool.Failed);
                }

                var names = folder.GetFiles().Select(f => f.FullName).ToList();
                names.Sort(StringComparer.Ordinal);
                files = names;
            }

            var arguments = new AvroClientArguments(
                result.GetValue(host)!,
                result.GetValue(port),
                files,
                result.GetValue(headerFile)?.FullName,
                result.GetValue(thrift),
                result.GetValue(batchSize));
            return AvroClientTool.RunAsync(arguments, () => new StreamReader(Console.OpenStandardInput(), System.Text.Encoding.UTF8), Console.Error, cancellationToken);
        });
        return command;
    }

    /// <summary><c>relay load --host H --port P [--protocol avro|thrift|syslog|http] [--events N | --duration S] ...</c>.</summary>
    public static Command Load()
    {
        var command = new Command("load", "Generate load against an avro, thrift, syslog TCP or http source and report throughput and batch latency.");
        var host = new Option<string>("--host", "-H") { Description = "The source's host.", Required = true };
        var port = PortOption("--port", "-p");
        var protocol = new Option<string>("--protocol") { Description = "avro, thrift (compact), syslog (newline-terminated RFC 3164 lines; --size is then the whole message) or http (JSON batches, Flume's JSONHandler).", DefaultValueFactory = _ => "avro" };
        protocol.AcceptOnlyFromAmong("avro", "thrift", "syslog", "http");
        var events = new Option<long?>("--events") { Description = "Events to send. Default: 100000 when --duration is not given." };
        var duration = new Option<double?>("--duration") { Description = "Seconds to keep starting batches." };
        var size = new Option<int>("--size") { Description = "Body bytes per event.", DefaultValueFactory = _ => 100 };
        var batch = PositiveOption("--batch", 100, "Events per batch.");
        var connections = PositiveOption("--connections", 4, "Connections, each with one batch in flight.");
        var rate = new Option<double?>("--rate") { Description = "Cap on the total events per second, spread evenly. Default: no cap." };
        var jsonOption = new Option<bool>("--json") { Description = "Print one JSON object as the last line of output, and no progress line." };
        var compression = new Option<string>("--compression") { Description = "none or deflate (avro only).", DefaultValueFactory = _ => "none" };
        compression.AcceptOnlyFromAmong("none", "deflate");
        var headers = new Option<int>("--headers") { Description = "Small headers per event (h0=v0, h1=v1, ...)." };
        var attempts = PositiveOption("--attempts", 5, "Attempts per batch before it counts as failed.");
        var retryBackoff = new Option<int>("--retry-backoff") { Description = "Milliseconds to wait after a failed attempt, doubled after each.", DefaultValueFactory = _ => 100 };
        var timeout = PositiveOption("--timeout", 20_000, "Connect and request timeout in milliseconds.");
        var ssl = new Option<bool>("--ssl") { Description = "TLS on every connection (every protocol: https for http), trusting the system's roots unless --truststore or --trust-all-certs." };
        var truststore = new Option<string?>("--truststore") { Description = "With --ssl: a PEM or PKCS12 file of the certificates that the source's chain must lead to." };
        var truststorePassword = new Option<string?>("--truststore-password") { Description = "With --truststore: the PKCS12 password." };
        var trustAll = new Option<bool>("--trust-all-certs") { Description = "With --ssl: accept any server certificate (tests and benchmarks only)." };
        foreach (var option in new Option[] { host, port, protocol, events, duration, size, batch, connections, rate, jsonOption, compression, headers, attempts, retryBackoff, timeout, ssl, truststore, truststorePassword, trustAll })
        {
            command.Options.Add(option);
        }

        command.Validators.Add(result =>
        {
            if (result.ValueIfParsed(events) is < 1)
            {
                result.AddError("--events must be at least 1");
            }

            if (result.ValueIfParsed(duration) is { } seconds && !(seconds > 0))
            {
                result.AddError("--duration must be a positive number of seconds");
            }

            if (result.GetValue(rate) is { } eps && !(eps > 0))
            {
                result.AddError("--rate must be a positive number of events per second");
            }

            if (!result.GetValue(ssl) && (result.GetValue(truststore) is not null || result.GetValue(trustAll)))
            {
                result.AddError("--truststore and --trust-all-certs need --ssl");
            }

            if (result.GetValue(size) < 0 || result.GetValue(headers) < 0 || result.GetValue(retryBackoff) < 0)
            {
                result.AddError("--size, --headers and --retry-backoff must not be negative");
            }
        });
        command.SetAction((result, _) =>
        {
            var seconds = result.GetValue(duration);
            var options = new LoadOptions
            {
                Host = result.GetValue(host)!,
                Port = result.GetValue(port),
                Thrift = result.GetValue(protocol) == "thrift",
                Syslog = result.GetValue(protocol) == "syslog",
                Http = result.GetValue(protocol) == "http",
                Events = result.GetValue(events) ?? (seconds is null ? 100_000 : null),
                Duration = seconds is { } s ? TimeSpan.FromSeconds(s) : null,
                BodySize = result.GetValue(size),
                BatchSize = result.GetValue(batch),
                Connections = result.GetValue(connections),
                Rate = result.GetValue(rate),
                Compression = result.GetValue(compression) == "deflate" ? CompressionType.Deflate : CompressionType.None,
                Headers = result.GetValue(headers),
                MaxAttempts = result.GetValue(attempts),
                RetryBackoff = TimeSpan.FromMilliseconds(result.GetValue(retryBackoff)),
                Timeout = TimeSpan.FromMilliseconds(result.GetValue(timeout)),
                Tls = result.GetValue(ssl)
                    ? new TlsOptions { Truststore = result.GetValue(truststore), TruststorePassword = result.GetValue(truststorePassword), TrustAllCerts = result.GetValue(trustAll) }
                    : null,
            };
            var json = result.GetValue(jsonOption);
            return LoadTool.RunAsync(options, json, showProgress: !json && !Console.IsErrorRedirected, Console.Out, Console.Error);
        });
        return command;
    }

    private static Option<int> PortOption(string name, string alias)
    {
        var port = new Option<int>(name, alias) { Description = "The source's port.", Required = true };
        IntOptionRule.Require(port, value => value is >= 1 and <= 65535, $"{name} must be in 1-65535");
        return port;
    }

    private static Option<int> PositiveOption(string name, int defaultValue, string description)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue };
        IntOptionRule.Require(option, value => value >= 1, $"{name} must be at least 1");
        return option;
    }
}
