using Flume.Logging.Appenders;
using Flume.Logging.Rpc;
using Serilog.Configuration;
using Serilog.Core;
using Serilog.Events;
using Serilog.Sinks.Flume;

// Serilog's convention: sink extension methods live in namespace Serilog, so WriteTo.Flume needs no extra using.
namespace Serilog;

/// <summary>Adds <c>WriteTo.Flume(...)</c>, also bindable from configuration (<c>"WriteTo": [{ "Name": "Flume", "Args": { ... } }]</c>).</summary>
public static class FlumeLoggerConfigurationExtensions
{
    /// <summary>
    /// Sends log events to Flume relays (or Apache Flume agents) over Avro or Thrift RPC, in batches, from a background
    /// loop: logging never does network I/O, never throws and, by default, never waits: with the relays down, a full
    /// queue drops the new event and counts it. Each event carries Flume's log4j appender headers
    /// (<c>flume.client.log4j.logger.name</c> from <c>SourceContext</c>, <c>.log.level</c> as the log4j number,
    /// <c>.timestamp</c>, <c>.address</c>, <c>.message.encoding</c>). Drops are reported through Serilog's SelfLog and,
    /// inside <c>WriteTo.Fallible</c> or <c>WriteTo.FallbackChain</c>, handed with their events to the fallback.
    /// <c>Log.CloseAndFlush()</c>, <c>Log.CloseAndFlushAsync()</c> and disposing the logger send what is queued,
    /// waiting at most <paramref name="shutdownTimeout"/>. Every setting left out (null) takes the shared appender
    /// default shown.
    /// </summary>
    /// <param name="sinkConfiguration">Serilog's sink configuration.</param>
    /// <param name="hosts">Space-, comma- or semicolon-separated <c>host:port</c> list of the relays; several hosts are load balanced. Required.</param>
    /// <param name="protocol">Avro (default) or Thrift (compact), matching the relay's source.</param>
    /// <param name="compression">None (default) or Deflate, Avro only; the relay's source must use the same.</param>
    /// <param name="batchSizeLimit">Most events sent in one request. Default 100.</param>
    /// <param name="period">Longest an event waits for its batch to fill. Default 1 s.</param>
    /// <param name="queueLimit">Most events waiting in memory. Default 100000; at most 16777216.</param>
    /// <param name="queueByteLimit">Most bytes waiting in memory. Default 64 MiB.</param>
    /// <param name="overflow">What a log call does when the queue is full: DropNewest (default: returns at once, the event is counted as dropped), DropOldest, or Block (waits up to <paramref name="blockTimeout"/>, never while every relay is down, then drops).</param>
    /// <param name="blockTimeout">Longest a log call waits for room with Block. Default 100 ms.</param>
    /// <param name="selector">Order several hosts are tried in: RoundRobin (default) or Random.</param>
    /// <param name="maxBackoff">Longest a failed host is skipped, and the cap of the retry backoff. Default 30 s.</param>
    /// <param name="connectTimeout">Time allowed to connect to a relay. Default 5 s.</param>
    /// <param name="requestTimeout">Time allowed for each request. Default 20 s.</param>
    /// <param name="bufferPath">Folder of a durable local buffer for events that cannot be sent; survives restarts. Default none.</param>
    /// <param name="bufferSizeLimit">Most events the durable buffer holds. Default 1000000.</param>
    /// <param name="shutdownTimeout">Longest dispose (<c>Log.CloseAndFlush()</c>) spends sending what is queued. Default 10 s.</param>
    /// <param name="body">Message (default: the rendered message, then the exception) or Json (compact JSON with the properties).</param>
    /// <param name="propertiesAsHeaders">Whether every event property (except SourceContext, sent as the logger name) is also a header. Default false.</param>
    /// <param name="headers">Headers added to every event, for example an application name. Default none.</param>
    /// <param name="hostNameHeader">Header carrying this machine's name; default <c>flume.client.log4j.address</c>; empty for none.</param>
    /// <param name="restrictedToMinimumLevel">The minimum level of events passed to the sink. Default Verbose (all).</param>
    /// <param name="levelSwitch">A switch that changes the minimum level at run time; overrides <paramref name="restrictedToMinimumLevel"/>.</param>
    /// <param name="formatProvider">Culture the message is rendered in; null for the current culture.</param>
    /// <param name="ssl">TLS to the relays, whose avro or thrift source has <c>ssl = true</c> (Flume's <c>ssl</c>). Default false.</param>
    /// <param name="truststore">With <paramref name="ssl"/>: JKS, PEM or PKCS12 file of the certificates the relay's certificate must lead to (Flume's <c>truststore</c>). Default none, the system's roots.</param>
    /// <param name="truststorePassword">Password of a JKS or PKCS12 <paramref name="truststore"/> (Flume's <c>truststore-password</c>). Default none.</param>
    /// <param name="truststoreType">JKS, PKCS12 or PEM (Flume's <c>truststore-type</c>). Default none, read from the file.</param>
    /// <param name="trustAllCerts">With <paramref name="ssl"/>: accept any relay certificate, for tests only (Flume's <c>trust-all-certs</c>). Default false.</param>
    /// <param name="includeProtocols">Space-separated protocols to enable, e.g. <c>TLSv1.3</c> (Flume's <c>include-protocols</c>). Default none, TLS 1.2 and 1.3.</param>
    /// <param name="excludeProtocols">Space-separated protocols to disable (Flume's <c>exclude-protocols</c>). Default none.</param>
    /// <param name="includeCipherSuites">Space-separated IANA cipher suites to enable (Flume's <c>include-cipher-suites</c>). Default none, the platform's.</param>
    /// <param name="excludeCipherSuites">Space-separated cipher suites to disable (Flume's <c>exclude-cipher-suites</c>). Default none.</param>
    /// <returns>The logger configuration, to chain further calls.</returns>
    /// <exception cref="ArgumentException">A setting is invalid; the message names it.</exception>
    public static LoggerConfiguration Flume(
        this LoggerSinkConfiguration sinkConfiguration,
        string hosts,
        FlumeProtocol? protocol = null,
        CompressionType? compression = null,
        int? batchSizeLimit = null,
        TimeSpan? period = null,
        int? queueLimit = null,
        long? queueByteLimit = null,
        OverflowMode? overflow = null,
        TimeSpan? blockTimeout = null,
        HostSelectorKind? selector = null,
        TimeSpan? maxBackoff = null,
        TimeSpan? connectTimeout = null,
        TimeSpan? requestTimeout = null,
        string? bufferPath = null,
        int? bufferSizeLimit = null,
        TimeSpan? shutdownTimeout = null,
        BodyFormat? body = null,
        bool? propertiesAsHeaders = null,
        IDictionary<string, string>? headers = null,
        string? hostNameHeader = null,
        LogEventLevel restrictedToMinimumLevel = LogEventLevel.Verbose,
        LoggingLevelSwitch? levelSwitch = null,
        IFormatProvider? formatProvider = null,
        bool? ssl = null,
        string? truststore = null,
        string? truststorePassword = null,
        string? truststoreType = null,
        bool? trustAllCerts = null,
        string? includeProtocols = null,
        string? excludeProtocols = null,
        string? includeCipherSuites = null,
        string? excludeCipherSuites = null)
    {
        ArgumentNullException.ThrowIfNull(sinkConfiguration);
        var options = new FlumeAppenderOptions
        {
            Hosts = hosts,
            BufferPath = NullIfEmpty(bufferPath),
            Truststore = NullIfEmpty(truststore),
            TruststorePassword = NullIfEmpty(truststorePassword),
            TruststoreType = NullIfEmpty(truststoreType),
            IncludeProtocols = NullIfEmpty(includeProtocols),
            ExcludeProtocols = NullIfEmpty(excludeProtocols),
            IncludeCipherSuites = NullIfEmpty(includeCipherSuites),
            ExcludeCipherSuites = NullIfEmpty(excludeCipherSuites),
        };
        SetIfGiven(protocol, value => options.Protocol = value);
        SetIfGiven(compression, value => options.Compression = value);
        SetIfGiven(batchSizeLimit, value => options.BatchSize = value);
        SetIfGiven(period, value => options.FlushInterval = value);
        SetIfGiven(queueLimit, value => options.QueueLimit = value);
        SetIfGiven(queueByteLimit, value => options.QueueByteLimit = value);
        SetIfGiven(overflow, value => options.Overflow = value);
        SetIfGiven(blockTimeout, value => options.BlockTimeout = value);
        SetIfGiven(selector, value => options.Selector = value);
        SetIfGiven(maxBackoff, value => options.MaxBackoff = value);
        SetIfGiven(connectTimeout, value => options.ConnectTimeout = value);
        SetIfGiven(requestTimeout, value => options.RequestTimeout = value);
        SetIfGiven(bufferSizeLimit, value => options.BufferSizeLimit = value);
        SetIfGiven(shutdownTimeout, value => options.ShutdownTimeout = value);
        SetIfGiven(body, value => options.Body = value);
        SetIfGiven(propertiesAsHeaders, value => options.PropertiesAsHeaders = value);
        SetIfGiven(ssl, value => options.Ssl = value);
        SetIfGiven(trustAllCerts, value => options.TrustAllCerts = value);
        if (hostNameHeader is not null)
        {
            options.HostNameHeader = hostNameHeader.Length == 0 ? null : hostNameHeader;
        }

        if (headers is not null)
        {
            foreach (var header in headers)
            {
                options.Headers[header.Key] = header.Value;
            }
        }

        FlumeSink sink;
        try
        {
            sink = new FlumeSink(options, formatProvider);
        }
        catch (ArgumentException e) when (e.ParamName is { } option)
        {
            // Name the setting as the user wrote it (batchSizeLimit, period, ...), not as the shared core calls it.
            var argument = ArgumentName(option);
            throw new ArgumentException($"WriteTo.Flume {argument}: {Reason(e, option)}", argument, e);
        }

        return sinkConfiguration.Sink(sink, restrictedToMinimumLevel, levelSwitch);
    }

    /// <summary>
    /// The core's message without what the new one already says: the core's name for the setting ("Hosts: ...") and the
    /// runtime's " (Parameter 'Hosts')".
    /// </summary>
    private static string Reason(ArgumentException e, string option)
    {
        var reason = e.Message.Replace($" (Parameter '{option}')", "", StringComparison.Ordinal);
        return reason.StartsWith(option + ": ", StringComparison.Ordinal) ? reason[(option.Length + 2)..] : reason;
    }

    private static string ArgumentName(string option) => option switch
    {
        nameof(FlumeAppenderOptions.BatchSize) => "batchSizeLimit",
        nameof(FlumeAppenderOptions.FlushInterval) => "period",
        _ => string.Concat(option[..1].ToLowerInvariant(), option[1..]),
    };

    // Configuration binding passes "" for a key written without a value: the default, like a key left out.
    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static void SetIfGiven<T>(T? value, Action<T> set)
        where T : struct
    {
        if (value is { } given)
        {
            set(given);
        }
    }
}
