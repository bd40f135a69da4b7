using System.Buffers.Binary;
using Flume.Logging.FileChannel.Log;

namespace Flume.Logging.Fuzz.Targets;

/// <summary>
/// A file channel's checkpoint beside a real log, replayed as at a restart. The input is the checkpoint without its
/// trailing CRC-32C, which the harness appends so the fuzzer reaches the fields behind it.
/// </summary>
internal sealed class FileChannelCheckpointTarget : IFuzzTarget
{
    private static readonly Lazy<(byte[] Log, byte[] Checkpoint)> Sample = new(FileChannelScratch.Sample);

    public string Name => "filechannel-checkpoint";

    public void Run(byte[] input)
    {
        var log = Sample.Value.Log;
        var checkpoint = new byte[input.Length + 4];
        input.CopyTo(checkpoint, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(checkpoint.AsSpan(input.Length), Crc32C.Compute(input));
        FileChannelScratch.Reset();
        File.WriteAllBytes(LogFiles.PathOf(FileChannelScratch.DataDir, 1), log);
        File.WriteAllBytes(Path.Combine(FileChannelScratch.CheckpointDir, Checkpoint.FileName), checkpoint);
        try
        {
            Checkpoint.Read(FileChannelScratch.CheckpointDir);
        }
        catch (InvalidDataException)
        {
            // Replay logs it and rebuilds from the logs.
        }

        FileChannelScratch.ReplayAndTake();
    }

    public IEnumerable<byte[]> Seeds()
    {
        var checkpoint = Sample.Value.Checkpoint;
        yield return checkpoint[..^4];
    }
}
