namespace Flume.Logging.FileChannel.Log;

/// <summary>Where a PUT record lives: the log file id in the high 32 bits, the byte offset in the low 32.</summary>
internal static class EventPointer
{
    public static long Create(int fileId, long offset) => ((long)fileId << 32) | (uint)offset;

    public static int FileId(long pointer) => (int)(pointer >> 32);

    public static long Offset(long pointer) => (uint)pointer;
}
