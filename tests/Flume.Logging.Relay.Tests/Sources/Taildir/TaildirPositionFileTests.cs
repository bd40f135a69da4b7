using Flume.Logging.Relay.Sources.Taildir;

namespace Flume.Logging.Relay.Tests.Sources.Taildir;

public sealed class TaildirPositionFileTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("taildir-pos-").FullName;

    private string PathOf(string name) => Path.Combine(_dir, name);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public void A_file_as_flume_writes_it_is_read_entry_by_entry()
    {
        var file = PathOf("p.json");
        File.WriteAllText(file, "[{\"inode\":2496137,\"pos\":1024,\"file\":\"/var/log/test1/example.log\"},{\"inode\":2496138,\"pos\":0,\"file\":\"/var/log/test2/a.log\"}]");

        Assert.Equal(
            [new TaildirPosition(2496137, 1024, "/var/log/test1/example.log"), new TaildirPosition(2496138, 0, "/var/log/test2/a.log")],
            TaildirPositionFile.Read(file));
    }

    [Fact]
    public void Written_entries_read_back_the_same_in_flumes_field_order()
    {
        var file = PathOf("p.json");
        TaildirPosition[] positions = [new(1, 2, "/a b/\"quoted\".log"), new(long.MaxValue, 0, "/x")];

        TaildirPositionFile.Write(file, positions);

        Assert.Equal(positions, TaildirPositionFile.Read(file));
        Assert.StartsWith("[{\"inode\":1,\"pos\":2,\"file\":", File.ReadAllText(file), StringComparison.Ordinal);
        Assert.Equal(["p.json"], Directory.GetFiles(_dir).Select(Path.GetFileName));
    }

    [Fact]
    public void A_missing_or_empty_file_holds_no_entries()
    {
        Assert.Empty(TaildirPositionFile.Read(PathOf("missing.json")));
        File.WriteAllText(PathOf("empty.json"), "\n");
        Assert.Empty(TaildirPositionFile.Read(PathOf("empty.json")));
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("[{\"inode\":1,\"pos\":2}]")]
    [InlineData("[{\"inode\":1,\"pos\":-2,\"file\":\"/a\"}]")]
    [InlineData("[{\"inode\":1,\"pos\":2,\"file\":\"/a\"}")]
    [InlineData("not json")]
    public void Anything_else_is_refused_with_the_file_named(string content)
    {
        var file = PathOf("bad.json");
        File.WriteAllText(file, content);

        var error = Assert.Throws<InvalidDataException>(() => TaildirPositionFile.Read(file));
        Assert.Contains(file, error.Message, StringComparison.Ordinal);
    }
}
