using System.Buffers;

namespace Flume.Logging.Protocol.Avro;

/// <summary>
/// Avro IPC's <c>HandshakeResponse</c>: match enum, serverProtocol union{null,string}, serverHash
/// union{null,fixed16}, meta union{null,map&lt;bytes&gt;} (always written null, skipped when read).
/// </summary>
internal sealed record AvroHandshakeResponse(AvroHandshakeMatch Match, string? ServerProtocol, byte[]? ServerHash)
{
    public void Write(IBufferWriter<byte> output)
    {
        AvroWriter.WriteInt(output, (int)Match);
        if (ServerProtocol is null)
        {
            AvroWriter.WriteInt(output, 0);
        }
        else
        {
            AvroWriter.WriteInt(output, 1);
            AvroWriter.WriteString(output, ServerProtocol);
        }

        if (ServerHash is null)
        {
            AvroWriter.WriteInt(output, 0);
        }
        else
        {
            AvroWriter.WriteInt(output, 1);
            AvroWriter.WriteFixed(output, ServerHash);
        }

        AvroWriter.WriteInt(output, 0);
    }

    public static OperationStatus Read(ref AvroReader reader, out AvroHandshakeResponse? response)
    {
        response = null;
        var status = reader.ReadInt(out var match);
        if (status != OperationStatus.Done)
        {
            return status;
        }

        if (match is < 0 or > 2)
        {
            return reader.Invalid($"handshake match index {match} is not BOTH, CLIENT or NONE");
        }

        status = AvroUnion.ReadOptionalString(ref reader, "serverProtocol", out var serverProtocol);
        if (status != OperationStatus.Done)
        {
            return status;
        }

        status = reader.ReadInt(out var hashBranch);
        if (status != OperationStatus.Done)
        {
            return status;
        }

        byte[]? serverHash = null;
        if (hashBranch == 1)
        {
            status = reader.ReadFixed(AvroHandshakeRequest.HashLength, out var hash);
            if (status != OperationStatus.Done)
            {
                return status;
            }

            serverHash = hash.ToArray();
        }
        else if (hashBranch != 0)
        {
            return reader.Invalid($"serverHash union branch {hashBranch} is not null or MD5");
        }

        status = AvroUnion.SkipOptionalMeta(ref reader);
        if (status != OperationStatus.Done)
        {
            return status;
        }

        response = new AvroHandshakeResponse((AvroHandshakeMatch)match, serverProtocol, serverHash);
        return OperationStatus.Done;
    }
}
