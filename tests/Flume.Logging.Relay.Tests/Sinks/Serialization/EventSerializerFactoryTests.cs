using System.Text;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Config;
using Flume.Logging.Relay.Sinks.Serialization;

namespace Flume.Logging.Relay.Tests.Sinks.Serialization;

public sealed class EventSerializerFactoryTests
{
    private static readonly FlumeEvent WithHeaders =
        FlumeEvent.FromText("body one", new Dictionary<string, string> { ["host"] = "h1", ["seq"] = "7" });

    private static EventSerializerFactory Factory(params (string Key, string Value)[] properties) =>
        EventSerializerFactory.From(
            new ComponentContext("k1", "a1.sinks.k1.", properties.ToDictionary(p => p.Key, p => p.Value)), "serializer");

    private static string Serialize(EventSerializerFactory factory, params FlumeEvent[] events)
    {
        using var output = new MemoryStream();
        var serializer = factory.Create(output);
        serializer.AfterCreate();
        foreach (var e in events)
        {
            serializer.Write(e);
        }

        serializer.Flush();
        serializer.BeforeClose();
        return Encoding.UTF8.GetString(output.ToArray());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("text")]
    [InlineData("TEXT")]
    [InlineData("org.apache.flume.serialization.BodyTextEventSerializer$Builder")]
    public void Text_writes_bodies_as_lines_and_ignores_headers(string? name)
    {
        var factory = name is null ? Factory() : Factory(("serializer", name));

        Assert.Equal("body one\nbare\n", Serialize(factory, WithHeaders, FlumeEvent.FromText("bare")));
        Assert.True(factory.Create(Stream.Null).SupportsReopen);
    }

    [Fact]
    public void Text_without_appendNewline_writes_bodies_back_to_back() =>
        Assert.Equal("body onebare", Serialize(Factory(("serializer.appendNewline", "false")), WithHeaders, FlumeEvent.FromText("bare")));

    [Theory]
    [InlineData("header_and_text")]
    [InlineData("HEADER_AND_TEXT")]
    [InlineData("org.apache.flume.serialization.HeaderAndBodyTextEventSerializer$Builder")]
    public void Header_and_text_writes_the_headers_as_a_java_map_then_a_space_then_the_body(string name) =>
        Assert.Equal("{host=h1, seq=7} body one\n{} bare\n", Serialize(Factory(("serializer", name)), WithHeaders, FlumeEvent.FromText("bare")));

    [Fact]
    public void Header_and_text_honours_appendNewline() =>
        Assert.Equal("{} a{} b", Serialize(
            Factory(("serializer", "header_and_text"), ("serializer.appendNewline", "false")), FlumeEvent.FromText("a"), FlumeEvent.FromText("b")));

    [Fact]
    public void A_custom_builder_is_found_by_its_assembly_qualified_name_and_gets_its_settings()
    {
        var factory = Factory(("serializer", typeof(UpperCaseSerializer.Builder).AssemblyQualifiedName!), ("serializer.marker", "* "));

        Assert.Equal("BEGIN\n* BODY ONE\nEND\n", Serialize(factory, WithHeaders));
    }

    [Fact]
    public void A_custom_builder_may_be_named_the_java_way_with_a_dollar_for_the_nested_builder()
    {
        var factory = Factory(("serializer", "Flume.Logging.Relay.Tests.Sinks.Serialization.UpperCaseSerializer$Builder"));

        Assert.Equal("BEGIN\n> BODY ONE\nEND\n", Serialize(factory, WithHeaders));
    }

    [Theory]
    [InlineData("serializer", "No.Such.Builder", "serializer")]
    [InlineData("serializer", "System.String", "serializer")]
    [InlineData("serializer", "org.apache.flume.sink.hdfs.AvroEventSerializer$Builder", "serializer")]
    [InlineData("serializer.appendNewline", "perhaps", "serializer.appendNewline")]
    public void A_bad_serializer_setting_is_refused_when_read_naming_its_key(string key, string value, string faultyKey)
    {
        var error = Assert.Throws<ConfigurationException>(() => Factory((key, value)));

        Assert.Equal("a1.sinks.k1." + faultyKey, error.Key);
    }

    [Theory]
    [InlineData("serializer.compressionCodec", "bzip2")]
    [InlineData("serializer.syncIntervalBytes", "0")]
    [InlineData("serializer.syncIntervalBytes", "lots")]
    public void A_bad_avro_event_setting_is_refused_when_read_naming_its_key(string key, string value)
    {
        var error = Assert.Throws<ConfigurationException>(() => Factory(("serializer", "avro_event"), (key, value)));

        Assert.Equal("a1.sinks.k1." + key, error.Key);
    }
}
