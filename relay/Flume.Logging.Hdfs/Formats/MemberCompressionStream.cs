namespace Flume.Logging.Hdfs.Formats;

/// <summary>
/// Hadoop's framing for codecs whose unit is a whole library stream (gzip members, zlib streams, bzip2 streams, zstd
/// frames): each unit is a fresh library stream over the destination, closed (leaving the destination open) when
/// the unit ends.
/// </summary>
/// <param name="destination">Where the units go.</param>
/// <param name="openMember">Opens a library stream over the destination that leaves it open when disposed.</param>
/// <param name="emptyUnit">
/// The bytes of a unit without data, for libraries (the BCL's gzip and zlib streams) that write nothing at all when
/// given no data, where Hadoop writes an empty stream; empty when the library writes one itself.
/// </param>
internal sealed class MemberCompressionStream(Stream destination, Func<Stream, Stream> openMember, byte[]? emptyUnit = null) : HadoopCompressionStream(destination)
{
    private Stream? _member;

    protected override void WriteUnit(ReadOnlySpan<byte> data)
    {
        _member ??= openMember(Destination);
        _member.Write(data);
    }

    protected override void EndUnit()
    {
        var member = _member;
        _member = null;
        if (member is null && emptyUnit is not null)
        {
            Destination.Write(emptyUnit);
            return;
        }

        (member ?? openMember(Destination)).Dispose();
    }
}
