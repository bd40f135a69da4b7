using System.Diagnostics;
using System.Globalization;
using System.Text;
using Flume.Logging.Relay.Config;
using Flume.Logging.Testing;
using FsCheck;
using FsCheck.Fluent;

namespace Flume.Logging.Relay.Tests.Config.Oracle;

/// <summary>
/// <see cref="PropertiesReader"/> against java.util.Properties on generated files full of escapes, separators,
/// continuations, comments and line ends: one JDK run reads them all, and every file's key/value map must match.
/// </summary>
public sealed class JavaPropertiesOracleTests
{
    private const int Files = 400;

    // Whole escapes, separators, comment marks, every line end and continuations with leading whitespace, so a random
    // sequence of them exercises each rule of Properties.load and their combinations.
    private static readonly string[] Pieces =
    [
        "a", "b", "key", "k.x", "1", "é", "ÿ", "中", "😀", "\u0085", "\u00a0",
        " ", "  ", "\t", "\f", "=", ":", "#", "!",
        "\\", "\\\\", "\\t", "\\n", "\\r", "\\f", "\\b", "\\a", "\\u0041", "\\u00e9", "\\uD83D\\uDE00", "\\u000a", "\\u005c",
        "\\=", "\\:", "\\ ", "\\#", "\\!", "\\\t",
        "\n", "\n", "\r\n", "\r", "\n\n", "\r\r\n",
        "\\\n", "\\\r\n", "\\\r", "\\\n   ", "\\\r\n\t ", "\\\n\f", "\\\n#", "\\\n!", "\\\n\\\n",
    ];

    private static readonly Gen<string> Piece = Gen.Frequency(
        (200, Gen.Elements(Pieces)),
        (1, Gen.Elements("\\u12", "\\uZZZZ", "\\u00g0")));

    private static readonly Gen<string> File = Gen.ListOf(Piece).Select(parts => string.Concat(parts));

    /// <summary>Lines shaped like real configuration, each with one rule at a time, beside the random soup.</summary>
    private static readonly Gen<string> Shaped =
        from lines in Gen.ListOf(
            from indent in Gen.Elements("", " ", "\t ")
            from key in Gen.Elements("a.sources", "a\\ b", "a\\=b", "a\\:b", "#x", "k\\\n  ey", "é", "\\u00e9")
            from separator in Gen.Elements("=", ":", " ", " = ", "\t:\t", "  ", " =: ", "==")
            from value in Gen.Elements("", "v", " v ", "v\\", "v\\\\", "line\\\n    two", "line\\\r\n\tthree\\\n", "a\\tb", "\\ lead", "中文")
            from end in Gen.Elements("\n", "\r\n", "\r", "")
            select indent + key + separator + value + end)
        select string.Concat(lines);

    [Fact]
    public void Reads_generated_files_exactly_as_java_util_properties_does()
    {
        var files = Gen.Frequency((3, File), (1, Shaped)).Sample(Files, 60).ToList();
        Assert.Equal(Files, files.Count);
        files.AddRange(Edges);
        var folder = Directory.CreateTempSubdirectory("properties-oracle").FullName;
        try
        {
            for (var i = 0; i < files.Count; i++)
            {
                System.IO.File.WriteAllText(Path.Combine(folder, $"{i}.properties"), files[i], new UTF8Encoding(false));
            }

            var java = RunJava(folder, files.Count);
            var failures = new StringBuilder();
            for (var i = 0; i < files.Count; i++)
            {
                var bytes = System.IO.File.ReadAllBytes(Path.Combine(folder, $"{i}.properties"));
                Compare(failures, files[i], "load(Reader) over UTF-8", java[2 * i], ReadOurs(new StreamReader(new MemoryStream(bytes), Encoding.UTF8)));
                Compare(failures, files[i], "load(InputStream), ISO-8859-1", java[(2 * i) + 1], ReadOurs(new StreamReader(new MemoryStream(bytes), Encoding.Latin1)));
            }

            Assert.True(failures.Length == 0, failures.ToString());
        }
        finally
        {
            TempFolder.Delete(folder);
        }
    }

