namespace Flume.Logging.Hdfs.Ipc;

/// <summary>What a frame decoder made of the bytes it was given.</summary>
internal enum DecodeStatus
{
    /// <summary>A whole item was decoded; the consumed position says where the next one starts.</summary>
    Done,

    /// <summary>The bytes so far are a valid prefix; read more and try again with all of them.</summary>
    NeedMore,

    /// <summary>The bytes cannot be a valid item: the stream is out of step and the connection must close.</summary>
    Error,
}
