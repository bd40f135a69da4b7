using Flume.Logging.Protocol;

namespace Flume.Logging.Rpc.Tests.Thrift;

/// <summary>Events with headers and binary bodies, and a comparison that says what differs.</summary>
internal static class ThriftTestEvents
{
    public static FlumeEvent Make(int i)
    {
        var body = new byte[(i * 7) % 300];
        for (var b = 0; b < body.Length; b++)
        {
            body[b] = (byte)(b * 31 + i);
        }

        var headers = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["seq"] = i.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["host"] = "h\u00fcst-\u65e5\u672c",
        };
        if (i % 3 == 0)
        {
            headers.Clear();
        }

        return new FlumeEvent(headers, body);
    }

    public static void AssertSame(IReadOnlyList<FlumeEvent> expected, IReadOnlyList<FlumeEvent> actual)
    {
        Assert.Equal(expected.Count, actual.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Body.ToArray(), actual[i].Body.ToArray());
            Assert.Equal(
                expected[i].Headers.OrderBy(h => h.Key, StringComparer.Ordinal),
                actual[i].Headers.OrderBy(h => h.Key, StringComparer.Ordinal));
        }
    }
}