    /// <summary>
    /// Edges checked in every run whatever the generator draws: a continuation at the very end of the input after
    /// each line end, a continuation into a comment mark, chained blank continuations, a malformed escape, no text.
    /// </summary>
    private static IEnumerable<string> Edges =>
    [
        "key\\",
        "key\\\n",
        "key\\\r",
        "key\\\r\n",
        "\\\n#comment\nk=v",
        "k=\\\n\\\n  v",
        "\\u00e9=\\u12",
        "",
    ];

    private static string ReadOurs(TextReader reader)
    {
        try
        {
            var entries = PropertiesReader.Read(reader, "generated.properties");
            var line = new StringBuilder().Append(entries.Count.ToString(CultureInfo.InvariantCulture));
            foreach (var entry in entries.OrderBy(e => e.Key, StringComparer.Ordinal))
            {
                line.Append(' ').Append(Hex(entry.Key)).Append(' ').Append(Hex(entry.Value));
            }

            return line.ToString();
        }
        catch (ConfigurationException)
        {
            return "error";
        }
    }

    private static void Compare(StringBuilder failures, string file, string how, string javaLine, string ours)
    {
        // Java prints its hash table's order; compare the entries sorted.
        var parts = javaLine.Split(' ');
        var pairs = new List<(string Key, string Value)>();
        for (var i = 1; i + 1 < parts.Length; i += 2)
        {
            pairs.Add((parts[i], parts[i + 1]));
        }

        var java = parts[0] == "error"
            ? "error"
            : parts[0] + string.Concat(pairs.OrderBy(p => Unhex(p.Key), StringComparer.Ordinal).Select(p => $" {p.Key} {p.Value}"));
        if (java != ours && failures.Length < 4000)
        {
            failures.Append(CultureInfo.InvariantCulture, $"{how}: file \"{Escape(file)}\"\n  java: {Describe(java)}\n  ours: {Describe(ours)}\n");
        }
    }

    private static string[] RunJava(string folder, int count)
    {
        var source = Path.Combine(AppContext.BaseDirectory, "Config", "Oracle", "PropertiesOracle.java");
        var output = Path.Combine(folder, "java.out");
        var start = new ProcessStartInfo("java") { RedirectStandardError = true, RedirectStandardOutput = true, UseShellExecute = false };
        foreach (var argument in new[] { source, folder, count.ToString(CultureInfo.InvariantCulture), output })
        {
            start.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(start)!;
        }
        catch (System.ComponentModel.Win32Exception e)
        {
            throw new InvalidOperationException(
                "This test compares PropertiesReader with java.util.Properties and needs `java` (JDK 11+) on PATH: apt-get install openjdk-17-jdk-headless", e);
        }

        using (process)
        {
            var stderr = process.StandardError.ReadToEndAsync();
            _ = process.StandardOutput.ReadToEndAsync();
            if (!process.WaitForExit(TimeSpan.FromSeconds(60)))
            {
                process.Kill(entireProcessTree: true);
                throw new TimeoutException("java PropertiesOracle.java did not finish within 60 s");
            }

            Assert.True(process.ExitCode == 0, $"java PropertiesOracle.java exited with {process.ExitCode}: {stderr.Result}");
        }

        var lines = System.IO.File.ReadAllLines(output);
        Assert.Equal(2 * count, lines.Length);
        return lines;
    }

    private static string Hex(string text)
    {
        var hex = new StringBuilder("x", 1 + (4 * text.Length));
        foreach (var c in text)
        {
            hex.Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
        }

        return hex.ToString();
    }

    private static string Unhex(string hex)
    {
        var text = new StringBuilder();
        for (var i = 1; i + 4 <= hex.Length; i += 4)
        {
            text.Append((char)int.Parse(hex.AsSpan(i, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
        }

        return text.ToString();
    }

    private static string Describe(string line) =>
        line == "error" ? line : string.Join(", ", line.Split(' ').Skip(1).Chunk(2).Select(p => $"\"{Escape(Unhex(p[0]))}\"=\"{Escape(Unhex(p[1]))}\""));

    private static string Escape(string text)
    {
        var escaped = new StringBuilder();
        foreach (var c in text)
        {
            escaped.Append(c switch
            {
                '\\' => "\\\\",
                '"' => "\\\"",
                < ' ' or > '~' => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }

        return escaped.ToString();
    }
}
