using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using Flume.Logging.Hdfs;
using Flume.Logging.Hdfs.Config;
using Flume.Logging.Hdfs.DataTransfer;
using Flume.Logging.Hdfs.FileSystem;
using Flume.Logging.Hdfs.Protos;
using Flume.Logging.Testing.Hdfs;

namespace Flume.Logging.Benchmarks.Hdfs;

/// <summary>
/// Our HDFS client's write path against the test cluster on loopback, outside BenchmarkDotNet because it times a
/// protocol conversation: one open file, each batch written and hflushed (what the HDFS sink does per take), with
/// batches/s, MB/s and the hflush latency percentiles; then one stream written without hflush (sustained MB/s). The
/// baseline is the test DataNode's own round trip for the same bytes: a bare client that replays pre-encoded packets
/// (checksums computed once) and waits for their acks, so the difference is what our writer adds. The cluster runs
/// in a child process (<c>hdfs-cluster</c>), so the allocations and CPU counted here are the client's alone.
/// Usage: hdfs-hflush [batches] [batch bytes] [sustained MB].
/// </summary>
internal static class HdfsHflush
{
    public static async Task<int> RunAsync(string[] args)
    {
        var batches = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 5000;
        var batchBytes = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 100 * 1024;
        var sustainedMb = args.Length > 2 ? int.Parse(args[2], CultureInfo.InvariantCulture) : 512;
        using var cluster = Process.Start(new ProcessStartInfo(Environment.ProcessPath!, [typeof(HdfsHflush).Assembly.Location, "hdfs-cluster"])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
        })!;
        var nameNode = await cluster.StandardOutput.ReadLineAsync() ?? throw new InvalidOperationException("the test cluster did not start");
        await using var fs = new HdfsFileSystem(new HdfsTarget([new NameNodeAddress("127.0.0.1", int.Parse(nameNode.Split(':')[1], CultureInfo.InvariantCulture))], false), new HdfsClientOptions { User = "flume" });
        var batch = new byte[batchBytes];
        new Random(1).NextBytes(batch);

        // Ours: write + hflush per batch.
        var stream = await fs.CreateAsync("/bench/hflush.tmp");
        var latencies = new long[batches];
        var allocatedBefore = 0L;
        var clock = Stopwatch.StartNew();
        for (var i = 0; i < batches; i++)
        {
            if (i == batches / 10)
            {
                // The first tenth warms the JIT and fills the writer's packet pool.
                allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
                clock.Restart();
            }

            var start = Stopwatch.GetTimestamp();
            await stream.WriteAsync(batch);
            await stream.HFlushAsync();
            latencies[i] = Stopwatch.GetTimestamp() - start;
        }

        var measured = batches - (batches / 10);
        var seconds = clock.Elapsed.TotalSeconds;
        var allocatedPerBatch = (GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore) / (double)measured;
        await stream.CloseAsync();
        var ours = Percentiles(latencies[(batches / 10)..]);

        // The DataNode's own round trip for the same packets.
        var raw = await RawRoundTripsAsync(fs, batch, batches);

        // Sustained: one stream, no hflush, 64 KiB writes.
        var sustained = await fs.CreateAsync("/bench/sustained.tmp");
        var chunk = batch.AsMemory(0, Math.Min(batch.Length, 64 * 1024));
        var total = (long)sustainedMb * 1024 * 1024;
        clock.Restart();
        for (var written = 0L; written < total; written += chunk.Length)
        {
            await sustained.WriteAsync(chunk);
        }

