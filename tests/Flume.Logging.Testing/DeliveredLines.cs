using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;
using Flume.Logging.Appenders;
using Flume.Logging.Protocol;

namespace Flume.Logging.Testing;

/// <summary>
/// The numbered lines an example app logged, as a receiver got them: each event's line number, parsed from its body,
/// in arrival order. The checks throw, naming the first offending line, so a failure says what went wrong in
/// 100,000 events without dumping them.
/// </summary>
public sealed class DeliveredLines
{
    private DeliveredLines(IReadOnlyList<FlumeEvent> events, IReadOnlyList<int> numbers)
    {
        Events = events;
        Numbers = numbers;
    }

    /// <summary>The events, in arrival order.</summary>
    public IReadOnlyList<FlumeEvent> Events { get; }

    /// <summary>The line number of each event, in arrival order.</summary>
    public IReadOnlyList<int> Numbers { get; }

    /// <summary>
    /// Reads <paramref name="events"/>, whose bodies must match <paramref name="body"/> in full, with the line number
    /// in the group named <c>line</c>.
    /// </summary>
    public static DeliveredLines Parse(IEnumerable<FlumeEvent> events, Regex body)
    {
        ArgumentNullException.ThrowIfNull(body);
        var list = events.ToList();
        var numbers = new int[list.Count];
        for (var i = 0; i < list.Count; i++)
        {
            var text = Encoding.UTF8.GetString(list[i].Body.Span);
            var match = body.Match(text);
            if (!match.Success || match.Length != text.Length)
            {
                throw new InvalidDataException($"event {i}: body '{text}' does not match '{body}'");
            }

            numbers[i] = int.Parse(match.Groups["line"].Value, NumberStyles.None, CultureInfo.InvariantCulture);
        }

        return new DeliveredLines(list, numbers);
    }

    /// <summary>Throws unless lines 1 to <paramref name="lines"/> each arrived exactly once, in any order.</summary>
    public void RequireExactlyOnce(int lines)
    {
        var seen = new int[lines + 1];
        foreach (var number in Numbers)
        {
            if (number < 1 || number > lines)
            {
                throw new InvalidDataException($"line {number} arrived, outside 1..{lines}");
            }

            if (++seen[number] > 1)
            {
                throw new InvalidDataException($"line {number} arrived twice");
            }
        }

        var missing = Array.IndexOf(seen, 0, 1);
        if (missing > 0)
        {
            throw new InvalidDataException($"{lines - Numbers.Count} of {lines} lines are missing, the first is line {missing}");
        }
    }

    /// <summary>Throws unless the line numbers arrived exactly as <paramref name="expected"/>, in that order.</summary>
    public void RequireSequence(IReadOnlyList<int> expected)
    {
        ArgumentNullException.ThrowIfNull(expected);
        var common = Math.Min(expected.Count, Numbers.Count);
        var first = Enumerable.Range(0, common).FirstOrDefault(i => Numbers[i] != expected[i], common);
        if (first < common || Numbers.Count != expected.Count)
        {
            var arrived = first < Numbers.Count ? $"line {Numbers[first]}" : "nothing";
            var wanted = first < expected.Count ? $"line {expected[first]}" : "nothing more";
            throw new InvalidDataException($"{Numbers.Count} lines arrived, {expected.Count} expected; at position {first} {arrived} arrived where {wanted} was expected");
        }
    }

    /// <summary>
    /// Throws unless every event carries Flume's log4j appender headers as an appender on this machine sends them:
    /// the logger name, the level (<paramref name="level"/> of the line number), a timestamp within
    /// [<paramref name="from"/>, <paramref name="to"/>], the UTF8 encoding and this host's name.
    /// </summary>
    public void RequireLog4jHeaders(string loggerName, Func<int, string> level, DateTimeOffset from, DateTimeOffset to)
    {
        ArgumentNullException.ThrowIfNull(level);
        var hostName = Dns.GetHostName();
        var (earliest, latest) = (from.ToUnixTimeMilliseconds(), to.ToUnixTimeMilliseconds());
        for (var i = 0; i < Events.Count; i++)
        {
            var headers = Events[i].Headers;
            Require(i, headers, Log4jHeaders.LoggerName, loggerName);
            Require(i, headers, Log4jHeaders.LogLevel, level(Numbers[i]));
            Require(i, headers, Log4jHeaders.MessageEncoding, "UTF8");
            Require(i, headers, Log4jHeaders.Address, hostName);
            var stamp = headers.TryGetValue(Log4jHeaders.Timestamp, out var text) ? long.Parse(text, CultureInfo.InvariantCulture) : long.MinValue;
            if (stamp < earliest || stamp > latest)
            {
                throw new InvalidDataException($"line {Numbers[i]}: {Log4jHeaders.Timestamp} {text ?? "missing"} is not within [{earliest}, {latest}]");
            }
        }
    }

    private void Require(int index, IDictionary<string, string> headers, string name, string expected)
    {
        if (!headers.TryGetValue(name, out var actual) || actual != expected)
        {
            throw new InvalidDataException($"line {Numbers[index]}: header {name} is '{actual ?? "missing"}', expected '{expected}'");
        }
    }
}
