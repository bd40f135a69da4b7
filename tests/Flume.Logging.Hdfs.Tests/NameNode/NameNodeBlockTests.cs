using Flume.Logging.Hdfs.Ipc;
using Flume.Logging.Hdfs.NameNode;
using Flume.Logging.Hdfs.Protos;
using Flume.Logging.Testing;
using Flume.Logging.Testing.Hdfs;

namespace Flume.Logging.Hdfs.Tests.NameNode;

public sealed class NameNodeBlockTests : IAsyncLifetime
{
    private const string File = "/flume/events.tmp";
    private readonly TestReplicaTable _dataNode1 = new();
    private readonly TestReplicaTable _dataNode2 = new();
    private readonly CountingTimeProvider _time = new();
    private readonly TestNameNode _nameNode;
    private readonly NameNodeClient _client;
    private int _timerBaseline;

    public NameNodeBlockTests()
    {
        _nameNode = new TestNameNode([new TestDataNodeInfo("dn-1", 50010, _dataNode1), new TestDataNodeInfo("dn-2", 50011, _dataNode2)]);
        _client = NameNodeClients.For(_nameNode, _time);
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _client.DisposeAsync();
        await _nameNode.DisposeAsync();
    }

    private async Task<(ulong FileId, LocatedBlockProto Block)> CreateWithBlockAsync(NameNodeClient? client = null)
    {
        client ??= _client;
        var status = await client.CreateAsync(File, NameNodeClients.NewFile, CancellationToken.None);
        var block = await client.AddBlockAsync(File, status.FileId, previous: null, [], CancellationToken.None);
        return (status.FileId, block);
    }

    private static void Store(LocatedBlockProto block, long length, bool finalized, params TestReplicaTable[] dataNodes)
    {
        foreach (var dataNode in dataNodes)
        {
            dataNode.Put(new TestReplica((long)block.B.BlockId, (long)block.B.GenerationStamp, length, finalized));
        }
    }

    private int CompleteCalls => _nameNode.MethodsCalled.Count(m => m == "complete");

    private Task StartComplete(NameNodeClient client, ulong fileId, ExtendedBlockProto last)
    {
        _timerBaseline = _time.TimersCreated;
        return client.CompleteAsync(File, fileId, last, CancellationToken.None);
    }

    /// <summary>
    /// Waits until the client sleeps after its <paramref name="calls"/>th complete: each call sets one timer (its
    /// timeout, gone once answered) and each sleep one, so counting timers tells the sleep from a call in flight.
    /// </summary>
    private Task WaitForCompleteDelayAsync(int calls) =>
        Eventually.TrueAsync(() => _time.TimersCreated - _timerBaseline == 2 * calls && _time.ActiveTimerCount == 1, $"complete call {calls} then a delay");

