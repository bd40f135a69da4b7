using Flume.Logging.Hdfs.Config;
using Flume.Logging.Hdfs.Ipc;
using Flume.Logging.Hdfs.NameNode;
using Flume.Logging.Testing;
using Flume.Logging.Testing.Hdfs;
using Microsoft.Extensions.Time.Testing;

namespace Flume.Logging.Hdfs.Tests.NameNode;

public sealed class NameNodeFailoverTests : IAsyncLifetime
{
    private readonly TestNameNode _first;
    private readonly TestNameNode _second;

    public NameNodeFailoverTests()
    {
        _first = new TestNameNode([]);
        _second = _first.StartHaPeer();
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _first.DisposeAsync();
        await _second.DisposeAsync();
    }

    private void Flip()
    {
        _first.IsStandby = !_first.IsStandby;
        _second.IsStandby = !_second.IsStandby;
    }

    [Fact]
    public async Task Calls_fail_over_to_the_active_namenode_of_an_ha_pair_and_follow_it_when_the_pair_flips()
    {
        Flip();
        await using var client = NameNodeClients.For([_first, _second]);

        Assert.True(await client.MkdirsAsync("/one", 493, createParent: true, CancellationToken.None));
        Assert.True(await client.MkdirsAsync("/two", 493, createParent: true, CancellationToken.None));
        Flip();
        Assert.True(await client.MkdirsAsync("/three", 493, createParent: true, CancellationToken.None));

        Assert.Equal(["mkdirs", "mkdirs"], _first.MethodsCalled);
        Assert.Equal(["mkdirs", "mkdirs", "mkdirs"], _second.MethodsCalled);
        Assert.Equal(["/", "/one", "/three", "/two"], _first.Paths());
    }

    [Fact]
    public async Task A_file_created_through_one_namenode_of_a_pair_is_closed_through_the_other_after_a_flip()
    {
        await using var client = NameNodeClients.For([_first, _second]);
        var status = await client.CreateAsync("/ha/file", NameNodeClients.NewFile, CancellationToken.None);

        Flip();
        await client.CompleteAsync("/ha/file", status.FileId, last: null, CancellationToken.None);

        Assert.Null(_second.LeaseHolder("/ha/file"));
        Assert.Equal(["create", "complete"], _first.MethodsCalled);
        Assert.Equal(["complete"], _second.MethodsCalled);
    }

    [Fact]
    public async Task When_every_namenode_is_standby_the_standby_error_surfaces_after_the_bounded_attempts()
    {
        _first.IsStandby = true;
        await using var client = NameNodeClients.For([_first, _second], options: NameNodeClients.Options(maxFailoverAttempts: 5));

        var error = await Assert.ThrowsAsync<RemoteException>(() => client.GetFileInfoAsync("/", CancellationToken.None));

        Assert.True(error.IsStandby);
        Assert.Equal(5, _first.MethodsCalled.Count + _second.MethodsCalled.Count);
    }

    [Fact]
    public async Task A_namenode_that_cannot_be_reached_is_skipped()
    {
        using var dead = new ClosedPort();
        var addresses = new[] { new NameNodeAddress("127.0.0.1", dead.Port), new NameNodeAddress("127.0.0.1", _first.Port) };
        await using var client = new NameNodeClient(addresses, NameNodeClients.Options());

        Assert.NotNull(await client.GetFileInfoAsync("/", CancellationToken.None));
    }

