using System.Text;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Sinks;

namespace Flume.Logging.Relay.Tests.Sinks;

public sealed class EventDumpTests
{
    [Fact]
    public void Renders_the_user_guide_example_as_Flume_does()
    {
        var e = FlumeEvent.FromText("Hello world!\r");

        Assert.Equal("{ headers:{} body: 48 65 6C 6C 6F 20 77 6F 72 6C 64 21 0D          Hello world!. }", new EventDump(e, 16).ToString());
    }

    [Fact]
    public void Shows_headers_and_at_most_maxBytes_of_the_body()
    {
        var e = new FlumeEvent(new Dictionary<string, string> { ["host"] = "h1", ["level"] = "INFO" }, Encoding.ASCII.GetBytes("0123456789abcdefXYZ"));

        Assert.Equal("{ headers:{host=h1, level=INFO} body: 30 31 32 33 34 35 36 37 38 39 61 62 63 64 65 66 0123456789abcdef }", new EventDump(e, 16).ToString());
    }

    [Fact]
    public void Renders_an_empty_body_as_nothing()
    {
        Assert.Equal("{ headers:{} body: }", new EventDump(new FlumeEvent(ReadOnlyMemory<byte>.Empty), 16).ToString());
    }

    [Fact]
    public void Continues_longer_previews_on_lines_with_offsets()
    {
        var e = new FlumeEvent(Encoding.ASCII.GetBytes("0123456789abcdefXY"));

        Assert.Equal(
            "{ headers:{} body: 30 31 32 33 34 35 36 37 38 39 61 62 63 64 65 66 0123456789abcdef\n00000010 58 59                                           XY }",
            new EventDump(e, 100).ToString());
    }
}
