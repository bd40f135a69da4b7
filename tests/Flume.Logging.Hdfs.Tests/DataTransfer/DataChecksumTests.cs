using System.Buffers.Binary;
using System.Text;
using Flume.Logging.Hdfs.DataTransfer;
using Flume.Logging.Hdfs.Protos;
using FsCheck;
using FsCheck.Fluent;

namespace Flume.Logging.Hdfs.Tests.DataTransfer;

public sealed class DataChecksumTests
{
    // Bit-at-a-time reflected CRCs: slow, obviously right, independent of the code under test.
    private static uint ReferenceCrc(ReadOnlySpan<byte> data, uint polynomial)
    {
        var crc = uint.MaxValue;
        foreach (var b in data)
        {
            crc ^= b;
            for (var i = 0; i < 8; i++)
            {
                crc = (crc & 1) != 0 ? (crc >> 1) ^ polynomial : crc >> 1;
            }
        }

        return ~crc;
    }

    private static uint Reference(ChecksumTypeProto type, ReadOnlySpan<byte> data) =>
        ReferenceCrc(data, type == ChecksumTypeProto.ChecksumCrc32C ? 0x82F63B78u : 0xEDB88320u);

    [Fact]
    public void Crc32C_of_the_standard_check_string_is_E3069283()
    {
        Assert.Equal(0xE3069283u, DataChecksum.Crc32C(Encoding.ASCII.GetBytes("123456789")));
    }

    [Fact]
    public void Every_chunk_gets_the_big_endian_crc_of_its_bytes()
    {
        var gen =
            from type in Gen.Elements(ChecksumTypeProto.ChecksumCrc32, ChecksumTypeProto.ChecksumCrc32C)
            from bytesPerChecksum in Gen.Choose(1, 700)
            from data in Gen.ArrayOf(ArbMap.Default.GeneratorFor<byte>())
            select (type, bytesPerChecksum, data);
        Prop.ForAll(gen.ToArbitrary(), c =>
        {
            var checksums = new byte[DataChecksum.ChecksumLength(c.type, c.bytesPerChecksum, c.data.Length)];
            DataChecksum.Compute(c.type, c.bytesPerChecksum, c.data, checksums);

            var chunks = c.data.Chunk(c.bytesPerChecksum).ToArray();
            return checksums.Length == chunks.Length * 4
                && chunks.Select((chunk, i) => BinaryPrimitives.ReadUInt32BigEndian(checksums.AsSpan(i * 4)) == Reference(c.type, chunk)).All(ok => ok)
                && DataChecksum.FindMismatch(c.type, c.bytesPerChecksum, c.data, checksums) == -1;
        }).Check(FsCheck.Config.QuickThrowOnFailure.WithMaxTest(300).WithEndSize(3000));
    }

    [Fact]
    public void A_flipped_bit_is_reported_in_its_chunk()
    {
        var data = Enumerable.Range(0, 2000).Select(i => (byte)i).ToArray();
        var checksums = new byte[DataChecksum.ChecksumLength(ChecksumTypeProto.ChecksumCrc32C, 512, data.Length)];
        DataChecksum.Compute(ChecksumTypeProto.ChecksumCrc32C, 512, data, checksums);

        data[1500] ^= 0x10;

        Assert.Equal(2, DataChecksum.FindMismatch(ChecksumTypeProto.ChecksumCrc32C, 512, data, checksums));
    }

    [Fact]
    public void Null_checksums_take_no_bytes_and_never_mismatch()
    {
        Assert.Equal(0, DataChecksum.ChecksumLength(ChecksumTypeProto.ChecksumNull, 512, 5000));
        Assert.Equal(-1, DataChecksum.FindMismatch(ChecksumTypeProto.ChecksumNull, 512, new byte[5000], []));
    }
}
