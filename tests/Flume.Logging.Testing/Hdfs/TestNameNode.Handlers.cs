using System.Buffers;
using Flume.Logging.Hdfs.Ipc;
using Flume.Logging.Hdfs.Protos;
using Google.Protobuf;

namespace Flume.Logging.Testing.Hdfs;

/// <summary>The method table: each <c>ClientProtocol</c> method the double serves, its request parser and handler.</summary>
public sealed partial class TestNameNode
{
    private const string NameNodeProtocol = "org.apache.hadoop.hdfs.protocol.ClientProtocol";

    /// <summary>The methods Hadoop marks <c>@AtMostOnce</c>: not safe to do twice, so answered from the retry cache when resent.</summary>
    private static readonly HashSet<string> AtMostOnceMethods = new(StringComparer.Ordinal) { "create", "rename", "rename2", "delete", "updatePipeline" };

    private Dictionary<string, Handler> CreateHandlers() => new(StringComparer.Ordinal)
    {
        ["getServerDefaults"] = Reads(GetServerDefaultsRequestProto.Parser, (_, _) => GetServerDefaults()),
        ["getFileInfo"] = Reads(GetFileInfoRequestProto.Parser, (r, _) => GetFileInfo(r)),
        ["getListing"] = Reads(GetListingRequestProto.Parser, (r, _) => GetListing(r)),
        ["getBlockLocations"] = Reads(GetBlockLocationsRequestProto.Parser, (r, _) => GetBlockLocations(r)),
        ["renewLease"] = Reads(RenewLeaseRequestProto.Parser, (r, _) => RenewLease(r)),
        ["mkdirs"] = Writes(MkdirsRequestProto.Parser, Mkdirs),
        ["create"] = Writes(CreateRequestProto.Parser, Create),
        ["rename"] = Writes(RenameRequestProto.Parser, Rename),
        ["rename2"] = Writes(Rename2RequestProto.Parser, Rename2),
        ["delete"] = Writes(DeleteRequestProto.Parser, Delete),
        ["setTimes"] = Writes(SetTimesRequestProto.Parser, (r, _) => SetTimes(r)),
        ["addBlock"] = Writes(AddBlockRequestProto.Parser, (r, _) => AddBlock(r)),
        ["complete"] = Writes(CompleteRequestProto.Parser, (r, _) => Complete(r)),
        ["abandonBlock"] = Writes(AbandonBlockRequestProto.Parser, (r, _) => AbandonBlock(r)),
        ["fsync"] = Writes(FsyncRequestProto.Parser, (r, _) => Fsync(r)),
        ["recoverLease"] = Writes(RecoverLeaseRequestProto.Parser, (r, _) => RecoverLease(r)),
        ["updateBlockForPipeline"] = Writes(UpdateBlockForPipelineRequestProto.Parser, (r, _) => UpdateBlockForPipeline(r)),
        ["updatePipeline"] = Writes(UpdatePipelineRequestProto.Parser, (r, _) => UpdatePipeline(r)),
    };

    private static Handler Reads<T>(MessageParser<T> parser, Func<T, string, IMessage> handle)
        where T : IMessage<T> =>
        (body, user) => handle(Parse(body, parser), user);

    /// <summary>A handler that changes the namespace, so a NameNode in safe mode refuses it.</summary>
    private Handler Writes<T>(MessageParser<T> parser, Func<T, string, IMessage> handle)
        where T : IMessage<T> =>
        (body, user) =>
        {
            var request = Parse(body, parser);
            if (InSafeMode)
            {
                var refusal = $"Cannot {typeof(T).Name.Replace("RequestProto", string.Empty, StringComparison.Ordinal)}. Name node is in safe mode.";
                throw SafeModeIsRetriable
                    ? new TestNameNodeException(HadoopExceptionNames.Retriable, $"{HadoopExceptionNames.SafeMode}: {refusal}")
                    : new TestNameNodeException(HadoopExceptionNames.SafeMode, refusal);
            }

            return handle(request, user);
        };

    private static T Parse<T>(ReadOnlySequence<byte> body, MessageParser<T> parser)
        where T : IMessage<T> =>
        RpcFrameCodec.TryReadDelimited(ref body, parser, out var request) == DecodeStatus.Done && request is not null
            ? request
            : throw new TestNameNodeException(HadoopExceptionNames.IO, $"Cannot parse the {typeof(T).Name} request.");
}
