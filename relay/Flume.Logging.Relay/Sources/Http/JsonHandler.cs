using System.Globalization;
using System.Text;
using System.Text.Json;
using Flume.Logging.Protocol;
using Microsoft.AspNetCore.Http;
using Microsoft.Net.Http.Headers;

namespace Flume.Logging.Relay.Sources.Http;

/// <summary>
/// Flume's <c>JSONHandler</c>: the body is a JSON array of <c>{"headers":{...},"body":"..."}</c> objects, one event
/// each. The charset comes from the request's Content-Type (UTF-8 when none is named) and each body is that text
/// encoded with it. As with Flume's Gson, header values and bodies may also be numbers or booleans (taken as their
/// text), a null or missing body is empty, a null or missing headers object means none, and other members are
/// ignored. Anything else is a bad request whose message names the event and the cause.
/// </summary>
internal sealed class JsonHandler : IHttpSourceHandler
{
    private static readonly JsonReaderOptions ReaderOptions = new()
    {
        // Gson reads leniently; these two leniencies cost nothing and keep hand-written requests working.
        CommentHandling = JsonCommentHandling.Skip,
        AllowTrailingCommas = true,
        MaxDepth = 64,
    };

    public long TruncateAt => long.MaxValue;

    public IReadOnlyList<FlumeEvent> GetEvents(HttpRequest request, ReadOnlySpan<byte> body)
    {
        ArgumentNullException.ThrowIfNull(request);
        return Parse(body, request.ContentType);
    }

