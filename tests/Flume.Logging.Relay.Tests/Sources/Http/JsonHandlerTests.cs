using System.Text;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Sources.Http;

namespace Flume.Logging.Relay.Tests.Sources.Http;

public sealed class JsonHandlerTests
{
    private static List<FlumeEvent> Parse(string json, string? contentType = "application/json") =>
        JsonHandler.Parse(Encoding.UTF8.GetBytes(json), contentType);

    private static string Describe(FlumeEvent e) =>
        string.Join(",", e.Headers.OrderBy(h => h.Key, StringComparer.Ordinal).Select(h => $"{h.Key}={h.Value}")) + "|" + Encoding.UTF8.GetString(e.Body.Span);

    [Fact]
    public void The_user_guide_example_gives_two_events_with_their_headers_and_bodies()
    {
        var events = Parse("""
            [{
              "headers" : {
                         "timestamp" : "434324343",
                         "host" : "random_host.example.com"
                         },
              "body" : "random_body"
              },
              {
              "headers" : {
                         "namenode" : "namenode.example.com",
                         "datanode" : "random_datanode.example.com"
                         },
              "body" : "really_random_body"
              }]
            """);

        Assert.Equal(
            ["host=random_host.example.com,timestamp=434324343|random_body", "datanode=random_datanode.example.com,namenode=namenode.example.com|really_random_body"],
            events.Select(Describe));
    }

    // Gson's leniencies that JSONEvent's String fields accept: numbers and booleans become their text, null or missing
    // parts are empty, unknown members are ignored.
    [Theory]
    [InlineData("""[{"headers":{"n":12.50,"b":true,"f":false},"body":"x"}]""", "b=true,f=false,n=12.50|x")]
    [InlineData("""[{"body":"no headers"}]""", "|no headers")]
    [InlineData("""[{"headers":null,"body":null}]""", "|")]
    [InlineData("""[{"headers":{"a":"b"}}]""", "a=b|")]
    [InlineData("""[{"body":42}]""", "|42")]
    [InlineData("""[{"body":true}]""", "|true")]
    [InlineData("""[{"extra":{"deep":[1,2,{"x":null}]},"body":"kept"}]""", "|kept")]
    [InlineData("""[{"body":"first","body":"last"}]""", "|last")]
    [InlineData("""[{"body":"tab\there \"quoted\" \u00e9 \ud83d\ude00 \\ /"}]""", "|tab\there \"quoted\" é 😀 \\ /")]
    [InlineData("""[{"headers":{"k\u00e9y":"v\nw"},"body":"é"}]""", "kéy=v\nw|é")]
    [InlineData("""[{"body":"x",},] // trailing commas and comments, as Gson's lenient reader""", "|x")]
    // Found by fuzzing: a member name escaping a lone surrogate made the name comparison throw (a 500 instead of the event).
    [InlineData("""[{"h\udeea":{"a":"b"},"\ud83dbody":"y","body":"kept"}]""", "|kept")]
    public void Lenient_inputs_give_the_events_Flume_gives(string json, string expected)
    {
        Assert.Equal(expected, Describe(Assert.Single(Parse(json))));
    }

