using System.Buffers.Binary;
using Flume.Logging.FileChannel.Log;

namespace Flume.Logging.Fuzz.Targets;

/// <summary>
/// A file channel's log file, replayed as after a crash. The fuzzer writes record bodies (type, transaction,
/// payload) as <c>u16 length | body</c>; the harness seals each with the magic, length and a valid CRC-32C so the
/// fuzzer reaches the payload decoders, and writes bytes left over as a torn tail. With bit 0 of the first byte set,
/// the rest is written as it is, for the scanner's magic, length and checksum checks.
/// </summary>
internal sealed class FileChannelLogTarget : IFuzzTarget
{
    public string Name => "filechannel-log";

    public void Run(byte[] input)
    {
        var data = FuzzInput.Data(input).Span;
        var log = (FuzzInput.Control(input) & 1) != 0 ? data.ToArray() : Seal(data);
        FileChannelScratch.Reset();
        File.WriteAllBytes(LogFiles.PathOf(FileChannelScratch.DataDir, 1), log);
        ScanAndDecode(LogFiles.PathOf(FileChannelScratch.DataDir, 1));
        FileChannelScratch.ReplayAndTake();
    }

    /// <summary>The scanner over the file, each record's payload decoded by its type, as replay does.</summary>
    private static void ScanAndDecode(string path) =>
        LogScanner.Scan(path, 0, (type, _, payload, _) =>
        {
            switch (type)
            {
                case RecordType.Put:
                    LogRecord.TryReadPut(payload, out _);
                    break;
                case RecordType.Take when payload.Length >= 8:
                    LogRecord.ReadTake(payload);
                    break;
                case RecordType.Commit when payload.Length >= 16:
                    LogRecord.ReadCommit(payload);
                    break;
            }
        });

    private static byte[] Seal(ReadOnlySpan<byte> data)
    {
        var output = new MemoryStream();
        Span<byte> header = stackalloc byte[LogRecord.HeaderSize];
        while (data.Length >= 2)
        {
            var length = BinaryPrimitives.ReadUInt16LittleEndian(data);
            if (length > data.Length - 2)
            {
                break;
            }

            var body = data.Slice(2, length);
            BinaryPrimitives.WriteUInt32LittleEndian(header, LogRecord.Magic);
            BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)length);
            BinaryPrimitives.WriteUInt32LittleEndian(header[8..], Crc32C.Compute(body));
            output.Write(header);
            output.Write(body);
            data = data[(2 + length)..];
        }

        output.Write(data);
        return output.ToArray();
    }

    /// <summary>The inverse of <see cref="Seal"/> for a real log: its record bodies as <c>u16 length | body</c>.</summary>
    private static byte[] Unseal(ReadOnlySpan<byte> log)
    {
        var output = new MemoryStream();
        output.WriteByte(0);
        Span<byte> prefix = stackalloc byte[2];
        while (log.Length >= LogRecord.HeaderSize && BinaryPrimitives.ReadUInt32LittleEndian(log) == LogRecord.Magic)
        {
            var length = (int)BinaryPrimitives.ReadUInt32LittleEndian(log[4..]);
            if (length > log.Length - LogRecord.HeaderSize)
            {
                break;
            }

            BinaryPrimitives.WriteUInt16LittleEndian(prefix, (ushort)length);
            output.Write(prefix);
            output.Write(log.Slice(LogRecord.HeaderSize, length));
            log = log[(LogRecord.HeaderSize + length)..];
        }

        return output.ToArray();
    }

    private static int RecordBytes(ReadOnlySpan<byte> log)
    {
        var total = 0;
        while (LogRecord.TryRead(log[total..], out _, out _, out _, out var length) == System.Buffers.OperationStatus.Done)
        {
            total += length;
        }

        return total;
    }

    public IEnumerable<byte[]> Seeds()
    {
        var (log, _) = FileChannelScratch.Sample();
        var unsealed = Unseal(log);
        yield return unsealed;

        // The same records as written, with the preallocated zeros after them cut to a few.
        yield return FuzzInput.With(1, log.AsSpan(0, Math.Min(log.Length, RecordBytes(log) + 16)));
    }
}
