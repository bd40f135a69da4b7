using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Testing;

/// <summary>A logger factory that records every line, so tests can assert what an operator would read.</summary>
public sealed class CapturingLoggerFactory : ILoggerFactory
{
    private readonly ConcurrentQueue<LogEntry> _entries = new();

    /// <summary>Everything logged so far, in order.</summary>
    public IReadOnlyCollection<LogEntry> Entries => _entries;

    /// <summary>True when some entry at or above <paramref name="level"/> contains <paramref name="text"/>.</summary>
    public bool Contains(string text, LogLevel level = LogLevel.Trace) =>
        _entries.Any(e => e.Level >= level && e.Message.Contains(text, StringComparison.Ordinal));

    /// <summary>All messages, one a line, for assertion failure messages.</summary>
    public string Dump() => string.Join(Environment.NewLine, _entries.Select(e => $"{e.Level} {e.Category}: {e.Message}"));

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(categoryName, _entries);

    public void AddProvider(ILoggerProvider provider)
    {
    }

    public void Dispose()
    {
    }

    /// <summary>One recorded log call.</summary>
    public sealed record LogEntry(string Category, LogLevel Level, string Message, Exception? Exception);

    private sealed class CapturingLogger(string category, ConcurrentQueue<LogEntry> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue(new LogEntry(category, logLevel, formatter(state, exception), exception));
    }
}