    [Fact]
    public async Task Once_told_to_stop_retrying_a_call_to_a_dead_namenode_fails_with_its_connection_error_at_once()
    {
        // The fake clock never moves: the call can only end by the retries being called off, not by their pauses ending.
        using var dead = new ClosedPort();
        using var stop = new CancellationTokenSource();
        var options = new HdfsClientOptions { User = "flume", FailoverDelay = TimeSpan.FromSeconds(5), MaxFailoverAttempts = 15, StopRetrying = stop.Token };
        await using var client = new NameNodeClient([new NameNodeAddress("127.0.0.1", dead.Port)], options, new FakeTimeProvider());

        var call = client.GetFileInfoAsync("/", CancellationToken.None);
        await Task.Delay(200);
        Assert.False(call.IsCompleted, "the first failure is retried after a pause");
        await stop.CancelAsync();

        var error = await Assert.ThrowsAsync<HdfsConnectionException>(() => call.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains($"127.0.0.1:{dead.Port}", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_call_whose_connection_dropped_before_it_was_carried_out_is_sent_again()
    {
        await using var client = NameNodeClients.For(_first);
        await client.MkdirsAsync("/keep", 493, createParent: true, CancellationToken.None);

        _first.CloseConnectionOnNextCall();
        var status = await client.GetFileInfoAsync("/keep", CancellationToken.None);

        Assert.NotNull(status);
        Assert.Equal(["mkdirs", "getFileInfo", "getFileInfo"], _first.MethodsCalled);
    }

    [Fact]
    public async Task A_delete_whose_answer_was_lost_is_resent_and_answered_from_the_retry_cache_not_done_twice()
    {
        await using var client = NameNodeClients.For(_first);
        await client.MkdirsAsync("/gone", 493, createParent: true, CancellationToken.None);

        _first.DropNextAnswer();
        var deleted = await client.DeleteAsync("/gone", recursive: true, CancellationToken.None);

        // Done a second time the delete would answer false: nothing is left to delete.
        Assert.True(deleted);
        Assert.Equal(["mkdirs", "delete", "delete"], _first.MethodsCalled);
        Assert.DoesNotContain("/gone", _first.Paths());
        Assert.False(await client.DeleteAsync("/gone", recursive: true, CancellationToken.None));
    }

    [Fact]
    public async Task In_safe_mode_changes_are_refused_and_reads_still_work()
    {
        await using var client = NameNodeClients.For(_first);
        _first.InSafeMode = true;

        var error = await Assert.ThrowsAsync<RemoteException>(() => client.MkdirsAsync("/x", 493, createParent: true, CancellationToken.None));

        Assert.True(error.IsSafeMode);
        Assert.Contains("safe mode", error.ServerMessage, StringComparison.Ordinal);
        Assert.NotNull(await client.GetFileInfoAsync("/", CancellationToken.None));
    }

    [Fact]
    public async Task A_retriable_refusal_is_asked_again_of_the_same_namenode_until_it_succeeds()
    {
        await using var client = NameNodeClients.For([_first, _second], options: NameNodeClients.Options(maxFailoverAttempts: 20));
        _first.InSafeMode = true;
        _first.SafeModeIsRetriable = true;

        var mkdirs = client.MkdirsAsync("/later", 493, createParent: true, CancellationToken.None);
        await Eventually.TrueAsync(() => _first.MethodsCalled.Count >= 2, "a second attempt");
        _first.InSafeMode = false;

        Assert.True(await mkdirs.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Empty(_second.MethodsCalled);
    }

    [Fact]
    public async Task A_proxy_user_is_the_effective_user_with_the_login_user_as_real_user()
    {
        await using var client = NameNodeClients.For(_first, options: NameNodeClients.Options(proxyUser: "alice"));

        await client.MkdirsAsync("/home/alice", 493, createParent: true, CancellationToken.None);

        Assert.Equal("alice via flume", Assert.Single(_first.ConnectionUsers));
        Assert.Equal("alice", (await client.GetFileInfoAsync("/home/alice", CancellationToken.None))!.Owner);
    }

    [Fact]
    public async Task Each_client_is_its_own_lease_holder()
    {
        await using var one = NameNodeClients.For(_first);
        await using var two = NameNodeClients.For(_first);

        Assert.StartsWith("DFSClient_NONMAPREDUCE_", one.ClientName, StringComparison.Ordinal);
        Assert.NotEqual(one.ClientName, two.ClientName);
    }
}
