using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Flume.Logging.Protocol;

namespace Flume.Logging.Appenders;

/// <summary>
/// Turns log records into Flume events: Flume's log4j appender headers, then the configured extra headers, and the
/// body as the rendered message or compact JSON. Thread-safe; the delivery loop calls it for queued records.
/// </summary>
internal sealed class FlumeEventFactory
{
    private const string Utf8 = "UTF8";

    private static readonly JsonWriterOptions JsonOptions = new() { Indented = false, SkipValidation = true };

    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    private readonly KeyValuePair<string, string>[] _extraHeaders;
    private readonly string? _hostNameHeader;
    private readonly string _hostName;
    private readonly bool _propertiesAsHeaders;
    private readonly BodyFormat _body;

    // Consecutive events mostly fall in the same millisecond; swapped whole, so any thread may read it.
    private TimestampText _lastTimestamp = new(long.MinValue, "");

    /// <summary>Reads the header and body settings of <paramref name="options"/> once.</summary>
    public FlumeEventFactory(FlumeAppenderOptions options, string? hostName = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _extraHeaders = [.. options.Headers];
        _hostNameHeader = options.HostNameHeader;
        _hostName = hostName ?? System.Net.Dns.GetHostName();
        _propertiesAsHeaders = options.PropertiesAsHeaders;
        _body = options.Body;
    }

    /// <summary>Whether events use a record's properties (as headers, or in a JSON body).</summary>
    public bool UsesProperties => _propertiesAsHeaders || _body == BodyFormat.Json;

    /// <summary>The event for <paramref name="record"/>.</summary>
    public FlumeEvent Create(in FlumeLogRecord record) => Create(record, record.Exception?.ToString());

    /// <summary>
    /// The event for <paramref name="record"/>, with <paramref name="exceptionText"/> (the exception as text, taken
    /// when the record was queued) in place of the record's exception.
    /// </summary>
    public FlumeEvent Create(in FlumeLogRecord record, string? exceptionText)
    {
        var properties = _propertiesAsHeaders ? record.Properties?.Count ?? 0 : 0;
        var headers = new Dictionary<string, string>(5 + _extraHeaders.Length + properties, StringComparer.Ordinal)
        {
            [Log4jHeaders.LoggerName] = record.LoggerName ?? "",
            [Log4jHeaders.LogLevel] = LogLevelMapping.ToLog4jHeaderValue(record.Level),
            [Log4jHeaders.Timestamp] = TimestampHeader(record.Timestamp.ToUnixTimeMilliseconds()),
            [Log4jHeaders.MessageEncoding] = Utf8,
        };
        if (_hostNameHeader is not null)
        {
            headers[_hostNameHeader] = _hostName;
        }

        if (properties > 0)
        {
            var list = record.Properties!;
            for (var i = 0; i < list.Count; i++)
            {
                headers[list[i].Key] = PropertyValues.Format(list[i].Value);
            }
        }

        foreach (var header in _extraHeaders)
        {
            headers[header.Key] = header.Value;
        }

        return new FlumeEvent(headers, _body == BodyFormat.Json ? JsonBody(record, exceptionText) : TextBody(record.Message, exceptionText));
    }

    private string TimestampHeader(long milliseconds)
    {
        var last = Volatile.Read(ref _lastTimestamp);
        if (last.Milliseconds == milliseconds)
        {
            return last.Text;
        }

        var text = milliseconds.ToString(CultureInfo.InvariantCulture);
        Volatile.Write(ref _lastTimestamp, new TimestampText(milliseconds, text));
        return text;
    }

    private static byte[] TextBody(string? message, string? exceptionText) =>
        Encoding.UTF8.GetBytes(exceptionText is null ? message ?? "" : string.Concat(message, "\n", exceptionText));

    private static byte[] JsonBody(in FlumeLogRecord record, string? exceptionText)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        buffer.ResetWrittenCount();
        using (var json = new Utf8JsonWriter(buffer, JsonOptions))
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

        return buffer.WrittenSpan.ToArray();
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

    private sealed record TimestampText(long Milliseconds, string Text);
}
