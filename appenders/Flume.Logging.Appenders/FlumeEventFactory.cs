using System.Text.Json;
using Flume.Logging.Appenders.Delivery;
using Flume.Logging.Protocol;

namespace Flume.Logging.Appenders;

/// <summary>
/// Turns log records into Flume events: Flume's log4j appender headers, then the configured extra headers, and the
/// body as the rendered message or compact JSON, encoded at the log call (see <see cref="EventPacker"/>). Thread-safe.
/// </summary>
internal sealed class FlumeEventFactory
{
    private static readonly JsonWriterOptions JsonOptions = new() { Indented = false, SkipValidation = true };
    // Bits of the fixed headers: their keys' places in every factory's FixedKeys.
    private const int LoggerNameBit = 1;
    private const int LogLevelBit = 2;
    private const int TimestampBit = 4;
    private const int MessageEncodingBit = 8;
    private const int HostBit = 16;

    private static readonly FixedHeader LoggerNameKey = new(Log4jHeaders.LoggerName, LoggerNameBit);
    private static readonly FixedHeader LogLevelKey = new(Log4jHeaders.LogLevel, LogLevelBit);
    private static readonly FixedHeader TimestampKey = new(Log4jHeaders.Timestamp, TimestampBit);
    private static readonly FixedHeader MessageEncoding = new(Log4jHeaders.MessageEncoding, MessageEncodingBit, "UTF8");

    // The level header of each named level, encoded once; a level between them is encoded per call.
    private static readonly FixedHeader Trace = Level(FlumeLogLevel.Trace);
    private static readonly FixedHeader Debug = Level(FlumeLogLevel.Debug);
    private static readonly FixedHeader Info = Level(FlumeLogLevel.Info);
    private static readonly FixedHeader Warn = Level(FlumeLogLevel.Warn);
    private static readonly FixedHeader Error = Level(FlumeLogLevel.Error);
    private static readonly FixedHeader Fatal = Level(FlumeLogLevel.Fatal);

    private readonly KeyValuePair<string, string>[] _extraHeaders;
    private readonly FixedHeader? _hostHeader;
    private readonly FixedKeys _fixedKeys;
    private readonly bool _propertiesAsHeaders;
    private readonly BodyFormat _body;

    /// <summary>Reads the header and body settings of <paramref name="options"/> once.</summary>
    public FlumeEventFactory(FlumeAppenderOptions options, string? hostName = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _extraHeaders = [.. options.Headers];
        string[] log4jKeys = [Log4jHeaders.LoggerName, Log4jHeaders.LogLevel, Log4jHeaders.Timestamp, Log4jHeaders.MessageEncoding];

        // A host header renamed to one of Flume's log4j headers loses to it, as a later header would overwrite it.
        if (options.HostNameHeader is { } hostHeader && Array.IndexOf(log4jKeys, hostHeader) < 0)
        {
            _hostHeader = new FixedHeader(hostHeader, HostBit, hostName ?? System.Net.Dns.GetHostName());
            _fixedKeys = new FixedKeys([.. log4jKeys, hostHeader]);
        }
        else
        {
            _fixedKeys = new FixedKeys(log4jKeys);
        }
        _propertiesAsHeaders = options.PropertiesAsHeaders;
        _body = options.Body;
    }

    /// <summary>The event for <paramref name="record"/>, as a queued call would send it.</summary>
    public FlumeEvent Create(in FlumeLogRecord record) => Pack(record, record.Exception?.ToString()).ToEvent();

