using System.Buffers;
using Flume.Logging.Protocol;
using Microsoft.Win32.SafeHandles;

namespace Flume.Logging.FileChannel.Log;

/// <summary>Reads events back from the log when they are not cached in memory, keeping one read handle per file.</summary>
internal sealed class EventReader(IReadOnlyList<string> directories) : IDisposable
{
    private readonly Dictionary<int, SafeFileHandle> _handles = [];
    private readonly Lock _lock = new();

    /// <summary>The event at <paramref name="pointer"/>, or null with the reason when its record is missing or damaged.</summary>
    public FlumeEvent? TryRead(long pointer, out string error)
    {
        error = "";
        var fileId = EventPointer.FileId(pointer);
        var offset = EventPointer.Offset(pointer);
        SafeFileHandle handle;
        try
        {
            handle = HandleFor(fileId);
        }
        catch (FileNotFoundException)
        {
            error = "its log file is missing";
            return null;
        }

        Span<byte> header = stackalloc byte[LogRecord.HeaderSize];
        if (RandomAccess.Read(handle, header, offset) < header.Length)
        {
            error = "the file ends before it";
            return null;
        }

        var total = LogRecord.HeaderSize + (int)Math.Min(System.Buffers.Binary.BinaryPrimitives.ReadUInt32LittleEndian(header[4..]), LogRecord.MaxBodyLength);
        var buffer = ArrayPool<byte>.Shared.Rent(total);
        try
        {
            var span = buffer.AsSpan(0, total);
            if (RandomAccess.Read(handle, span, offset) < total
                || LogRecord.TryRead(span, out var type, out _, out var payload, out _) != OperationStatus.Done
                || type != RecordType.Put
                || !LogRecord.TryReadPut(payload, out var flumeEvent))
            {
                error = "its record is damaged or was repaired away";
                return null;
            }

            return flumeEvent;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Closes the handle of a log file about to be deleted.</summary>
    public void Forget(int fileId)
    {
        lock (_lock)
        {
            if (_handles.Remove(fileId, out var handle))
            {
                handle.Dispose();
            }
        }
    }

    public void Dispose()
    {
        lock (_lock)
        {
            foreach (var handle in _handles.Values)
            {
                handle.Dispose();
            }

            _handles.Clear();
        }
    }

    private SafeFileHandle HandleFor(int fileId)
    {
        lock (_lock)
        {
            if (_handles.TryGetValue(fileId, out var handle))
            {
                return handle;
            }

            foreach (var directory in directories)
            {
                var path = LogFiles.PathOf(directory, fileId);
                if (File.Exists(path))
                {
                    handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
                    _handles[fileId] = handle;
                    return handle;
                }
            }

            throw new FileNotFoundException($"log-{fileId} is in no data directory");
        }
    }
}
