using Flume.Logging.Appenders;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Extensions;

/// <summary>
/// The logger of one category. A call renders the message, gathers the structured state and the active scopes as
/// properties (which become headers), builds the event and queues it; it never does network I/O and never throws.
/// </summary>
internal sealed class FlumeLogger(string categoryName, FlumeLoggerProvider provider) : ILogger
{
    /// <summary>The property name MEL gives the message template; it is the body's source, not a header.</summary>
    internal const string OriginalFormat = "{OriginalFormat}";

    /// <summary>Property of the text scopes (those that are not key/value lists), joined outermost first.</summary>
    internal const string ScopeProperty = "Scope";

    /// <summary>Property of a non-zero event id.</summary>
    internal const string EventIdProperty = "EventId";

    /// <summary>Property of an event id's name.</summary>
    internal const string EventNameProperty = "EventName";

    private const string ScopeSeparator = " => ";

    // Reused per thread: the event factory copies the properties into the event before Log returns.
    [ThreadStatic]
    private static PropertyCollector? t_collector;

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => provider.Scopes.Push(state);

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel) || formatter is null || provider.DropIfFull())
        {
            return;
        }

        // Taken, not borrowed: a scope or property whose ToString logs again gets a collector of its own.
        var collector = t_collector ?? new PropertyCollector();
        t_collector = null;
        try
        {
            var message = formatter(state, exception);
            collector.Add(eventId);
            provider.Scopes.ForEachScope(static (scope, c) => c.AddScope(scope), collector);
            collector.AddScopeText();
            if (state is IReadOnlyList<KeyValuePair<string, object?>> properties)
            {
                collector.AddAll(properties);
            }

            var record = new FlumeLogRecord(
                categoryName,
                LogLevelMapping.FromMicrosoft(logLevel),
                provider.Time.GetUtcNow(),
                message,
                exception,
                collector.Count == 0 ? null : collector.Properties);
            provider.Enqueue(record);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            provider.ReportFailedCall(categoryName, e);
        }
        finally
        {
            collector.Clear();
            t_collector = collector;
        }
    }

    /// <summary>The properties of one call, in the order later ones override earlier ones: event id, scopes, state.</summary>
    private sealed class PropertyCollector
    {
        private readonly List<string> _textScopes = [];

        public List<KeyValuePair<string, object?>> Properties { get; } = [];

        public int Count => Properties.Count;

        public void Add(EventId eventId)
        {
            if (eventId.Id != 0)
            {
                Properties.Add(new(EventIdProperty, eventId.Id));
            }

            if (eventId.Name is not null)
            {
                Properties.Add(new(EventNameProperty, eventId.Name));
            }
        }

        public void AddScope(object? scope)
        {
            switch (scope)
            {
                case null:
                    break;
                case IReadOnlyList<KeyValuePair<string, object?>> list:
                    AddAll(list);
                    break;
                case IEnumerable<KeyValuePair<string, object?>> pairs:
                    foreach (var pair in pairs)
                    {
                        Add(pair);
                    }

                    break;
                default:
                    _textScopes.Add(scope.ToString() ?? "");
                    break;
            }
        }

        public void AddScopeText()
        {
            if (_textScopes.Count > 0)
            {
                Properties.Add(new(ScopeProperty, string.Join(ScopeSeparator, _textScopes)));
            }
        }

        public void AddAll(IReadOnlyList<KeyValuePair<string, object?>> list)
        {
            for (var i = 0; i < list.Count; i++)
            {
                Add(list[i]);
            }
        }

        public void Clear()
        {
            Properties.Clear();
            _textScopes.Clear();
        }

        private void Add(KeyValuePair<string, object?> pair)
        {
            if (pair.Key != OriginalFormat)
            {
                Properties.Add(pair);
            }
        }
    }
}