    [Fact]
    public void An_empty_array_is_no_events()
    {
        Assert.Empty(Parse("  [ ]  "));
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("   ", "empty")]
    [InlineData("""{"body":"x"}""", "Expected a JSON array of events, found an object")]
    [InlineData("\"x\"", "Expected a JSON array of events, found a string")]
    [InlineData("""[{"body":"x"}""", "invalid JSON syntax")]
    [InlineData("""[{"body":"x"}] []""", "invalid JSON syntax")]
    [InlineData("""[{"body":"x"}, null]""", "Event 2 is null")]
    [InlineData("""["x"]""", "Event 1 is a string")]
    [InlineData("""[{"body":{"a":1}}]""", "The body of event 1 is an object")]
    [InlineData("""[{"body":["a"]}]""", "The body of event 1 is an array")]
    [InlineData("""[{"headers":"a=b"}]""", "The headers of event 1 are a string")]
    [InlineData("""[{}, {"headers":{"a":null}}]""", "Header 'a' of event 2 is null")]
    [InlineData("""[{"headers":{"a":{"b":"c"}}}]""", "Header 'a' of event 1 is an object")]
    [InlineData("""[{"headers":{"a":"1","a":"2"}}]""", "Event 1 has header 'a' twice")]
    [InlineData("""[{"body":"\ud800"}]""", "The body of event 1 is not valid text")]
    [InlineData("[{'body':'single quotes'}]", "invalid JSON syntax")]
    public void Malformed_input_is_a_bad_request_naming_the_cause(string json, string cause)
    {
        var error = Assert.Throws<HttpBadRequestException>(() => Parse(json));
        Assert.Contains(cause, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_syntax_error_names_the_line_and_position()
    {
        var error = Assert.Throws<HttpBadRequestException>(() => Parse("[\n{\"body\": x}]"));
        Assert.Contains("LineNumber: 1", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("application/json; charset=iso-8859-1", "iso-8859-1")]
    [InlineData("application/json; charset=\"windows-1252\"", "windows-1252")]
    [InlineData("application/json; charset=UTF8", "UTF8")]
    public void A_charset_other_than_utf_8_16_or_32_is_refused_naming_it(string contentType, string charset)
    {
        var error = Assert.Throws<HttpBadRequestException>(() => Parse("""[{"body":"x"}]""", contentType));
        Assert.Contains($"'{charset}'", error.Message, StringComparison.Ordinal);
        Assert.Contains("UTF-8, UTF-16 and UTF-32", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("text/plain; charset=\"UTF-8\"")]
    [InlineData("not a media type")]
    public void Without_a_usable_charset_the_body_is_utf_8(string? contentType)
    {
        var events = JsonHandler.Parse(Encoding.UTF8.GetBytes("""[{"body":"héllo"}]"""), contentType);

        Assert.Equal("héllo"u8.ToArray(), Assert.Single(events).Body.ToArray());
    }

    [Fact]
    public void Invalid_utf_8_is_replaced_as_Javas_decoder_does()
    {
        byte[] json = [.. "[{\"body\":\"a"u8, 0xFF, .. "b\"}]"u8];

        var events = JsonHandler.Parse(json, null);

        Assert.Equal("a\uFFFDb", Encoding.UTF8.GetString(Assert.Single(events).Body.Span));
    }

    // Java's String.getBytes("UTF-16") writes a big-endian byte order mark; "UTF-32" is big-endian without one.
    [Theory]
    [InlineData("utf-16", "bigEndianUnicode", new byte[] { 0xFE, 0xFF, 0x00, 0x68, 0x00, 0xE9 })]
    [InlineData("UTF-16", "unicodeWithBom", new byte[] { 0xFE, 0xFF, 0x00, 0x68, 0x00, 0xE9 })]
    [InlineData("UTF-32", "utf32BigEndian", new byte[] { 0, 0, 0, 0x68, 0, 0, 0, 0xE9 })]
    [InlineData("utf-32", "utf32LittleEndianWithBom", new byte[] { 0, 0, 0, 0x68, 0, 0, 0, 0xE9 })]
    public void A_utf_16_or_32_request_is_decoded_and_each_body_encoded_as_Java_does(string charset, string requestEncoding, byte[] body)
    {
        var text = """[{"headers":{"h":"é"},"body":"hé"}]""";
        var request = requestEncoding switch
        {
            "bigEndianUnicode" => Encoding.BigEndianUnicode.GetBytes(text),
            "unicodeWithBom" => [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(text)],
            "utf32BigEndian" => new UTF32Encoding(bigEndian: true, byteOrderMark: false).GetBytes(text),
            _ => [.. Encoding.UTF32.GetPreamble(), .. Encoding.UTF32.GetBytes(text)],
        };

        var e = Assert.Single(JsonHandler.Parse(request, $"application/json; charset={charset}"));

        Assert.Equal(body, e.Body.ToArray());
        Assert.Equal("é", e.Headers["h"]);
    }

    [Fact]
    public void An_empty_utf_16_body_has_no_byte_order_mark()
    {
        var request = Encoding.BigEndianUnicode.GetBytes("""[{"body":""}]""");

        Assert.Empty(Assert.Single(JsonHandler.Parse(request, "application/json; charset=UTF-16")).Body.ToArray());
    }
}
