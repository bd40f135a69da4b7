using System.Buffers;
using Flume.Logging.Hdfs.Ipc;
using Flume.Logging.Hdfs.Protos;
using Google.Protobuf;

namespace Flume.Logging.Fuzz.Targets;

/// <summary>
/// What the HDFS client reads from a NameNode: length-prefixed frames, each a delimited response header and, for
/// a successful call, the delimited answer (its type picked by the control byte's bits 4-7, as a pending call of
/// that kind would parse it).
/// </summary>
internal sealed class HdfsRpcTarget : IFuzzTarget
{
    private static readonly Func<ReadOnlySequence<byte>, bool>[] Answers =
    [
        Parse(GetFileInfoResponseProto.Parser),
        Parse(CreateResponseProto.Parser),
        Parse(AddBlockResponseProto.Parser),
        Parse(CompleteResponseProto.Parser),
        Parse(GetBlockLocationsResponseProto.Parser),
        Parse(GetListingResponseProto.Parser),
        Parse(GetServerDefaultsResponseProto.Parser),
        Parse(UpdateBlockForPipelineResponseProto.Parser),
        Parse(RenameResponseProto.Parser),
    ];

    public string Name => "hdfs-rpc";

    public void Run(byte[] input)
    {
        var control = FuzzInput.Control(input);
        var answer = Answers[(control >> 4) % Answers.Length];
        var buffer = FuzzInput.Sequence(FuzzInput.Data(input), FuzzInput.SegmentLength(control));
        while (RpcFrameCodec.TryReadFrame(buffer, out var payload, out var consumed) == DecodeStatus.Done)
        {
            buffer = buffer.Slice(consumed);
            if (RpcFrameCodec.TryReadDelimited(ref payload, RpcResponseHeaderProto.Parser, out var header) != DecodeStatus.Done || header is null)
            {
                return;
            }

            _ = header.ExceptionClassName.Length + header.ErrorMsg.Length;
            if (header.Status == RpcResponseHeaderProto.Types.RpcStatusProto.Success && !answer(payload))
            {
                return;
            }
        }
    }

    private static Func<ReadOnlySequence<byte>, bool> Parse<T>(MessageParser<T> parser)
        where T : IMessage<T> =>
        payload => RpcFrameCodec.TryReadDelimited(ref payload, parser, out var message) == DecodeStatus.Done && message is not null;

    public IEnumerable<byte[]> Seeds()
    {
        var header = new RpcResponseHeaderProto { CallId = 3, Status = RpcResponseHeaderProto.Types.RpcStatusProto.Success, ServerIpcVersionNum = 9 };
        var error = new RpcResponseHeaderProto
        {
            CallId = 4,
            Status = RpcResponseHeaderProto.Types.RpcStatusProto.Error,
            ExceptionClassName = "org.apache.hadoop.fs.FileAlreadyExistsException",
            ErrorMsg = "/flume/events/x already exists",
        };
        var info = new GetFileInfoResponseProto
        {
            Fs = new HdfsFileStatusProto { FileType = HdfsFileStatusProto.Types.FileType.IsFile, Path = ByteString.CopyFromUtf8("x"), Length = 1234, Owner = "flume", Group = "supergroup", ModificationTime = 1, AccessTime = 1, Permission = new FsPermissionProto { Perm = 420 } },
        };
        yield return FuzzInput.With(0x00, Frame(header, info).Concat(Frame(error)).ToArray());
        var create = new CreateResponseProto { Fs = info.Fs };
        yield return FuzzInput.With(0x13, Frame(header, create));
    }

    private static byte[] Frame(params IMessage[] messages)
    {
        var frame = new byte[RpcFrameCodec.FrameLength(messages)];
        RpcFrameCodec.WriteFrame(frame, messages);
        return frame;
    }
}