    /// <summary>The events of a request body sent with <paramref name="contentType"/>.</summary>
    /// <exception cref="HttpBadRequestException">The charset is not supported or the body is not Flume's JSON event array.</exception>
    public static List<FlumeEvent> Parse(ReadOnlySpan<byte> body, string? contentType)
    {
        var charset = JsonCharset.FromName(CharsetOf(contentType));
        var json = charset.ToUtf8(body);

        // Gson gives null for an empty body, which Flume then fails on with a NullPointerException (500); the client
        // sent nothing usable, so say so.
        if (json.Trim(" \t\r\n"u8).IsEmpty)
        {
            throw new HttpBadRequestException("The request body is empty: expected a JSON array of events.");
        }

        var reader = new Utf8JsonReader(json, ReaderOptions);
        try
        {
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartArray)
            {
                throw new HttpBadRequestException($"Expected a JSON array of events, found {Describe(reader.TokenType)}.");
            }

            var events = new List<FlumeEvent>();
            while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
            {
                var number = events.Count + 1;
                if (reader.TokenType != JsonTokenType.StartObject)
                {
                    throw new HttpBadRequestException($"Event {number} is {Describe(reader.TokenType)}, not an object {{\"headers\":{{...}},\"body\":\"...\"}}.");
                }

                events.Add(ReadEvent(ref reader, number, charset));
            }

            if (reader.Read())
            {
                throw new HttpBadRequestException("Content follows the array of events.");
            }

            return events;
        }
        catch (JsonException e)
        {
            throw new HttpBadRequestException($"Request has invalid JSON syntax: {e.Message}", e);
        }
    }

    private static string? CharsetOf(string? contentType)
    {
        if (contentType is null || !MediaTypeHeaderValue.TryParse(contentType, out var mediaType) || !mediaType.Charset.HasValue)
        {
            return null;
        }

        return HeaderUtilities.RemoveQuotes(mediaType.Charset).Value;
    }

    private static FlumeEvent ReadEvent(ref Utf8JsonReader reader, int number, JsonCharset charset)
    {
        Dictionary<string, string>? headers = null;
        ReadOnlyMemory<byte> body = Array.Empty<byte>();
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            if (IsMember(ref reader, "headers"u8))
            {
                reader.Read();
                headers = ReadHeaders(ref reader, number);
            }
            else if (IsMember(ref reader, "body"u8))
            {
                reader.Read();
                body = ReadBody(ref reader, number, charset);
            }
            else
            {
                // Gson ignores members JSONEvent does not have.
                reader.Read();
                reader.Skip();
            }
        }

        return new FlumeEvent(headers, body);
    }

    private static Dictionary<string, string>? ReadHeaders(ref Utf8JsonReader reader, int number)
    {
        if (reader.TokenType == JsonTokenType.Null)
        {
            return null;
        }

        if (reader.TokenType != JsonTokenType.StartObject)
        {
            throw new HttpBadRequestException($"The headers of event {number} are {Describe(reader.TokenType)}, not an object.");
        }

        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
        {
            var name = GetText(ref reader, number, "a header name");
            reader.Read();
            var value = reader.TokenType switch
            {
                JsonTokenType.String => GetText(ref reader, number, $"header '{name}'"),
                JsonTokenType.Number => Encoding.UTF8.GetString(reader.ValueSpan),
                JsonTokenType.True => "true",
                JsonTokenType.False => "false",
                JsonTokenType.Null => throw new HttpBadRequestException($"Header '{name}' of event {number} is null: header values are strings."),
                _ => throw new HttpBadRequestException($"Header '{name}' of event {number} is {Describe(reader.TokenType)}, not a string."),
            };

            // Gson's map adapter refuses a repeated key rather than picking one.
            if (!headers.TryAdd(name, value))
            {
                throw new HttpBadRequestException($"Event {number} has header '{name}' twice.");
            }
        }

        return headers;
    }

    private static byte[] ReadBody(ref Utf8JsonReader reader, int number, JsonCharset charset)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.Null:
                return [];
            case JsonTokenType.String when charset.IsUtf8:
                return CopyUtf8(ref reader, number);
            case JsonTokenType.String:
                return charset.Encode(GetText(ref reader, number, "the body"));
            case JsonTokenType.Number:
                return charset.Encode(Encoding.UTF8.GetString(reader.ValueSpan));
            case JsonTokenType.True or JsonTokenType.False:
                return charset.Encode(reader.TokenType == JsonTokenType.True ? "true" : "false");
            default:
                throw new HttpBadRequestException($"The body of event {number} is {Describe(reader.TokenType)}, not a string.");
        }
    }

    /// <summary>A UTF-8 body as bytes without going through a string: the raw bytes when nothing is escaped.</summary>
    private static byte[] CopyUtf8(ref Utf8JsonReader reader, int number)
    {
        if (!reader.ValueIsEscaped)
        {
            return reader.ValueSpan.ToArray();
        }

        // Unescaping only shrinks the text, so the escaped length is enough room.
        var unescaped = new byte[reader.ValueSpan.Length];
        int length;
        try
        {
            length = reader.CopyString(unescaped);
        }
        catch (InvalidOperationException e)
        {
            throw new HttpBadRequestException($"The body of event {number} is not valid text: {e.Message}", e);
        }

        return length == unescaped.Length ? unescaped : unescaped.AsSpan(0, length).ToArray();
    }

    /// <summary>
    /// Whether the property name at the reader is <paramref name="name"/>. A name whose escapes make no valid text (a
    /// lone surrogate such as <c>\ud83d</c>) is no member JSONEvent has, so it is skipped like any unknown member, as
    /// Gson (whose strings may hold lone surrogates) skips it; the comparison itself would throw on it.
    /// </summary>
    private static bool IsMember(ref Utf8JsonReader reader, ReadOnlySpan<byte> name)
    {
        try
        {
            return reader.ValueTextEquals(name);
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    private static string GetText(ref Utf8JsonReader reader, int number, string what)
    {
        try
        {
            return reader.GetString() ?? "";
        }
        catch (InvalidOperationException e)
        {
            throw new HttpBadRequestException($"In event {number}, {what} is not valid text: {e.Message}", e);
        }
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        JsonTokenType.String => "a string",
        JsonTokenType.Number => "a number",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Null => "null",
        _ => token.ToString().ToLower(CultureInfo.InvariantCulture),
    };
}