    /// <summary>Lets the sleep after the <paramref name="calls"/>th complete pass, checking it is exactly <paramref name="delay"/>.</summary>
    private async Task PassCompleteDelayAsync(int calls, TimeSpan delay)
    {
        await WaitForCompleteDelayAsync(calls);
        _time.Advance(delay - TimeSpan.FromMilliseconds(1));
        Assert.Equal(calls, CompleteCalls);
        _time.Advance(TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public async Task Add_block_places_the_block_on_the_datanodes_and_honours_excluded_nodes()
    {
        var (fileId, first) = await CreateWithBlockAsync();
        await _client.AbandonBlockAsync(File, fileId, first.B, CancellationToken.None);
        var second = await _client.AddBlockAsync(File, fileId, previous: null, [first.Locs[0]], CancellationToken.None);

        Assert.Equal(["dn-1", "dn-2"], first.Locs.Select(l => l.Id.DatanodeUuid));
        Assert.Equal([50010U, 50011U], first.Locs.Select(l => l.Id.XferPort));
        Assert.Equal(_nameNode.PoolId, first.B.PoolId);
        Assert.Equal("dn-2", Assert.Single(second.Locs).Id.DatanodeUuid);
        Assert.NotEqual(first.B.BlockId, second.B.BlockId);
        var located = await _client.GetBlockLocationsAsync(File, 0, ulong.MaxValue, CancellationToken.None);
        Assert.Equal(second.B.BlockId, Assert.Single(located!.Blocks).B.BlockId);
    }

    [Fact]
    public async Task Complete_answers_false_until_the_last_block_is_finalized_on_a_datanode()
    {
        var (fileId, block) = await CreateWithBlockAsync();
        Store(block, 100, finalized: false, _dataNode1, _dataNode2);
        var last = block.B.Clone();
        last.NumBytes = 100;

        var complete = StartComplete(_client, fileId, last);
        await PassCompleteDelayAsync(calls: 1, TimeSpan.FromMilliseconds(400));
        await WaitForCompleteDelayAsync(calls: 2);
        Store(block, 100, finalized: true, _dataNode2);
        _time.Advance(TimeSpan.FromMilliseconds(800));
        await complete.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Null(_nameNode.LeaseHolder(File));
        Assert.Equal(100UL, (await _client.GetFileInfoAsync(File, CancellationToken.None))!.Length);
    }

    [Fact]
    public async Task Complete_retries_after_400_800_and_1600_ms_while_the_namenode_answers_false()
    {
        var (fileId, block) = await CreateWithBlockAsync();
        Store(block, 0, finalized: true, _dataNode1);
        _nameNode.CompleteFalseAnswers = 3;

        var complete = StartComplete(_client, fileId, block.B);
        await PassCompleteDelayAsync(calls: 1, TimeSpan.FromMilliseconds(400));
        await PassCompleteDelayAsync(calls: 2, TimeSpan.FromMilliseconds(800));
        await PassCompleteDelayAsync(calls: 3, TimeSpan.FromMilliseconds(1600));
        await complete.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(4, CompleteCalls);
    }

    [Fact]
    public async Task Complete_gives_up_after_the_configured_retries()
    {
        await using var client = NameNodeClients.For(_nameNode, _time, NameNodeClients.Options(completeRetries: 2));
        var (fileId, block) = await CreateWithBlockAsync(client);

        var complete = StartComplete(client, fileId, block.B);
        await PassCompleteDelayAsync(calls: 1, TimeSpan.FromMilliseconds(400));
        await PassCompleteDelayAsync(calls: 2, TimeSpan.FromMilliseconds(800));

        var error = await Assert.ThrowsAsync<IOException>(() => complete.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("Unable to close", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, CompleteCalls);
    }

    [Fact]
    public async Task Block_locations_of_a_file_being_written_take_the_last_block_length_from_the_replicas()
    {
        var (_, block) = await CreateWithBlockAsync();
        Store(block, 300, finalized: false, _dataNode1, _dataNode2);

        var located = await _client.GetBlockLocationsAsync(File, 0, 1 << 20, CancellationToken.None);

        Assert.NotNull(located);
        Assert.True(located.UnderConstruction);
        Assert.False(located.IsLastBlockComplete);
        Assert.Equal(300UL, located.FileLength);
        Assert.Equal(300UL, located.LastBlock.B.NumBytes);
        Assert.Equal(2, Assert.Single(located.Blocks).Locs.Count);
        var missing = await Assert.ThrowsAsync<RemoteException>(() => _client.GetBlockLocationsAsync("/nothing", 0, 1, CancellationToken.None));
        Assert.True(missing.IsFileNotFound);
    }

    [Fact]
    public async Task A_listing_that_asks_for_locations_carries_each_files_blocks()
    {
        var (_, block) = await CreateWithBlockAsync();
        Store(block, 42, finalized: false, _dataNode1);

        var listing = await _client.GetListingAsync("/flume", ReadOnlyMemory<byte>.Empty, needLocation: true, CancellationToken.None);
        var withoutLocations = await _client.GetListingAsync("/flume", ReadOnlyMemory<byte>.Empty, needLocation: false, CancellationToken.None);

        var located = Assert.Single(listing!.PartialListing).Locations;
        Assert.Equal(block.B.BlockId, Assert.Single(located.Blocks).B.BlockId);
        Assert.Equal(42UL, located.FileLength);
        Assert.Null(Assert.Single(withoutLocations!.PartialListing).Locations);
    }

    [Fact]
    public async Task Fsync_makes_the_written_length_visible_in_the_file_status()
    {
        var (fileId, _) = await CreateWithBlockAsync();

        await _client.FsyncAsync(File, fileId, 123, CancellationToken.None);

        Assert.Equal(123UL, (await _client.GetFileInfoAsync(File, CancellationToken.None))!.Length);
    }

    [Fact]
    public async Task A_second_client_cannot_create_a_file_another_client_is_writing()
    {
        await CreateWithBlockAsync();
        await using var other = NameNodeClients.For(_nameNode);

        var error = await Assert.ThrowsAsync<RemoteException>(() =>
            other.CreateAsync(File, NameNodeClients.NewFile with { Overwrite = true }, CancellationToken.None));

        Assert.True(error.IsAlreadyBeingCreated);
        Assert.Contains(_client.ClientName, error.ServerMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Renew_lease_is_recorded_and_a_client_without_the_lease_cannot_add_blocks()
    {
        var (fileId, _) = await CreateWithBlockAsync();
        await using var other = NameNodeClients.For(_nameNode);

        await other.RenewLeaseAsync(CancellationToken.None);
        var error = await Assert.ThrowsAsync<RemoteException>(() => other.AddBlockAsync(File, fileId, null, [], CancellationToken.None));

        Assert.NotNull(_nameNode.LastLeaseRenewal(other.ClientName));
        Assert.True(error.IsLeaseExpired);
    }

    [Fact]
    public async Task Recover_lease_closes_the_file_at_the_shortest_replica_and_the_old_writer_loses_the_lease()
    {
        var (fileId, block) = await CreateWithBlockAsync();
        Store(block, 700, finalized: false, _dataNode1);
        Store(block, 500, finalized: false, _dataNode2);
        await using var recoverer = NameNodeClients.For(_nameNode);

        Assert.False(await recoverer.RecoverLeaseAsync(File, CancellationToken.None));
        var writerError = await Assert.ThrowsAsync<RemoteException>(() => _client.FsyncAsync(File, fileId, 10, CancellationToken.None));
        var createError = await Assert.ThrowsAsync<RemoteException>(() =>
            recoverer.CreateAsync(File, NameNodeClients.NewFile with { Overwrite = true }, CancellationToken.None));
        Assert.True(await recoverer.RecoverLeaseAsync(File, CancellationToken.None));
        Assert.True(await recoverer.RecoverLeaseAsync(File, CancellationToken.None));

        Assert.True(writerError.IsLeaseExpired);
        Assert.True(createError.IsRecoveryInProgress);
        Assert.Null(_nameNode.LeaseHolder(File));
        Assert.Equal(500UL, (await _client.GetFileInfoAsync(File, CancellationToken.None))!.Length);
    }

    [Fact]
    public async Task Recover_lease_of_a_file_whose_last_block_reached_no_datanode_drops_that_block_and_closes_at_once()
    {
        await CreateWithBlockAsync();
        await using var recoverer = NameNodeClients.For(_nameNode);

        Assert.True(await recoverer.RecoverLeaseAsync(File, CancellationToken.None));

        Assert.Empty((await recoverer.GetBlockLocationsAsync(File, 0, 1, CancellationToken.None))!.Blocks);
    }

    [Fact]
    public async Task A_rebuilt_pipeline_gets_a_new_generation_stamp_and_its_new_datanodes()
    {
        var (_, block) = await CreateWithBlockAsync();

        var updated = await _client.UpdateBlockForPipelineAsync(block.B, CancellationToken.None);
        var newBlock = updated.B.Clone();
        newBlock.NumBytes = 64;
        await _client.UpdatePipelineAsync(block.B, newBlock, [block.Locs[1].Id], ["DS-dn-2"], CancellationToken.None);

        Assert.True(updated.B.GenerationStamp > block.B.GenerationStamp);
        Assert.Equal(block.B.BlockId, updated.B.BlockId);
        var located = await _client.GetBlockLocationsAsync(File, 0, 1 << 20, CancellationToken.None);
        var last = located!.LastBlock;
        Assert.Equal(updated.B.GenerationStamp, last.B.GenerationStamp);
        Assert.Equal("dn-2", Assert.Single(last.Locs).Id.DatanodeUuid);
        var stale = await Assert.ThrowsAsync<RemoteException>(() => _client.UpdatePipelineAsync(block.B, newBlock, [], [], CancellationToken.None));
        Assert.Equal(HadoopExceptionNames.IO, stale.ClassName);
    }
}
