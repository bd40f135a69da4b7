using System.Buffers.Binary;
using Flume.Logging.FileChannel.Log;

namespace Flume.Logging.FileChannel.Tests;

/// <summary>
/// A checkpoint whose checksum matches but whose fields do not fit its length is damage, reported as such, so replay
/// falls back to the backup checkpoint or the logs. Found by fuzzing: these threw ArgumentOutOfRangeException.
/// </summary>
public sealed class CheckpointTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("checkpoint-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void A_written_checkpoint_reads_back()
    {
        var written = new Checkpoint(7, 9, new Dictionary<string, (int, long)> { ["/data"] = (3, 4096) }, [1, 2, 3]);
        written.Write(_directory);

        var read = Checkpoint.Read(_directory)!;
        Assert.Equal((7L, 9L, (3, 4096L)), (read.NextCommitSequence, read.NextTransactionId, read.ReplayStarts["/data"]));
        Assert.Equal([1L, 2L, 3L], read.Queue);
    }

    [Theory]
    [InlineData(4, "ends inside its fields")]
    [InlineData(20, "ends inside its fields")]
    public void A_body_cut_short_under_a_valid_checksum_is_damage(int keep, string cause)
    {
        var body = Body();
        WriteSealed(body.AsSpan(0, 8 + keep));

        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.Read(_directory));
        Assert.Contains(cause, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(1000)]
    public void A_log_name_length_outside_the_body_is_damage(int nameLength)
    {
        var body = Body();
        BinaryPrimitives.WriteInt32LittleEndian(body.AsSpan(28), nameLength);
        WriteSealed(body);

        var error = Assert.Throws<InvalidDataException>(() => Checkpoint.Read(_directory));
        Assert.Contains($"impossible length {nameLength}", error.Message, StringComparison.Ordinal);
    }

    /// <summary>A real checkpoint with one log directory, without its checksum.</summary>
    private byte[] Body()
    {
        new Checkpoint(1, 1, new Dictionary<string, (int, long)> { ["/d"] = (1, 0) }, [42]).Write(_directory);
        return File.ReadAllBytes(Path.Combine(_directory, Checkpoint.FileName))[..^4];
    }

    private void WriteSealed(ReadOnlySpan<byte> body)
    {
        var data = new byte[body.Length + 4];
        body.CopyTo(data);
        BinaryPrimitives.WriteUInt32LittleEndian(data.AsSpan(body.Length), Crc32C.Compute(body));
        File.WriteAllBytes(Path.Combine(_directory, Checkpoint.FileName), data);
    }
}
