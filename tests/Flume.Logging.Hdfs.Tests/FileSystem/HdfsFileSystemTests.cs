using System.Text;
using Flume.Logging.Hdfs.Config;
using Flume.Logging.Hdfs.FileSystem;
using Flume.Logging.Hdfs.Protos;
using Flume.Logging.Testing;
using Flume.Logging.Testing.Hdfs;
using Microsoft.Extensions.Time.Testing;

namespace Flume.Logging.Hdfs.Tests.FileSystem;

/// <summary>Our client end to end against the test cluster: the NameNode for the namespace, the DataNodes for the bytes.</summary>
public sealed class HdfsFileSystemTests : IAsyncDisposable
{
    private const int BlockSize = 256 * 1024;
    private TestHdfsCluster? _cluster;
    private HdfsFileSystem? _fileSystem;

    private HdfsFileSystem Start(int dataNodes = 1, int replication = 1)
    {
        _cluster = new TestHdfsCluster(dataNodes, BlockSize, replication);
        return _fileSystem = _cluster.CreateFileSystem();
    }

    private TestHdfsCluster Cluster => _cluster!;

    public async ValueTask DisposeAsync()
    {
        if (_fileSystem is not null)
        {
            await _fileSystem.DisposeAsync();
        }

        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    private static byte[] Batch(int index, int size)
    {
        var bytes = new byte[size];
        new Random(index).NextBytes(bytes);
        return bytes;
    }

    [Fact]
    public async Task A_file_written_in_hflushed_batches_across_block_boundaries_reads_back_byte_exact()
    {
        var fs = Start();
        var expected = new MemoryStream();
        var stream = await fs.CreateAsync("/flume/events/FlumeData.1.tmp");
        for (var i = 0; i < 20; i++)
        {
            // 100 KB batches: every third crosses a 256 KiB block boundary.
            var batch = Batch(i, 100_000);
            await stream.WriteAsync(batch);
            await stream.HFlushAsync();
            expected.Write(batch);
            Assert.Equal(expected.Length, (await fs.ReadAllBytesAsync(stream.Path)).Length);
        }

        await stream.CloseAsync();

        Assert.Equal(expected.ToArray(), await fs.ReadAllBytesAsync(stream.Path));
        var status = await fs.GetFileInfoAsync(stream.Path);
        Assert.NotNull(status);
        Assert.Equal((ulong)expected.Length, status.Length);
        Assert.Equal(HdfsFileStatusProto.Types.FileType.IsFile, status.FileType);
        Assert.Null(Cluster.NameNode.LeaseHolder(stream.Path));
    }

    [Fact]
    public async Task What_hflush_returned_for_is_readable_by_another_client_before_the_file_is_closed()
    {
        var fs = Start();
        var stream = await fs.CreateAsync("/open.tmp");
        await stream.WriteAsync(Encoding.UTF8.GetBytes("first batch\n"));
        await stream.HFlushAsync();
        await using var reader = Cluster.CreateFileSystem();

        Assert.Equal("first batch\n", Encoding.UTF8.GetString(await reader.ReadAllBytesAsync("/open.tmp")));
        Assert.Equal(fs.NameNode.ClientName, Cluster.NameNode.LeaseHolder("/open.tmp"));
        await stream.CloseAsync();
    }

    [Fact]
    public async Task Hsync_has_the_DataNodes_sync_the_block_and_tells_the_NameNode_the_length()
    {
        var fs = Start();
        var stream = await fs.CreateAsync("/synced");
        await stream.WriteAsync(new byte[1000]);
        await stream.HSyncAsync();

        Assert.True(Cluster.DataNodes[0].SyncPackets > 0);
        Assert.Contains("fsync", Cluster.NameNode.MethodsCalled);
        await stream.CloseAsync();
    }

    [Fact]
    public async Task A_DataNode_dying_mid_block_drops_out_of_the_pipeline_and_the_file_is_whole_on_the_others()
    {
        var fs = Start(dataNodes: 3, replication: 3);
        Cluster.DataNodes[1].DieAfterBytes = 150_000;
        var expected = new MemoryStream();
        var stream = await fs.CreateAsync("/recovered");
        for (var i = 0; i < 6; i++)
        {
            var batch = Batch(i, 100_000);
            await stream.WriteAsync(batch);
            await stream.HFlushAsync();
            expected.Write(batch);
        }

        await stream.CloseAsync();

        Assert.True(Cluster.DataNodes[1].IsDead);
        Assert.Equal(1, stream.Recoveries);
        Assert.Equal(expected.ToArray(), await fs.ReadAllBytesAsync("/recovered"));
        Assert.Contains("updatePipeline", Cluster.NameNode.MethodsCalled);
    }

    [Fact]
    public async Task When_every_DataNode_of_the_pipeline_fails_the_stream_says_so_and_the_lease_can_be_recovered()
    {
        var fs = Start();
        Cluster.DataNodes[0].DieAfterBytes = 10_000;
        var stream = await fs.CreateAsync("/lost.tmp");
        await stream.WriteAsync(new byte[5_000]);
        await stream.HFlushAsync();

        var failure = await Assert.ThrowsAsync<IOException>(async () =>
        {
            await stream.WriteAsync(new byte[20_000]);
            await stream.HFlushAsync();
        });
        Assert.Contains("every DataNode", failure.Message, StringComparison.Ordinal);
        Assert.Contains("Recover the file's lease", failure.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<IOException>(() => stream.CloseAsync());
        await stream.DisposeAsync();

        await using var other = Cluster.CreateFileSystem();
        // recoverLease answers false while the recovery it started runs; callers ask again, bounded.
        var recovered = false;
        for (var attempt = 0; attempt < 50 && !recovered; attempt++)
        {
            recovered = await other.RecoverLeaseAsync("/lost.tmp");
            await Task.Delay(recovered ? 0 : 100);
        }

        Assert.True(recovered);
        Assert.Null(Cluster.NameNode.LeaseHolder("/lost.tmp"));
    }

    [Fact]
    public async Task A_DataNode_refusing_a_new_block_is_left_out_of_the_next_addBlock()
    {
        var fs = Start(dataNodes: 2);
        await Cluster.DataNodes[0].DisposeAsync();
        var stream = await fs.CreateAsync("/second-node");
        await stream.WriteAsync(new byte[3000]);
        await stream.CloseAsync();

        Assert.Contains("abandonBlock", Cluster.NameNode.MethodsCalled);
        Assert.Equal(new byte[3000], await fs.ReadAllBytesAsync("/second-node"));
    }

    [Fact]
    public async Task Rename_delete_mkdirs_and_listing_change_the_namespace()
    {
        var fs = Start();
        Assert.True(await fs.MkdirsAsync("/logs/2026/12"));
        for (var i = 0; i < 3; i++)
        {
            var stream = await fs.CreateAsync($"/logs/2026/12/FlumeData.{i}.tmp");
            await stream.WriteAsync(new byte[10]);
            await stream.CloseAsync();
        }

        await fs.RenameAsync("/logs/2026/12/FlumeData.0.tmp", "/logs/2026/12/FlumeData.0");
        await Assert.ThrowsAnyAsync<IOException>(() => fs.RenameAsync("/logs/2026/12/FlumeData.1.tmp", "/logs/2026/12/FlumeData.0"));
        await fs.RenameAsync("/logs/2026/12/FlumeData.1.tmp", "/logs/2026/12/FlumeData.0", overwrite: true);
        Assert.True(await fs.DeleteAsync("/logs/2026/12/FlumeData.2.tmp"));
        Assert.False(await fs.DeleteAsync("/logs/2026/12/FlumeData.2.tmp"));

        var names = (await fs.ListAsync("/logs/2026/12")).Select(s => s.Path.ToStringUtf8()).ToArray();
        Assert.Equal(["FlumeData.0"], names);
        await Assert.ThrowsAsync<FileNotFoundException>(() => fs.ListAsync("/nowhere"));
    }

    [Fact]
    public async Task Creating_a_file_another_client_is_writing_fails_with_the_NameNode_s_reason()
    {
        var fs = Start();
        var stream = await fs.CreateAsync("/busy");
        await using var other = Cluster.CreateFileSystem();

        var refused = await Assert.ThrowsAnyAsync<Exception>(() => other.CreateAsync("/busy", overwrite: true));

        Assert.Contains("AlreadyBeingCreatedException", refused.ToString(), StringComparison.Ordinal);
        await stream.CloseAsync();
    }

    [Fact]
    public async Task The_lease_is_renewed_while_a_file_is_open()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        _cluster = new TestHdfsCluster(1, BlockSize, 1, time);
        _fileSystem = Cluster.CreateFileSystem(time: time);
        var stream = await _fileSystem.CreateAsync("/long-open");
        var before = Cluster.NameNode.LastLeaseRenewal(_fileSystem.NameNode.ClientName);

        time.Advance(LeaseRenewer.RenewInterval);
        await Eventually.TrueAsync(() => _fileSystem.Leases.Renewals == 1, "one renewal");

        Assert.NotEqual(before, Cluster.NameNode.LastLeaseRenewal(_fileSystem.NameNode.ClientName));
        await stream.CloseAsync();
    }

    [Fact]
    public async Task The_go_client_reads_what_we_wrote_and_we_read_what_it_wrote()
    {
        var fs = Start();
        var ours = Batch(1, 300_000);
        var stream = await fs.CreateAsync("/from-dotnet");
        await stream.WriteAsync(ours);
        await stream.CloseAsync();
        var local = Path.GetTempFileName();
        var copy = local + ".copy";
        try
        {
            var (getExit, getOutput) = await Cluster.RunCliAsync("get", "/from-dotnet", copy);
            Assert.True(getExit == 0, getOutput);
            Assert.Equal(ours, await File.ReadAllBytesAsync(copy));
            var text = await fs.CreateAsync("/text");
            await text.WriteAsync(Encoding.UTF8.GetBytes("one\ntwo\n"));
            await text.CloseAsync();
            var (catExit, catOutput) = await Cluster.RunCliAsync("cat", "/text");
            Assert.True(catExit == 0, catOutput);
            Assert.Equal("one\ntwo\n", catOutput);

            var theirs = Batch(2, 600_000);
            await File.WriteAllBytesAsync(local, theirs);
            var (putExit, putOutput) = await Cluster.RunCliAsync("put", local, "/from-go");
            Assert.True(putExit == 0, putOutput);
            Assert.Equal(theirs, await fs.ReadAllBytesAsync("/from-go"));
        }
        finally
        {
            File.Delete(local);
            File.Delete(copy);
        }
    }

    [Fact]
    public async Task A_cluster_that_encrypts_data_transfer_is_refused_before_a_file_is_created_with_a_message_that_says_why()
    {
        var fs = Start();
        Cluster.NameNode.EncryptDataTransfer = true;

        var refused = await Assert.ThrowsAsync<NotSupportedException>(() => fs.CreateAsync("/secret"));

        Assert.Contains("dfs.encrypt.data.transfer", refused.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("create", Cluster.NameNode.MethodsCalled);
    }

    [Fact]
    public async Task A_file_opened_on_one_NameNode_of_an_HA_pair_is_written_and_closed_through_the_other_after_a_failover()
    {
        Start();
        await using var peer = Cluster.NameNode.StartHaPeer();
        await using var fs = Cluster.CreateFileSystem(nameNodes: [Cluster.NameNode, peer]);
        var stream = await fs.CreateAsync("/ha/FlumeData.1.tmp");
        await stream.WriteAsync(Batch(1, 300_000));
        await stream.HFlushAsync();

        Cluster.NameNode.IsStandby = true;
        peer.IsStandby = false;
        await stream.WriteAsync(Batch(2, 300_000));
        await stream.CloseAsync();
        await fs.RenameAsync("/ha/FlumeData.1.tmp", "/ha/FlumeData.1");

        var expected = Batch(1, 300_000).Concat(Batch(2, 300_000)).ToArray();
        Assert.Equal(expected, await fs.ReadAllBytesAsync("/ha/FlumeData.1"));
        Assert.Contains("addBlock", peer.MethodsCalled);
        Assert.Contains("complete", peer.MethodsCalled);
    }

    [Fact]
    public void Connecting_with_a_configuration_that_needs_Kerberos_or_protected_data_transfer_is_refused_naming_the_setting()
    {
        var kerberos = new HadoopConfiguration(new Dictionary<string, string> { ["fs.defaultFS"] = "hdfs://127.0.0.1:1", ["hadoop.security.authentication"] = "kerberos" });
        var protection = new HadoopConfiguration(new Dictionary<string, string> { ["fs.defaultFS"] = "hdfs://127.0.0.1:1", ["dfs.data.transfer.protection"] = "privacy" });

        var first = Assert.Throws<NotSupportedException>(() => HdfsFileSystem.Connect(null, new HdfsClientOptions(), kerberos));
        var second = Assert.Throws<NotSupportedException>(() => HdfsFileSystem.Connect(null, new HdfsClientOptions(), protection));

        Assert.Contains("hadoop.security.authentication = kerberos", first.Message, StringComparison.Ordinal);
        Assert.Contains("dfs.data.transfer.protection = privacy", second.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connect_finds_the_NameNode_from_fs_defaultFS_when_no_uri_is_given()
    {
        Start();
        var configuration = new HadoopConfiguration(new Dictionary<string, string> { ["fs.defaultFS"] = Cluster.Uri.ToString() });
        await using var fs = HdfsFileSystem.Connect(null, new HdfsClientOptions { User = "flume" }, configuration);

        Assert.True(await fs.MkdirsAsync("/from-default-fs"));
        Assert.Contains("/from-default-fs", Cluster.NameNode.Paths());
    }
}
