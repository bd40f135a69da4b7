using System.Buffers;

namespace Flume.Logging.Protocol.Avro;

/// <summary>The two <c>union{null, ...}</c> shapes the handshake records use.</summary>
internal static class AvroUnion
{
    public static OperationStatus ReadOptionalString(ref AvroReader reader, string field, out string? value)
    {
        value = null;
        var status = reader.ReadInt(out var branch);
        if (status != OperationStatus.Done)
        {
            return status;
        }

        return branch switch
        {
            0 => OperationStatus.Done,
            1 => ReadString(ref reader, out value),
            _ => reader.Invalid($"{field} union branch {branch} is not null or string"),
        };
    }

    public static OperationStatus SkipOptionalMeta(ref AvroReader reader)
    {
        var status = reader.ReadInt(out var branch);
        if (status != OperationStatus.Done)
        {
            return status;
        }

        return branch switch
        {
            0 => OperationStatus.Done,
            1 => reader.SkipBytesMap(),
            _ => reader.Invalid($"meta union branch {branch} is not null or map"),
        };
    }

    private static OperationStatus ReadString(ref AvroReader reader, out string? value)
    {
        var status = reader.ReadString(out var text);
        value = status == OperationStatus.Done ? text : null;
        return status;
    }
}
