using System.Buffers;

namespace Flume.Logging.Protocol.Avro;

/// <summary>
/// Avro IPC's <c>HandshakeRequest</c>: clientHash fixed16, clientProtocol union{null,string}, serverHash fixed16,
/// meta union{null,map&lt;bytes&gt;} (always written null, skipped when read).
/// </summary>
internal sealed record AvroHandshakeRequest(byte[] ClientHash, string? ClientProtocol, byte[] ServerHash)
{
    public const int HashLength = 16;

    public void Write(IBufferWriter<byte> output)
    {
        AvroWriter.WriteFixed(output, ClientHash);
        if (ClientProtocol is null)
        {
            AvroWriter.WriteInt(output, 0);
        }
        else
        {
            AvroWriter.WriteInt(output, 1);
            AvroWriter.WriteString(output, ClientProtocol);
        }

        AvroWriter.WriteFixed(output, ServerHash);
        AvroWriter.WriteInt(output, 0);
    }

    public static OperationStatus Read(ref AvroReader reader, out AvroHandshakeRequest? request)
    {
        request = null;
        var status = reader.ReadFixed(HashLength, out var clientHash);
        if (status != OperationStatus.Done)
        {
            return status;
        }

        status = AvroUnion.ReadOptionalString(ref reader, "clientProtocol", out var clientProtocol);
        if (status != OperationStatus.Done)
        {
            return status;
        }

        status = reader.ReadFixed(HashLength, out var serverHash);
        if (status != OperationStatus.Done)
        {
            return status;
        }

        status = AvroUnion.SkipOptionalMeta(ref reader);
        if (status != OperationStatus.Done)
        {
            return status;
        }

        request = new AvroHandshakeRequest(clientHash.ToArray(), clientProtocol, serverHash.ToArray());
        return OperationStatus.Done;
    }
}
