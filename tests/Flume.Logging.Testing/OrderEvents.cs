using System.Globalization;
using System.Text;
using Flume.Logging.Appenders;
using Flume.Logging.Protocol;

namespace Flume.Logging.Testing;

/// <summary>
/// The check the front ends' header tests share: <c>order 0</c>, <c>order 1</c>, ... logged at INFO on
/// <c>Orders.Api</c> with an <c>app=orders</c> header, an <c>id</c> header of the line number, and no host name header.
/// </summary>
public static class OrderEvents
{
    /// <summary>
    /// Checks each event in turn (body <c>{levelPrefix}|order {i}</c>, the log4j headers, the two extra ones) and
    /// throws, naming the event and what differs, at the first that does not match.
    /// </summary>
    public static void RequireInOrder(IReadOnlyList<FlumeEvent> events, string levelPrefix, long fromMilliseconds, long toMilliseconds)
    {
        ArgumentNullException.ThrowIfNull(events);
        for (var i = 0; i < events.Count; i++)
        {
            var headers = events[i].Headers;
            var id = i.ToString(CultureInfo.InvariantCulture);
            Require(i, "body", $"{levelPrefix}|order {i}", Encoding.UTF8.GetString(events[i].Body.Span));
            Require(i, Log4jHeaders.LoggerName, "Orders.Api", headers[Log4jHeaders.LoggerName]);
            Require(i, Log4jHeaders.LogLevel, "20000", headers[Log4jHeaders.LogLevel]);
            Require(i, Log4jHeaders.MessageEncoding, "UTF8", headers[Log4jHeaders.MessageEncoding]);
            Require(i, "app", "orders", headers["app"]);
            Require(i, "id", id, headers["id"]);
            var timestamp = long.Parse(headers[Log4jHeaders.Timestamp], CultureInfo.InvariantCulture);
            if (timestamp < fromMilliseconds || timestamp > toMilliseconds || headers.ContainsKey(Log4jHeaders.Address))
            {
                throw new InvalidOperationException($"event {i}: timestamp {timestamp} outside {fromMilliseconds}-{toMilliseconds}, or a host name header where none was asked for");
            }
        }
    }

    private static void Require(int index, string what, string expected, string actual)
    {
        if (expected != actual)
        {
            throw new InvalidOperationException($"event {index}: {what} is '{actual}', expected '{expected}'");
        }
    }
}