        await sustained.CloseAsync();
        var sustainedSeconds = clock.Elapsed.TotalSeconds;
        cluster.StandardInput.Close();
        await cluster.WaitForExitAsync();

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{{\"batches\":{measured},\"batchBytes\":{batchBytes},\"batchesPerSecond\":{measured / seconds:0},\"mbPerSecond\":{measured * (double)batchBytes / seconds / 1e6:0.0},\"hflushP50Ms\":{ours.P50:0.000},\"hflushP99Ms\":{ours.P99:0.000},\"hflushMaxMs\":{ours.Max:0.000},\"bytesAllocatedPerBatch\":{allocatedPerBatch:0},\"dataNodeRoundTripP50Ms\":{raw.P50:0.000},\"dataNodeRoundTripP99Ms\":{raw.P99:0.000},\"sustainedMbPerSecond\":{total / sustainedSeconds / 1e6:0.0}}}"));
        return 0;
    }

    /// <summary>The child process: a test cluster on 127.0.0.1 whose NameNode address is the first line out, until stdin closes.</summary>
    public static async Task<int> RunClusterAsync()
    {
        await using var cluster = new TestHdfsCluster(dataNodes: 1, blockSize: 128L * 1024 * 1024);
        Console.WriteLine($"127.0.0.1:{cluster.NameNode.Port}");
        await Console.In.ReadToEndAsync();
        return 0;
    }

    private static (double P50, double P99, double Max) Percentiles(long[] ticks)
    {
        Array.Sort(ticks);
        double Ms(double q) => ticks[Math.Min(ticks.Length - 1, (int)(q * ticks.Length))] * 1000.0 / Stopwatch.Frequency;
        return (Ms(0.5), Ms(0.99), Ms(1));
    }

    // A block of its own, a WRITE_BLOCK by hand, then per batch: the batch's packets (headers re-encoded, checksums and
    // data computed once, since each batch starts on a chunk boundary with the same bytes) and a wait for their acks.
    private static async Task<(double P50, double P99, double Max)> RawRoundTripsAsync(HdfsFileSystem fs, byte[] batch, int batches)
    {
        const int bytesPerChecksum = 512;
        const int packetData = 126 * bytesPerChecksum; // whole chunks that fit a 64 KiB packet with their checksums
        var status = await fs.NameNode.CreateAsync("/bench/raw.tmp", new(0b110_100_100, Overwrite: true, CreateParent: true, 1, 128UL * 1024 * 1024), CancellationToken.None);
        var located = await fs.NameNode.AddBlockAsync("/bench/raw.tmp", status.FileId, null, [], CancellationToken.None);
        using var socket = await DataNodeSocket.ConnectAsync(located.Locs[0], useHostname: false, TimeSpan.FromSeconds(10), CancellationToken.None);
        await using var network = new NetworkStream(socket);
        var op = new ArrayBufferWriter<byte>();
        OpRequestCodec.Write(op, DataTransferOp.WriteBlock, new OpWriteBlockProto
        {
            Header = new ClientOperationHeaderProto { BaseHeader = new BaseHeaderProto { Block = located.B, Token = located.BlockToken }, ClientName = fs.NameNode.ClientName },
            Stage = OpWriteBlockProto.Types.BlockConstructionStage.PipelineSetupCreate,
            PipelineSize = 1,
            MinBytesRcvd = 0,
            MaxBytesRcvd = 0,
            LatestGenerationStamp = located.B.GenerationStamp,
            RequestedChecksum = new ChecksumProto { Type = ChecksumTypeProto.ChecksumCrc32C, BytesPerChecksum = bytesPerChecksum },
        });
        await network.WriteAsync(op.WrittenMemory);
        using var frames = new FrameReader(network, 1 << 20, TimeSpan.FromSeconds(10));
        var (response, length) = await frames.ReadAsync<MessageDecoder<BlockOpResponseProto>, BlockOpResponseProto>(new(BlockOpResponseProto.Parser, 1 << 16), CancellationToken.None);
        frames.Advance(length);
        if (response.Status != Status.Success)
        {
            throw new InvalidOperationException($"the DataNode refused the raw pipeline: {response.Status} {response.Message}");
        }

        var parts = new List<(int Offset, int Length, byte[] Checksums)>();
        for (var offset = 0; offset < batch.Length; offset += packetData)
        {
            var data = batch.AsSpan(offset, Math.Min(packetData, batch.Length - offset));
            var checksums = new byte[DataChecksum.ChecksumLength(ChecksumTypeProto.ChecksumCrc32C, bytesPerChecksum, data.Length)];
            DataChecksum.Compute(ChecksumTypeProto.ChecksumCrc32C, bytesPerChecksum, data, checksums);
            parts.Add((offset, data.Length, checksums));
        }

        var prefix = new byte[64];
        var replies = new Status[1];
        var latencies = new long[batches - (batches / 10)];
        var seqno = 0L;
        for (var i = 0; i < batches; i++)
        {
            var start = Stopwatch.GetTimestamp();
            foreach (var (offset, dataLength, checksums) in parts)
            {
                var header = new PacketHeader((long)i * batch.Length + offset, seqno++, false, dataLength, false);
                await network.WriteAsync(prefix.AsMemory(0, PacketCodec.WriteFramePrefix(prefix, header, checksums.Length)));
                await network.WriteAsync(checksums);
                await network.WriteAsync(batch.AsMemory(offset, dataLength));
            }

            foreach (var _ in parts)
            {
                var ((ackSeqno, _), ackLength) = await frames.ReadAsync<AckDecoder, (long, int)>(new(replies), CancellationToken.None);
                frames.Advance(ackLength);
                if (replies[0] != Status.Success)
                {
                    throw new InvalidOperationException($"the DataNode answered {replies[0]} for packet {ackSeqno}");
                }
            }

            if (i >= batches / 10)
            {
                latencies[i - (batches / 10)] = Stopwatch.GetTimestamp() - start;
            }
        }

        return Percentiles(latencies);
    }
}
