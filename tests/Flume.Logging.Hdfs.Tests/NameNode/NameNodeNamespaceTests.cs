using Flume.Logging.Hdfs.Ipc;
using Flume.Logging.Hdfs.NameNode;
using Flume.Logging.Hdfs.Protos;
using Flume.Logging.Testing.Hdfs;

namespace Flume.Logging.Hdfs.Tests.NameNode;

public sealed class NameNodeNamespaceTests : IAsyncLifetime
{
    private readonly TestNameNode _nameNode = new([], blockSize: 4 * 1024 * 1024, replication: 3);
    private readonly NameNodeClient _client;

    public NameNodeNamespaceTests()
    {
        _client = NameNodeClients.For(_nameNode);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        await _nameNode.DisposeAsync();
    }

    [Fact]
    public async Task Server_defaults_announce_the_block_size_replication_and_crc32c_of_512_byte_chunks()
    {
        var defaults = await _client.GetServerDefaultsAsync(CancellationToken.None);

        Assert.Equal(4UL * 1024 * 1024, defaults.BlockSize);
        Assert.Equal(3U, defaults.Replication);
        Assert.Equal(512U, defaults.BytesPerChecksum);
        Assert.Equal(65536U, defaults.WritePacketSize);
        Assert.Equal(ChecksumTypeProto.ChecksumCrc32C, defaults.ChecksumType);
    }

    [Fact]
    public async Task Mkdirs_creates_parents_and_file_info_reports_the_directory_or_null_when_missing()
    {
        Assert.True(await _client.MkdirsAsync("/flume/events/2026", 493, createParent: true, CancellationToken.None));

        var status = await _client.GetFileInfoAsync("/flume/events/2026", CancellationToken.None);
        Assert.NotNull(status);
        Assert.Equal(HdfsFileStatusProto.Types.FileType.IsDir, status.FileType);
        Assert.Equal("flume", status.Owner);
        Assert.Equal(493U, status.Permission.Perm);
        Assert.Null(await _client.GetFileInfoAsync("/flume/missing", CancellationToken.None));
    }

    [Fact]
    public async Task Mkdirs_without_create_parent_in_a_missing_directory_is_file_not_found()
    {
        var error = await Assert.ThrowsAsync<RemoteException>(() => _client.MkdirsAsync("/a/b", 493, createParent: false, CancellationToken.None));

        Assert.True(error.IsFileNotFound);
    }

    [Fact]
    public async Task Create_takes_the_lease_and_refuses_an_existing_file_unless_overwriting()
    {
        var created = await _client.CreateAsync("/logs/a.log", NameNodeClients.NewFile, CancellationToken.None);

        Assert.Equal(_client.ClientName, _nameNode.LeaseHolder("/logs/a.log"));
        Assert.NotNull(_nameNode.LastLeaseRenewal(_client.ClientName));
        await _client.CompleteAsync("/logs/a.log", created.FileId, last: null, CancellationToken.None);
        Assert.Null(_nameNode.LeaseHolder("/logs/a.log"));
        var exists = await Assert.ThrowsAsync<RemoteException>(() => _client.CreateAsync("/logs/a.log", NameNodeClients.NewFile, CancellationToken.None));
        Assert.True(exists.IsFileAlreadyExists);
        var replaced = await _client.CreateAsync("/logs/a.log", NameNodeClients.NewFile with { Overwrite = true }, CancellationToken.None);
        Assert.NotEqual(created.FileId, replaced.FileId);
    }

    [Fact]
    public async Task Create_in_a_missing_directory_without_create_parent_is_file_not_found()
    {
        var error = await Assert.ThrowsAsync<RemoteException>(() =>
            _client.CreateAsync("/missing/a.log", NameNodeClients.NewFile with { CreateParent = false }, CancellationToken.None));

        Assert.True(error.IsFileNotFound);
    }

    [Fact]
    public async Task Listing_pages_through_a_directory_in_name_order()
    {
        foreach (var name in new[] { "c", "a", "d", "b", "e" })
        {
            await _client.MkdirsAsync("/dir/" + name, 493, createParent: true, CancellationToken.None);
        }

        _nameNode.ListingPageSize = 2;
        var names = new List<string>();
        var startAfter = ReadOnlyMemory<byte>.Empty;
        for (var page = 0; page < 10; page++)
        {
            var listing = await _client.GetListingAsync("/dir", startAfter, needLocation: false, CancellationToken.None);
            Assert.NotNull(listing);
            names.AddRange(listing.PartialListing.Select(s => s.Path.ToStringUtf8()));
            if (listing.RemainingEntries == 0)
            {
                break;
            }

            startAfter = listing.PartialListing[^1].Path.Memory;
        }

        Assert.Equal(["a", "b", "c", "d", "e"], names);
        Assert.Null(await _client.GetListingAsync("/nothing", ReadOnlyMemory<byte>.Empty, needLocation: false, CancellationToken.None));
    }

    [Fact]
    public async Task Old_rename_moves_into_an_existing_directory_and_answers_false_instead_of_throwing()
    {
        await _client.MkdirsAsync("/src/sub", 493, createParent: true, CancellationToken.None);
        await _client.MkdirsAsync("/dst", 493, createParent: true, CancellationToken.None);

        Assert.True(await _client.RenameAsync("/src", "/dst", CancellationToken.None));
        Assert.False(await _client.RenameAsync("/src", "/elsewhere", CancellationToken.None));
        Assert.Contains("/dst/src/sub", _nameNode.Paths());
    }

    [Fact]
    public async Task Rename2_replaces_the_destination_only_when_overwriting()
    {
        var a = await _client.CreateAsync("/r/a", NameNodeClients.NewFile, CancellationToken.None);
        var b = await _client.CreateAsync("/r/b", NameNodeClients.NewFile, CancellationToken.None);
        await _client.CompleteAsync("/r/a", a.FileId, null, CancellationToken.None);
        await _client.CompleteAsync("/r/b", b.FileId, null, CancellationToken.None);

        var exists = await Assert.ThrowsAsync<RemoteException>(() => _client.Rename2Async("/r/a", "/r/b", overwrite: false, CancellationToken.None));
        await _client.Rename2Async("/r/a", "/r/b", overwrite: true, CancellationToken.None);
        var missing = await Assert.ThrowsAsync<RemoteException>(() => _client.Rename2Async("/r/a", "/r/c", overwrite: false, CancellationToken.None));

        Assert.True(exists.IsFileAlreadyExists);
        Assert.True(missing.IsFileNotFound);
        Assert.Equal(a.FileId, (await _client.GetFileInfoAsync("/r/b", CancellationToken.None))!.FileId);
    }

    [Fact]
    public async Task Delete_refuses_a_non_empty_directory_unless_recursive_and_answers_false_when_missing()
    {
        await _client.MkdirsAsync("/d/e", 493, createParent: true, CancellationToken.None);

        var error = await Assert.ThrowsAsync<RemoteException>(() => _client.DeleteAsync("/d", recursive: false, CancellationToken.None));

        Assert.Equal(HadoopExceptionNames.PathIsNotEmptyDirectory, error.ClassName);
        Assert.True(await _client.DeleteAsync("/d", recursive: true, CancellationToken.None));
        Assert.False(await _client.DeleteAsync("/d", recursive: true, CancellationToken.None));
        Assert.Equal(["/"], _nameNode.Paths());
    }
}
