using System.Globalization;
using System.Text;

namespace Flume.Logging.Relay.Cli.Tests;

/// <summary>
/// An application log as logrotate leaves it: numbered lines <c>l-0000000</c>, ... appended to <c>app.log</c> in
/// chunks, rotated every <c>linesPerFile</c> lines either by rename (<c>app.log</c> becomes <c>app.log.N</c> and a
/// new <c>app.log</c> is started) or by copytruncate (copied to <c>app.log.N</c>, then emptied in place).
/// </summary>
internal sealed class RotatingLogWriter(string folder, bool copyTruncate, int linesPerFile, int chunk = 50)
{
    /// <summary>The live file's path.</summary>
    public string LogPath { get; } = Path.Combine(folder, "app.log");

    /// <summary>Lines written so far.</summary>
    public int Written => Volatile.Read(ref _written);

    /// <summary>Rotations done so far.</summary>
    public int Rotations { get; private set; }

    private int _written;

    /// <summary>
    /// Writes until <paramref name="total"/> lines are written or <paramref name="stop"/> is cancelled, pausing
    /// <paramref name="pause"/> between chunks. <paramref name="beforeRotation"/> runs before each rotation with the
    /// lines written so far (a copytruncate test waits there until they are read, since copytruncate itself loses
    /// what no reader took before the truncation).
    /// </summary>
    public async Task RunAsync(int total, TimeSpan pause, Func<int, Task>? beforeRotation = null, CancellationToken stop = default)
    {
        var inFile = 0;
        var text = new StringBuilder();
        while (_written < total && !stop.IsCancellationRequested)
        {
            text.Clear();
            var count = Math.Min(chunk, total - _written);
            for (var i = 0; i < count; i++)
            {
                text.Append("l-").Append((_written + i).ToString("D7", CultureInfo.InvariantCulture)).Append('\n');
            }

            await File.AppendAllTextAsync(LogPath, text.ToString(), CancellationToken.None);
            Interlocked.Add(ref _written, count);
            inFile += count;
            if (inFile >= linesPerFile)
            {
                if (beforeRotation is not null)
                {
                    await beforeRotation(_written);
                }

                Rotate();
                inFile = 0;
            }

            try
            {
                await Task.Delay(pause, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Rotate()
    {
        Rotations++;
        var rotated = $"{LogPath}.{Rotations}";
        if (copyTruncate)
        {
            File.Copy(LogPath, rotated);
            using var truncate = new FileStream(LogPath, FileMode.Truncate, FileAccess.Write, FileShare.ReadWrite | FileShare.Delete);
        }
        else
        {
            File.Move(LogPath, rotated);
        }
    }
}
