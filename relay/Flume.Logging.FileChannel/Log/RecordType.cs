namespace Flume.Logging.FileChannel.Log;

/// <summary>What a log record says.</summary>
internal enum RecordType : byte
{
    /// <summary>An event stored by a transaction; its file and offset are the event's pointer.</summary>
    Put = 1,

    /// <summary>A transaction took the event at a pointer.</summary>
    Take = 2,

    /// <summary>The transaction's records before it count. Without it they are ignored on replay.</summary>
    Commit = 3,

    /// <summary>Filler written by a repair over a corrupt region, so that no other record moves.</summary>
    Skip = 4,
}
