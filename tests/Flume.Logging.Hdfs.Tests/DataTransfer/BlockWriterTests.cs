using System.Diagnostics;
using Flume.Logging.Hdfs.DataTransfer;
using Flume.Logging.Hdfs.Protos;
using Flume.Logging.Testing;
using Flume.Logging.Testing.Hdfs;
using static Flume.Logging.Hdfs.Tests.DataTransfer.TestBlocks;

namespace Flume.Logging.Hdfs.Tests.DataTransfer;

public sealed class BlockWriterTests
{
    // Writes data in uneven pieces with an hflush every few, checking each flush is acked by the whole pipeline.
    private static async Task WriteWithFlushesAsync(BlockWriter writer, byte[] data, int seed, TestDataNode[] nodes, long blockId)
    {
        var random = new Random(seed);
        var position = 0;
        var flushes = 0;
        while (position < data.Length)
        {
            var n = Math.Min(random.Next(1, 9000), data.Length - position);
            await writer.WriteAsync(data.AsMemory(position, n), Timeout());
            position += n;
            Assert.Equal(position, writer.Length);
            if (random.Next(3) == 0)
            {
                await writer.HFlushAsync(Timeout());
                flushes++;
                Assert.Equal(position, writer.AckedLength);
                Assert.All(nodes, node => Assert.Equal(position, node.Find(blockId)!.Length));
            }
        }

        Assert.True(flushes > 20, $"only {flushes} flushes");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task Writes_and_many_hflushes_then_finish_read_back_byte_exact_from_every_DataNode(int pipeline)
    {
        await using var cluster = new TestDataNodes(pipeline);
        var nodes = cluster.Nodes;
        var located = Located(nodes);
        var data = RandomData(300_000, seed: pipeline);
        await using var writer = await BlockWriter.OpenAsync(located, WriterOptions(), Timeout());

        await WriteWithFlushesAsync(writer, data, pipeline, nodes, (long)located.B.BlockId);
        var length = await writer.FinishAsync(Timeout());

        Assert.Equal(data.Length, length);
        var written = Written(writer, nodes);
        for (var i = 0; i < pipeline; i++)
        {
            Assert.Equal(new TestReplica((long)located.B.BlockId, (long)GenerationStamp, data.Length, true), nodes[i].Find((long)located.B.BlockId));
            Assert.Equal(data, await ReadAllAsync(written, i, 0, data.Length));
            await Eventually.TrueAsync(() => nodes[i].LastClientReadStatus == Status.ChecksumOk, "CHECKSUM_OK from the reader");
        }

        Assert.Equal(data.AsSpan(1000, 70_001).ToArray(), await ReadAllAsync(written, pipeline - 1, 1000, 70_001));
    }

    [Fact]
    public async Task HSync_sets_syncBlock_on_every_DataNode_even_with_nothing_new_to_send()
    {
        await using var first = new TestDataNode();
        await using var second = new TestDataNode();
        var located = Located(first, second);
        await using var writer = await BlockWriter.OpenAsync(located, WriterOptions(), Timeout());

        await writer.WriteAsync(RandomData(1000, 1), Timeout());
        await writer.HFlushAsync(Timeout());
        Assert.Equal(0, first.SyncPackets);

        await writer.WriteAsync(RandomData(1000, 2), Timeout());
        await writer.HSyncAsync(Timeout());
        await writer.HSyncAsync(Timeout());
        await writer.FinishAsync(Timeout());

        Assert.Equal((2, 2), (first.SyncPackets, second.SyncPackets));
        Assert.Equal(2000, first.Find((long)located.B.BlockId)!.Length);
    }

    [Theory]
    [InlineData(3, 1)]
    [InlineData(3, 0)]
    [InlineData(2, 1)]
    public async Task A_DataNode_dying_mid_block_is_named_and_the_survivors_finish_after_recovery(int pipeline, int dying)
    {
        await using var cluster = new TestDataNodes(pipeline);
        var nodes = cluster.Nodes;
        nodes[dying].DieAfterBytes = 200_000;
        var located = Located(nodes);
        var data = RandomData(450_000, seed: 7);
        await using var writer = await BlockWriter.OpenAsync(located, WriterOptions(), Timeout());

        var failure = await Assert.ThrowsAsync<DataNodeException>(async () =>
        {
            await writer.WriteAsync(data.AsMemory(0, 400_000), Timeout());
            await writer.HFlushAsync(Timeout());
        });

        Assert.True(nodes[dying].IsDead);
        Assert.Equal(dying, failure.NodeIndex);
        Assert.Equal($"127.0.0.1:{nodes[dying].Port}", failure.NodeAddress);
        Assert.Contains($"DataNode {dying} (127.0.0.1:{nodes[dying].Port})", failure.Message);
        Assert.True(writer.UnackedPackets > 0, "the unacked packets are kept for the resend");
        Assert.True(writer.AckedLength <= 200_000);

        // The failure may surface inside WriteAsync, before it took all 400,000 bytes: Length says how far it got, and
        // the rest is written after the recovery (as HdfsOutputStream does).
        var taken = (int)writer.Length;
        Assert.InRange(taken, 200_000, 400_000);
        var survivors = writer.Pipeline.Where((_, i) => i != failure.NodeIndex).ToList();
        await writer.RecoverAsync(survivors, (long)GenerationStamp + 1, Timeout());
        await writer.WriteAsync(data.AsMemory(taken), Timeout());
        Assert.Equal(data.Length, await writer.FinishAsync(Timeout()));

        Assert.Equal(GenerationStamp + 1, writer.Block.GenerationStamp);
        var alive = nodes.Where((_, i) => i != dying).ToArray();
        var written = Written(writer, alive);
        for (var i = 0; i < alive.Length; i++)
        {
            Assert.Equal(new TestReplica((long)located.B.BlockId, (long)GenerationStamp + 1, data.Length, true), alive[i].Find((long)located.B.BlockId));
            Assert.Equal(data, await ReadAllAsync(written, i, 0, data.Length));
        }
    }

    [Fact]
    public async Task A_recovery_onto_a_dead_node_fails_naming_it_and_can_be_retried_on_another()
    {
        await using var cluster = new TestDataNodes(3);
        cluster[0].DieAfterBytes = 100_000;
        var located = Located(cluster[0], cluster[1]);
        var data = RandomData(200_000, 8);
        await using var writer = await BlockWriter.OpenAsync(located, WriterOptions(), Timeout());
        var failure = await Assert.ThrowsAsync<DataNodeException>(async () =>
        {
            // The failure may surface in either call: Length says how much of the data the writer took.
            await writer.WriteAsync(data.AsMemory(0, 150_000), Timeout());
            await writer.HFlushAsync(Timeout());
        });
        Assert.Equal(0, failure.NodeIndex);
        var taken = (int)writer.Length;

        var again = await Assert.ThrowsAsync<DataNodeException>(() => writer.RecoverAsync([cluster[0].DatanodeInfo], (long)GenerationStamp + 1, Timeout()));
        Assert.Equal($"127.0.0.1:{cluster[0].Port}", again.NodeAddress);
        await writer.RecoverAsync([cluster[1].DatanodeInfo], (long)GenerationStamp + 2, Timeout());
        await writer.WriteAsync(data.AsMemory(taken), Timeout());

        Assert.Equal(data.Length, await writer.FinishAsync(Timeout()));
        Assert.Equal(data, await ReadAllAsync(Written(writer, cluster[1]), 0, 0, data.Length));
        Assert.Equal((long)GenerationStamp + 2, cluster[1].Find((long)located.B.BlockId)!.GenerationStamp);
    }

    [Fact]
    public async Task An_error_ack_names_the_DataNode_that_answered_it_with_its_status()
    {
        await using var first = new TestDataNode();
        await using var second = new TestDataNode();
        await using var third = new TestDataNode { ErrorAfterBytes = 100_000, ErrorStatus = Status.ErrorChecksum };
        await using var writer = await BlockWriter.OpenAsync(Located(first, second, third), WriterOptions(), Timeout());

        var failure = await Assert.ThrowsAsync<DataNodeException>(async () =>
        {
            await writer.WriteAsync(RandomData(300_000, 3), Timeout());
            await writer.HFlushAsync(Timeout());
        });

        Assert.Equal((2, Status.ErrorChecksum), (failure.NodeIndex, failure.Status));
        Assert.Contains($"127.0.0.1:{third.Port}", failure.Message);
        await Assert.ThrowsAsync<DataNodeException>(async () => await writer.WriteAsync(new byte[10], Timeout()));
    }

    [Fact]
    public async Task A_slow_DataNode_holds_the_writer_to_its_window_of_unacked_packets()
    {
        await using var node = new TestDataNode { AckDelay = TimeSpan.FromMilliseconds(25) };
        var options = WriterOptions(maxUnackedPackets: 3, writePacketSize: 4096);
        await using var writer = await BlockWriter.OpenAsync(Located(node), options, Timeout());
        var packets = 24;
        var data = RandomData(packets * 3584, 4);
        var most = 0;
        using var sampling = new CancellationTokenSource();
        var sampler = Task.Run(async () =>
        {
            while (!sampling.IsCancellationRequested)
            {
                most = Math.Max(most, writer.UnackedPackets);
                await Task.Delay(2);
            }
        });

        var watch = Stopwatch.StartNew();
        await writer.WriteAsync(data, Timeout());
        var elapsed = watch.Elapsed;
        await sampling.CancelAsync();
        await sampler;

        Assert.InRange(most, 1, 3);
        Assert.True(elapsed >= TimeSpan.FromMilliseconds((packets - 3 - 1) * 25 * 0.8), $"writes returned after {elapsed.TotalMilliseconds} ms");
        Assert.Equal(data.Length, await writer.FinishAsync(Timeout()));
    }

    [Fact]
    public async Task Cancelling_an_hflush_stops_the_wait_without_failing_the_pipeline()
    {
        await using var node = new TestDataNode { AckDelay = TimeSpan.FromSeconds(3) };
        var located = Located(node);
        await using var writer = await BlockWriter.OpenAsync(located, WriterOptions(), Timeout());
        await writer.WriteAsync(RandomData(1000, 5), Timeout());
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(100));

        var watch = Stopwatch.StartNew();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await writer.HFlushAsync(cancel.Token));

