using System.Text;
using System.Text.Json;

namespace Flume.Logging.Protocol.Avro;

/// <summary>
/// Decides whether a protocol a client sent in its handshake can talk to our AvroSourceProtocol: its
/// <c>append</c> and <c>appendBatch</c> messages must have the same wire shape as ours. Docs, whitespace, property
/// order, namespaces and whether a named type is referenced or defined inline do not matter.
/// </summary>
/// <remarks>
/// Not Apache.Avro's <c>Protocol.Parse</c>, although this runs once per connection: it would add Apache.Avro and
/// Newtonsoft.Json to every application that loads the appenders; it throws several exception types on a peer's bad
/// JSON (a NullReferenceException among them); and it decides nothing about wire compatibility, which is this
/// shape comparison. Its <c>MD5</c> is not Java's either (it prints namespaces Java omits), so the hash we send is
/// ours. The oracle tests parse our protocol text with it.
/// </remarks>
internal static class AvroProtocolCheck
{
    private const int MaxDepth = 32;
    private const string EventShape = "record AvroFlumeEvent{headers:map<string>,body:bytes}";
    private const string StatusShape = "enum Status[OK,FAILED,UNKNOWN]";

    private static readonly string[] Primitives = ["null", "boolean", "int", "long", "float", "double", "bytes", "string"];

    /// <summary>True when compatible; otherwise false with <paramref name="reason"/> saying what differs.</summary>
    public static bool IsCompatible(string protocolJson, out string reason)
    {
        ArgumentNullException.ThrowIfNull(protocolJson);
        try
        {
            using var document = JsonDocument.Parse(protocolJson);
            return Check(document.RootElement, out reason);
        }
        catch (JsonException e)
        {
            reason = $"protocol is not valid JSON: {e.Message}";
            return false;
        }
    }

    private static bool Check(JsonElement root, out string reason)
    {
        if (root.ValueKind != JsonValueKind.Object
            || !root.TryGetProperty("messages", out var messages)
            || messages.ValueKind != JsonValueKind.Object)
        {
            reason = "protocol has no messages object";
            return false;
        }

        var named = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        Register(root, named, 0);
        return CheckMessage(messages, AvroCall.Append, EventShape, named, out reason)
            && CheckMessage(messages, AvroCall.AppendBatch, $"array<{EventShape}>", named, out reason);
    }

    private static bool CheckMessage(JsonElement messages, string name, string parameterShape, Dictionary<string, JsonElement> named, out string reason)
    {
        if (!messages.TryGetProperty(name, out var message) || message.ValueKind != JsonValueKind.Object)
        {
            reason = $"message {name} is missing";
            return false;
        }

        if (message.TryGetProperty("one-way", out var oneWay) && oneWay.ValueKind == JsonValueKind.True)
        {
            reason = $"message {name} is one-way";
            return false;
        }

        if (!message.TryGetProperty("request", out var request) || request.ValueKind != JsonValueKind.Array || request.GetArrayLength() != 1)
        {
            reason = $"message {name} must take exactly one parameter";
            return false;
        }

        var parameter = request[0];
        if (parameter.ValueKind != JsonValueKind.Object || !parameter.TryGetProperty("type", out var parameterType))
        {
            reason = $"message {name} has a parameter without a type";
            return false;
        }

        var actual = Shape(parameterType, named, 0);
        if (actual != parameterShape)
        {
            reason = $"message {name} takes {actual}, expected {parameterShape}";
            return false;
        }

        var response = message.TryGetProperty("response", out var responseType) ? Shape(responseType, named, 0) : "(none)";
        if (response != StatusShape)
        {
            reason = $"message {name} returns {response}, expected {StatusShape}";
            return false;
        }

        reason = "";
        return true;
    }

