namespace Flume.Logging.Protocol.Tests;

/// <summary>Checks on the header key cache, which every decoder and every test running in parallel share.</summary>
internal static class KeyCacheAssert
{
    /// <summary>
    /// Decodes the same key twice with <paramref name="decode"/> and requires one string instance. A test running in
    /// parallel may take the key's slots in between, so a few tries are allowed.
    /// </summary>
    public static void DecodesToOneString(string key, Func<string> decode)
    {
        var same = false;
        for (var attempt = 0; attempt < 5 && !same; attempt++)
        {
            var first = decode();
            var second = decode();
            Assert.Equal(key, second);
            same = ReferenceEquals(first, second);
        }

        Assert.True(same, $"each decode of '{key}' made its own string");
    }
}