        Assert.True(watch.Elapsed < TimeSpan.FromMilliseconds(2500), $"cancelled after {watch.Elapsed.TotalMilliseconds} ms");
        Assert.Null(writer.Failure);
        node.AckDelay = TimeSpan.Zero;
        await writer.HFlushAsync(Timeout());
        Assert.Equal(1000, await writer.FinishAsync(Timeout()));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => BlockWriter.OpenAsync(Located(node), WriterOptions(), new CancellationToken(canceled: true)));
    }

    [Fact]
    public async Task Acks_slower_than_the_socket_timeout_fail_the_first_DataNode_with_a_timeout()
    {
        await using var node = new TestDataNode { AckDelay = TimeSpan.FromSeconds(3) };
        await using var writer = await BlockWriter.OpenAsync(Located(node), WriterOptions(socketTimeout: TimeSpan.FromMilliseconds(300)), Timeout());
        await writer.WriteAsync(new byte[100], Timeout());

        var failure = await Assert.ThrowsAsync<DataNodeException>(async () => await writer.HFlushAsync(Timeout()));

        Assert.Equal(0, failure.NodeIndex);
        Assert.IsType<TimeoutException>(failure.InnerException);
    }

    [Fact]
    public async Task An_idle_pipeline_gets_heartbeats_every_node_acks_and_then_carries_on()
    {
        await using var first = new TestDataNode();
        await using var second = new TestDataNode();
        var options = WriterOptions(heartbeatInterval: TimeSpan.FromMilliseconds(50));
        await using var writer = await BlockWriter.OpenAsync(Located(first, second), options, Timeout());
        await writer.WriteAsync(new byte[100], Timeout());
        await writer.HFlushAsync(Timeout());

        await Eventually.TrueAsync(() => second.HeartbeatPackets >= 3, "three heartbeats through the pipeline");

        Assert.Null(writer.Failure);
        await writer.WriteAsync(new byte[100], Timeout());
        Assert.Equal(200, await writer.FinishAsync(Timeout()));
        Assert.True(first.HeartbeatPackets >= 3);
        Assert.Null(writer.Failure);
    }

    [Fact]
    public async Task A_pipeline_whose_second_node_is_down_is_refused_naming_it()
    {
        await using var first = new TestDataNode();
        var second = new TestDataNode();
        await second.DisposeAsync();

        var failure = await Assert.ThrowsAsync<DataNodeException>(() => BlockWriter.OpenAsync(Located(first, second), WriterOptions(), Timeout()));

        Assert.Equal((1, Status.Error), (failure.NodeIndex, failure.Status));
    }
}
