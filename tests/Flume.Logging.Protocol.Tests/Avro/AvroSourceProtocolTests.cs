using System.Security.Cryptography;
using Flume.Logging.Protocol.Avro;

namespace Flume.Logging.Protocol.Tests.Avro;

public class AvroSourceProtocolTests
{
    private const string Reformatted = """
        {
          "namespace": "org.apache.flume.source.avro",
          "protocol": "AvroSourceProtocol",
          "messages": {
            "appendBatch": {
              "response": "Status",
              "request": [ { "type": { "items": "AvroFlumeEvent", "type": "array" }, "name": "events" } ]
            },
            "append": {
              "doc": "one event",
              "request": [ { "name": "event", "type": { "type": "record", "name": "org.apache.flume.source.avro.AvroFlumeEvent",
                "fields": [ { "name": "headers", "type": { "type": "map", "values": "string" } }, { "name": "body", "type": "bytes" } ] } } ],
              "response": { "type": "enum", "name": "Status", "symbols": [ "OK", "FAILED", "UNKNOWN" ] }
            },
            "other": { "request": [], "response": "null" }
          }
        }
        """;

    [Fact]
    public void Protocol_text_hashes_to_what_flume_presents()
    {
        Assert.Equal("8076c53714e01f6e2c1deb9544e7b1fe", Convert.ToHexStringLower(AvroSourceProtocol.Hash));
#pragma warning disable CA5351 // The Avro handshake hash is MD5.
        Assert.Equal(AvroSourceProtocol.Hash, MD5.HashData(AvroSourceProtocol.TextUtf8));
#pragma warning restore CA5351
        Assert.False(AvroSourceProtocol.Text.EndsWith('\n'));
    }

    [Fact]
    public void Accepts_our_own_protocol()
    {
        Assert.True(AvroProtocolCheck.IsCompatible(AvroSourceProtocol.Text, out var reason), reason);
    }

    [Fact]
    public void Accepts_a_protocol_with_other_layout_order_docs_and_inline_types()
    {
        Assert.True(AvroProtocolCheck.IsCompatible(Reformatted, out var reason), reason);
    }

    [Theory]
    [InlineData("\"symbols\": [ \"OK\", \"FAILED\", \"UNKNOWN\" ]", "\"symbols\": [ \"OK\", \"UNKNOWN\", \"FAILED\" ]", "append returns")]
    [InlineData("\"values\": \"string\"", "\"values\": \"bytes\"", "append takes")]
    [InlineData("\"name\": \"body\", \"type\": \"bytes\"", "\"name\": \"body\", \"type\": \"string\"", "append takes")]
    [InlineData("\"items\": \"AvroFlumeEvent\", \"type\": \"array\"", "\"values\": \"AvroFlumeEvent\", \"type\": \"map\"", "appendBatch takes")]
    [InlineData("\"appendBatch\"", "\"appendMany\"", "appendBatch is missing")]
    public void Rejects_a_protocol_whose_messages_differ_and_says_why(string from, string to, string why)
    {
        var changed = Reformatted.Replace(from, to, StringComparison.Ordinal);
        Assert.NotEqual(Reformatted, changed);
        Assert.False(AvroProtocolCheck.IsCompatible(changed, out var reason));
        Assert.Contains(why, reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_text_that_is_not_json()
    {
        Assert.False(AvroProtocolCheck.IsCompatible("GET / HTTP/1.1", out var reason));
        Assert.Contains("not valid JSON", reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Rejects_a_self_referencing_type_without_recursing_forever()
    {
        var recursive = Reformatted.Replace("\"name\": \"body\", \"type\": \"bytes\"", "\"name\": \"body\", \"type\": \"AvroFlumeEvent\"", StringComparison.Ordinal);
        Assert.False(AvroProtocolCheck.IsCompatible(recursive, out _));
    }
}
