using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using Flume.Logging.FileChannel.Log;
using Flume.Logging.Protocol;

namespace Flume.Logging.FileChannel.Tests;

/// <summary>Every log record carries the CRC-32C (Castagnoli) of its body, checked against a bit-by-bit reference.</summary>
public sealed class LogChecksumTests
{
    [Fact]
    public void The_reference_gives_the_standard_check_value()
    {
        Assert.Equal(0xE3069283u, ReferenceCrc32C(Encoding.ASCII.GetBytes("123456789")));
    }

    [Fact]
    public void A_put_record_carries_the_crc32c_of_its_body_and_a_flipped_bit_is_refused()
    {
        var flumeEvent = new FlumeEvent(new Dictionary<string, string> { ["host"] = "web-1" }, Encoding.UTF8.GetBytes("a body long enough to cover several words of the checksum loop"));
        var output = new ArrayBufferWriter<byte>();
        LogRecord.WritePut(output, txId: 42, flumeEvent, LogRecord.PutSize(flumeEvent));
        var record = output.WrittenSpan.ToArray();

        Assert.Equal(ReferenceCrc32C(record.AsSpan(LogRecord.HeaderSize)), BinaryPrimitives.ReadUInt32LittleEndian(record.AsSpan(8)));
        Assert.Equal(System.Buffers.OperationStatus.Done, LogRecord.TryRead(record, out var type, out var txId, out _, out _));
        Assert.Equal((RecordType.Put, 42L), (type, txId));

        record[^1] ^= 0x01;
        Assert.Equal(System.Buffers.OperationStatus.InvalidData, LogRecord.TryRead(record, out _, out _, out _, out _));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(8)]
    [InlineData(9)]
    [InlineData(4099)]
    public void Any_length_matches_the_reference(int length)
    {
        var data = new byte[length];
        new Random(length).NextBytes(data);

        Assert.Equal(ReferenceCrc32C(data), Crc32C.Compute(data));
    }

    [Fact]
    public void A_commit_record_carries_the_crc32c_of_its_body()
    {
        var output = new ArrayBufferWriter<byte>();
        LogRecord.WriteCommit(output, txId: 7, commitSequence: 9, putCount: 3, takeCount: 1);
        var record = output.WrittenSpan;

        Assert.Equal(ReferenceCrc32C(record[LogRecord.HeaderSize..]), BinaryPrimitives.ReadUInt32LittleEndian(record[8..]));
    }

    // Found by fuzzing replay: a TAKE or COMMIT whose checksum is valid but whose payload is short made replay fail
    // with ArgumentOutOfRangeException instead of naming the file and offset.
    [Theory]
    [InlineData(true, 7)]
    [InlineData(true, 9)]
    [InlineData(false, 0)]
    [InlineData(false, 15)]
    public void A_take_or_commit_of_the_wrong_size_is_invalid_even_with_a_valid_checksum(bool take, int payloadLength)
    {
        var body = new byte[LogRecord.BodyPrefix + payloadLength];
        body[0] = (byte)(take ? RecordType.Take : RecordType.Commit);
        var record = new byte[LogRecord.HeaderSize + body.Length];
        BinaryPrimitives.WriteUInt32LittleEndian(record, LogRecord.Magic);
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(4), (uint)body.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(record.AsSpan(8), ReferenceCrc32C(body));
        body.CopyTo(record, LogRecord.HeaderSize);

        Assert.Equal(System.Buffers.OperationStatus.InvalidData, LogRecord.TryRead(record, out _, out _, out _, out _));
    }

    // Bit by bit over the reflected Castagnoli polynomial: slow, short, and independent of the CPU instruction the channel uses.
    private static uint ReferenceCrc32C(ReadOnlySpan<byte> data)
    {
        var crc = uint.MaxValue;
        foreach (var b in data)
        {
            crc ^= b;
            for (var bit = 0; bit < 8; bit++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ 0x82F63B78u : crc >> 1;
            }
        }

        return ~crc;
    }
}
