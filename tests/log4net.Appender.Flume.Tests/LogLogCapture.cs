using System.Collections.Concurrent;
using log4net.Util;

namespace log4net.Appender.Flume.Tests;

/// <summary>
/// Collects log4net's internal messages (LogLog) while alive. LogLog is process-wide and other tests run beside this
/// one, so tests give their appenders unique names and look only for messages that carry them.
/// </summary>
internal sealed class LogLogCapture : IDisposable
{
    private readonly ConcurrentQueue<string> _messages = new();

    public LogLogCapture() => LogLog.LogReceived += OnReceived;

    /// <summary>Every message so far, as "prefix message", e.g. "log4net:WARN FlumeAppender [a]: ...".</summary>
    public IReadOnlyList<string> Messages => [.. _messages];

    /// <summary>The messages that mention <paramref name="text"/>.</summary>
    public IReadOnlyList<string> About(string text) => Messages.Where(m => m.Contains(text, StringComparison.Ordinal)).ToList();

    public void Dispose() => LogLog.LogReceived -= OnReceived;

    private void OnReceived(object? source, LogReceivedEventArgs e) => _messages.Enqueue(e.LogLog.Prefix + e.LogLog.Message);
}