    // Collects every named type defined anywhere, so a reference resolves whether the definition sits in "types"
    // or inline in an earlier message.
    private static void Register(JsonElement element, Dictionary<string, JsonElement> named, int depth)
    {
        if (depth > MaxDepth)
        {
            return;
        }

        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                if (element.TryGetProperty("type", out var type) && type.ValueKind == JsonValueKind.String
                    && type.GetString() is "record" or "error" or "enum" or "fixed"
                    && element.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String)
                {
                    named.TryAdd(ShortName(name.GetString()!), element);
                }

                foreach (var property in element.EnumerateObject())
                {
                    Register(property.Value, named, depth + 1);
                }

                break;
            case JsonValueKind.Array:
                foreach (var item in element.EnumerateArray())
                {
                    Register(item, named, depth + 1);
                }

                break;
        }
    }

    private static string Shape(JsonElement schema, Dictionary<string, JsonElement> named, int depth)
    {
        if (depth > MaxDepth)
        {
            return "(nested too deep)";
        }

        switch (schema.ValueKind)
        {
            case JsonValueKind.String:
                var text = schema.GetString()!;
                if (Array.IndexOf(Primitives, text) >= 0)
                {
                    return text;
                }

                return named.TryGetValue(ShortName(text), out var definition) ? Shape(definition, named, depth + 1) : $"(unknown type {text})";
            case JsonValueKind.Array:
                var union = new StringBuilder("union[");
                foreach (var branch in schema.EnumerateArray())
                {
                    union.Append(Shape(branch, named, depth + 1)).Append(',');
                }

                return union.Append(']').ToString();
            case JsonValueKind.Object:
                return ObjectShape(schema, named, depth);
            default:
                return "(invalid schema)";
        }
    }

    private static string ObjectShape(JsonElement schema, Dictionary<string, JsonElement> named, int depth)
    {
        if (!schema.TryGetProperty("type", out var type))
        {
            return "(schema without type)";
        }

        if (type.ValueKind != JsonValueKind.String)
        {
            return Shape(type, named, depth + 1);
        }

        var name = schema.TryGetProperty("name", out var nameElement) && nameElement.ValueKind == JsonValueKind.String
            ? ShortName(nameElement.GetString()!)
            : "";
        switch (type.GetString())
        {
            case "map":
                return schema.TryGetProperty("values", out var values) ? $"map<{Shape(values, named, depth + 1)}>" : "(map without values)";
            case "array":
                return schema.TryGetProperty("items", out var items) ? $"array<{Shape(items, named, depth + 1)}>" : "(array without items)";
            case "enum":
                var symbols = new StringBuilder($"enum {name}[");
                if (schema.TryGetProperty("symbols", out var symbolList) && symbolList.ValueKind == JsonValueKind.Array)
                {
                    var first = true;
                    foreach (var symbol in symbolList.EnumerateArray())
                    {
                        symbols.Append(first ? "" : ",").Append(symbol.ToString());
                        first = false;
                    }
                }

                return symbols.Append(']').ToString();
            case "fixed":
                return $"fixed {name}({(schema.TryGetProperty("size", out var size) ? size.ToString() : "?")})";
            case "record" or "error":
                var record = new StringBuilder($"record {name}{{");
                if (schema.TryGetProperty("fields", out var fields) && fields.ValueKind == JsonValueKind.Array)
                {
                    var first = true;
                    foreach (var field in fields.EnumerateArray())
                    {
                        var fieldName = field.ValueKind == JsonValueKind.Object && field.TryGetProperty("name", out var n) ? n.ToString() : "?";
                        var fieldShape = field.ValueKind == JsonValueKind.Object && field.TryGetProperty("type", out var t) ? Shape(t, named, depth + 1) : "?";
                        record.Append(first ? "" : ",").Append(fieldName).Append(':').Append(fieldShape);
                        first = false;
                    }
                }

                return record.Append('}').ToString();
            default:
                // {"type": "string"} and the like: a primitive, or a reference to a named type.
                return Shape(type, named, depth + 1);
        }
    }

    private static string ShortName(string name)
    {
        var dot = name.LastIndexOf('.');
        return dot < 0 ? name : name[(dot + 1)..];
    }
}
