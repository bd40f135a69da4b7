using Flume.Logging.Relay.Config;

namespace Flume.Logging.Relay.Tests.Config;

public sealed class PropertiesReaderTests
{
    private static IReadOnlyList<PropertyEntry> Read(string text) =>
        PropertiesReader.Read(new StringReader(text), "test.properties");

    private static PropertyEntry Single(string text) => Assert.Single(Read(text));

    [Fact]
    public void Hash_and_bang_lines_are_comments()
    {
        var entries = Read("# a comment\n! another\n   # indented comment\n\t! indented bang\nkey = value\n");

        var entry = Assert.Single(entries);
        Assert.Equal(("key", "value", 5), (entry.Key, entry.Value, entry.Line));
    }

    [Fact]
    public void Comment_ending_in_backslash_does_not_continue()
    {
        var entries = Read("# comment \\\nkey = value\n");

        Assert.Equal("key", Assert.Single(entries).Key);
    }

    [Fact]
    public void Hash_after_a_key_is_part_of_the_value()
    {
        Assert.Equal("value # not a comment", Single("key = value # not a comment").Value);
    }

    [Theory]
    [InlineData("key=value")]
    [InlineData("key:value")]
    [InlineData("key value")]
    [InlineData("key\tvalue")]
    [InlineData("key\fvalue")]
    public void Equals_colon_or_whitespace_separates_key_from_value(string line)
    {
        var entry = Single(line);

        Assert.Equal(("key", "value"), (entry.Key, entry.Value));
    }

    [Theory]
    [InlineData("a=b=c", "a", "b=c")]
    [InlineData("a:b=c", "a", "b=c")]
    [InlineData("a=b:c", "a", "b:c")]
    [InlineData("a b=c", "a", "b=c")]
    [InlineData("a = = c", "a", "= c")]
    [InlineData("a : : c", "a", ": c")]
    public void First_unescaped_separator_ends_the_key(string line, string key, string value)
    {
        var entry = Single(line);

        Assert.Equal((key, value), (entry.Key, entry.Value));
    }

    [Theory]
    [InlineData("key   =   value")]
    [InlineData("key\t:\tvalue")]
    [InlineData("key     value")]
    [InlineData("key \t\f value")]
    public void Whitespace_around_the_separator_is_skipped(string line)
    {
        var entry = Single(line);

        Assert.Equal(("key", "value"), (entry.Key, entry.Value));
    }

    [Fact]
    public void Leading_whitespace_of_a_line_is_ignored()
    {
        var entry = Single(" \t\f  key = value");

        Assert.Equal(("key", "value"), (entry.Key, entry.Value));
    }

    [Fact]
    public void Backslash_continues_a_line_and_drops_the_next_lines_leading_whitespace()
    {
        var entry = Single("fruits = apple, \\\n         banana, \\\n\t pear\n");

        Assert.Equal(("fruits", "apple, banana, pear", 1), (entry.Key, entry.Value, entry.Line));
    }

    [Fact]
    public void Continuation_may_split_the_key()
    {
        var entry = Single("a1.sour\\\n   ces = r1");

        Assert.Equal(("a1.sources", "r1"), (entry.Key, entry.Value));
    }

    [Fact]
    public void Even_number_of_trailing_backslashes_is_not_a_continuation()
    {
        var entries = Read("path = C:\\\\temp\\\\\nnext = 1\n");

        Assert.Equal(2, entries.Count);
        Assert.Equal("C:\\temp\\", entries[0].Value);
        Assert.Equal(("next", "1", 2), (entries[1].Key, entries[1].Value, entries[1].Line));
    }

    [Fact]
    public void Continuation_ending_in_an_escaped_backslash_keeps_the_backslash()
    {
        // Three backslashes: an escaped backslash followed by a continuation.
        var entry = Single("dir = C:\\\\\\\n      logs");

        Assert.Equal("C:\\logs", entry.Value);
    }

    [Fact]
    public void Empty_continuation_line_ends_the_logical_line()
    {
        var entries = Read("a = b\\\n\nc = d\n");

        Assert.Equal(2, entries.Count);
        Assert.Equal(("a", "b", 1), (entries[0].Key, entries[0].Value, entries[0].Line));
        Assert.Equal(("c", "d", 3), (entries[1].Key, entries[1].Value, entries[1].Line));
    }

    [Fact]
    public void Continuation_line_starting_with_a_hash_is_not_a_comment()
    {
        Assert.Equal("one#two", Single("key = one\\\n  #two").Value);
    }

    [Fact]
    public void Continuation_at_end_of_input_drops_the_backslash()
    {
        Assert.Equal("value", Single("key = value\\").Value);
    }

    [Fact]
    public void Continuation_into_a_comment_mark_with_nothing_before_it_is_a_comment()
    {
        // The JDK since 9 checks for a comment wherever a logical line is still empty.
        var entry = Single("   \\\n  # comment = x\nkey = v\n");

        Assert.Equal(("key", "v", 3), (entry.Key, entry.Value, entry.Line));
    }

