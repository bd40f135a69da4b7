using Flume.Logging.Relay.Config;
using FsCheck;
using FsCheck.Fluent;

namespace Flume.Logging.Relay.Tests.Config;

public sealed class PropertiesRoundTripTests
{
    private static readonly char[] Special = [' ', '\t', '\n', '\r', '\f', '\\', '=', ':', '#', '!', '\u0000', '\u0085', '\u00A0', '\u2028', '\uFEFF'];
    private static readonly char[] NonAscii = ['é', 'ß', 'ж', '한', '日', '€', '\uD83D', '\uDE00'];

    private static Gen<char> Character() =>
        Gen.Frequency(
            (6, Gen.Choose(0x20, 0x7e).Select(c => (char)c)),
            (2, Gen.Elements(Special)),
            (2, Gen.Elements(NonAscii)));

    private static Gen<string> Text() => Gen.ArrayOf(Character()).Select(chars => new string(chars));

    private static Arbitrary<(List<(string Key, string Value)> Entries, string Separator, bool EscapeNonAscii, int WrapEvery)> Files() =>
        (from entries in Gen.ListOf(Gen.Zip(Text(), Text()))
         from separator in Gen.Elements("=", " = ", ":", " : ", " ", "\t")
         from escapeNonAscii in Gen.Elements(true, false)
         from wrapEvery in Gen.Choose(0, 4)
         select (DistinctByKey(entries), separator, escapeNonAscii, wrapEvery))
        .ToArbitrary();

    private static List<(string Key, string Value)> DistinctByKey(IEnumerable<(string Key, string Value)> entries)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        return entries.Where(e => seen.Add(e.Key)).ToList();
    }

    [Fact]
    public void Any_escaped_key_and_value_round_trips()
    {
        Prop.ForAll(Files(), file =>
        {
            var text = PropertiesWriter.Write(file.Entries, file.Separator, file.EscapeNonAscii, file.WrapEvery);

            var read = PropertiesReader.Read(new StringReader(text), "generated.properties");

            return read.Select(e => (e.Key, e.Value)).SequenceEqual(file.Entries)
                && read.Select(e => e.Line).SequenceEqual(read.Select(e => e.Line).Order())
                && read.All(e => e.Source == "generated.properties");
        }).Check(FsCheck.Config.QuickThrowOnFailure.WithMaxTest(500).WithEndSize(60));
    }

    [Fact]
    public void Writer_output_for_a_tricky_entry_reads_back()
    {
        var entries = new List<(string, string)> { ("key with spaces=and:colons", " leading space, trailing tab\t\\") };

        var text = PropertiesWriter.Write(entries, " = ", escapeNonAscii: false, wrapEvery: 3);
        var entry = Assert.Single(PropertiesReader.Read(new StringReader(text), "x"));

        Assert.Equal(("key with spaces=and:colons", " leading space, trailing tab\t\\"), (entry.Key, entry.Value));
    }
}