    /// <summary>
    /// Encodes the event for <paramref name="record"/>, with <paramref name="exceptionText"/> (the exception as text)
    /// in place of the record's exception, into the calling thread's chunk. Headers are written strongest first, so a
    /// key set twice keeps the value Flume's appender would: extra headers, then properties (the last of a repeated
    /// name), then the host, then Flume's log4j headers. Throws when a property cannot be turned into text.
    /// </summary>
    public PackedEvent Pack(in FlumeLogRecord record, string? exceptionText)
    {
        var packer = EventPacker.Take(_fixedKeys);
        try
        {
            foreach (var header in _extraHeaders)
            {
                packer.Header(header.Key, header.Value);
            }

            if (_propertiesAsHeaders && record.Properties is { Count: > 0 } properties)
            {
                for (var i = properties.Count - 1; i >= 0; i--)
                {
                    packer.Header(properties[i].Key, properties[i].Value);
                }
            }

            if (_hostHeader is not null)
            {
                packer.Header(_hostHeader);
            }

            packer.Header(LoggerNameKey, record.LoggerName ?? "");
            if (NamedLevel(record.Level) is { } level)
            {
                packer.Header(level);
            }
            else
            {
                packer.Header(LogLevelKey, LogLevelMapping.ToLog4jHeaderValue(record.Level));
            }

            packer.Header(TimestampKey, record.Timestamp.ToUnixTimeMilliseconds());
            packer.Header(MessageEncoding);
            packer.EndHeaders();
            if (_body == BodyFormat.Json)
            {
                JsonBody(packer, record, exceptionText);
            }
            else
            {
                packer.Body(record.Message ?? "");
                if (exceptionText is not null)
                {
                    packer.Body("\n");
                    packer.Body(exceptionText);
                }
            }

            return packer.Finish();
        }
        finally
        {
            EventPacker.Return(packer);
        }
    }

    private static FixedHeader Level(FlumeLogLevel level) => new(Log4jHeaders.LogLevel, LogLevelBit, LogLevelMapping.ToLog4jHeaderValue(level));

    private static FixedHeader? NamedLevel(FlumeLogLevel level) => level switch
    {
        FlumeLogLevel.Trace => Trace,
        FlumeLogLevel.Debug => Debug,
        FlumeLogLevel.Info => Info,
        FlumeLogLevel.Warn => Warn,
        FlumeLogLevel.Error => Error,
        FlumeLogLevel.Fatal => Fatal,
        _ => null,
    };

    private static void JsonBody(EventPacker packer, in FlumeLogRecord record, string? exceptionText)
    {
        using (var json = new Utf8JsonWriter(packer, JsonOptions))
        {
            json.WriteStartObject();
            json.WriteString("timestamp", record.Timestamp);
            json.WriteString("level", LevelName(record.Level));
            json.WriteString("logger", record.LoggerName ?? "");
            json.WriteString("message", record.Message ?? "");
            if (exceptionText is not null)
            {
                json.WriteString("exception", exceptionText);
            }

            if (record.Properties is { Count: > 0 } properties)
            {
                json.WriteStartObject("properties");
                for (var i = 0; i < properties.Count; i++)
                {
                    WriteValue(json, properties[i].Key, properties[i].Value);
                }

                json.WriteEndObject();
            }

            json.WriteEndObject();
        }
    }

    private static void WriteValue(Utf8JsonWriter json, string name, object? value)
    {
        switch (value)
        {
            case null:
                json.WriteNull(name);
                break;
            case bool b:
                json.WriteBoolean(name, b);
                break;
            case int i:
                json.WriteNumber(name, i);
                break;
            case long l:
                json.WriteNumber(name, l);
                break;
            case double d when double.IsFinite(d):
                json.WriteNumber(name, d);
                break;
            case decimal m:
                json.WriteNumber(name, m);
                break;
            default:
                json.WriteString(name, PropertyValues.Format(value));
                break;
        }
    }

    private static string LevelName(FlumeLogLevel level) => level switch
    {
        FlumeLogLevel.Trace => "TRACE",
        FlumeLogLevel.Debug => "DEBUG",
        FlumeLogLevel.Info => "INFO",
        FlumeLogLevel.Warn => "WARN",
        FlumeLogLevel.Error => "ERROR",
        FlumeLogLevel.Fatal => "FATAL",
        _ => LogLevelMapping.ToLog4jHeaderValue(level),
    };
}