    [Theory]
    [InlineData("\\", 1)]
    [InlineData("\\\n", 1)]
    [InlineData("\\\r", 1)]
    [InlineData("\\\r\n", 0)]
    [InlineData("\\\n  ", 0)]
    [InlineData("\\\n\n", 0)]
    public void Lone_backslash_at_end_of_input_follows_the_JDK(string text, int emptyKeys)
    {
        var entries = Read("a = 1\n" + text);

        Assert.Equal(emptyKeys, entries.Count(e => e.Key.Length == 0 && e.Value.Length == 0));
        Assert.Equal(1 + emptyKeys, entries.Count);
    }

    [Fact]
    public void Lines_after_a_continuation_keep_their_physical_line_numbers()
    {
        var entries = Read("a = 1 \\\n  2 \\\n  3\nb = 4\n");

        Assert.Equal(("a", "1 2 3", 1), (entries[0].Key, entries[0].Value, entries[0].Line));
        Assert.Equal(("b", 4), (entries[1].Key, entries[1].Line));
    }

    [Theory]
    [InlineData(@"k = a\tb", "a\tb")]
    [InlineData(@"k = a\nb", "a\nb")]
    [InlineData(@"k = a\rb", "a\rb")]
    [InlineData(@"k = a\fb", "a\fb")]
    [InlineData(@"k = a\\b", @"a\b")]
    [InlineData(@"k = a\=b", "a=b")]
    [InlineData(@"k = a\:b", "a:b")]
    [InlineData(@"k = a\#b", "a#b")]
    [InlineData(@"k = a\!b", "a!b")]
    [InlineData(@"k = \ a", " a")]
    public void Escape_sequences_are_decoded(string line, string value)
    {
        Assert.Equal(value, Single(line).Value);
    }

    [Fact]
    public void Escaped_spaces_stay_in_the_key()
    {
        var entry = Single(@"key\ with\ spaces = v");

        Assert.Equal(("key with spaces", "v"), (entry.Key, entry.Value));
    }

    [Theory]
    [InlineData(@"a\=b = c", "a=b")]
    [InlineData(@"a\:b = c", "a:b")]
    [InlineData(@"\#notacomment = c", "#notacomment")]
    [InlineData(@"\!bang = c", "!bang")]
    public void Escaped_separators_and_comment_marks_stay_in_the_key(string line, string key)
    {
        var entry = Single(line);

        Assert.Equal((key, "c"), (entry.Key, entry.Value));
    }

    [Fact]
    public void Unicode_escapes_are_decoded_in_keys_and_values()
    {
        var entry = Single(@"\u0041key = \u0041\u00e9\uD55C\ud83d\ude00");

        Assert.Equal(("Akey", "Aé한😀"), (entry.Key, entry.Value));
    }

    [Theory]
    [InlineData(@"k = \u00G1")]
    [InlineData(@"k = \u12")]
    [InlineData(@"k = \u")]
    [InlineData(@"k = \u 123")]
    [InlineData(@"k = \u+123")]
    public void Malformed_unicode_escape_names_the_key_and_line(string line)
    {
        var error = Assert.Throws<ConfigurationException>(() => Read("# header\n\n" + line + "\n"));

        Assert.StartsWith("test.properties:3: k: malformed \\uXXXX escape", error.Message, StringComparison.Ordinal);
        Assert.Equal(("k", "test.properties", 3), (error.Key, error.SourceName, error.Line));
    }

    [Theory]
    [InlineData(@"k = \q\z\""", "qz\"")]
    [InlineData(@"k = \é", "é")]
    public void Other_escaped_characters_stand_for_themselves(string line, string value)
    {
        Assert.Equal(value, Single(line).Value);
    }

    [Theory]
    [InlineData("key")]
    [InlineData("key=")]
    [InlineData("key   ")]
    [InlineData("key :  ")]
    public void Key_without_value_gets_an_empty_string(string line)
    {
        var entry = Single(line);

        Assert.Equal(("key", ""), (entry.Key, entry.Value));
    }

    [Fact]
    public void Values_keep_trailing_whitespace()
    {
        Assert.Equal("memory  \t", Single("type = memory  \t").Value);
    }

    [Fact]
    public void Duplicated_key_keeps_the_last_value_and_its_line()
    {
        var entries = Read("a = 1\nb = 2\na = 3\n");

        Assert.Equal(2, entries.Count);
        Assert.Equal(("b", "2", 2), (entries[0].Key, entries[0].Value, entries[0].Line));
        Assert.Equal(("a", "3", 3), (entries[1].Key, entries[1].Value, entries[1].Line));
    }

    [Fact]
    public void Lines_may_end_with_lf_cr_or_crlf()
    {
        var entries = Read("a = 1\r\nb = 2\rc = 3\nd = 4");

        Assert.Equal(["a", "b", "c", "d"], entries.Select(e => e.Key));
        Assert.Equal([1, 2, 3, 4], entries.Select(e => e.Line));
    }

    [Fact]
    public void Blank_and_whitespace_only_lines_are_skipped()
    {
        var entry = Single("\n   \n\t\f\nkey = value\n\n");

        Assert.Equal(4, entry.Line);
    }

    [Fact]
    public void Byte_order_mark_is_not_part_of_the_first_key()
    {
        Assert.Equal("a1.sources", Single("\uFEFFa1.sources = r1").Key);
    }

    [Fact]
    public void Entries_carry_the_source_name()
    {
        var entry = Assert.Single(PropertiesReader.Read(new StringReader("a=b"), "/etc/flume/agent.conf"));

        Assert.Equal("/etc/flume/agent.conf:1", entry.Location);
    }
}
