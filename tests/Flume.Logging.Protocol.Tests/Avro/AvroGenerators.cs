using FsCheck;
using FsCheck.Fluent;

namespace Flume.Logging.Protocol.Tests.Avro;

/// <summary>Random events with non-ASCII header text (whole surrogate pairs only, as UTF-8 needs) and binary bodies.</summary>
internal static class AvroGenerators
{
    private static readonly string[] Pieces = ["a", "Z", "0", " ", "=", "é", "ß", "中", "文", "😀", "\u0000", "\n", "\"", "κ"];

    public static Gen<string> Text =>
        Gen.ListOf(Gen.Elements(Pieces)).Select(parts => string.Concat(parts));

    public static Gen<byte[]> Body =>
        Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b));

    public static Gen<FlumeEvent> Event =>
        from pairs in Gen.ListOf(Gen.Zip(Text, Text))
        from body in Body
        select Build(pairs, body);

    public static Gen<FlumeEvent[]> Batch => Gen.ArrayOf(Event);

    public static bool SameEvent(FlumeEvent expected, FlumeEvent actual)
    {
        if (!expected.Body.Span.SequenceEqual(actual.Body.Span) || expected.Headers.Count != actual.Headers.Count)
        {
            return false;
        }

        foreach (var (key, value) in expected.Headers)
        {
            if (!actual.Headers.TryGetValue(key, out var other) || other != value)
            {
                return false;
            }
        }

        return true;
    }

    private static FlumeEvent Build(IEnumerable<(string Key, string Value)> pairs, byte[] body)
    {
        var headers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in pairs)
        {
            headers[key] = value;
        }

        return new FlumeEvent(headers, body);
    }
}
