using System.Collections.Frozen;
using System.Globalization;
using System.Text.RegularExpressions;
using Flume.Logging.Relay.Config;

namespace Flume.Logging.Relay.Sinks.Hdfs;

/// <summary>How the time escapes of <c>hdfs.path</c> and <c>hdfs.filePrefix</c> get their time, read with Flume's keys.</summary>
internal sealed partial record BucketPathOptions
{
    /// <summary>
    /// Java's legacy three-letter zone ids (its <c>ZoneId.SHORT_IDS</c>), which <c>TimeZone.getTimeZone</c> still
    /// takes and the zone database does not have; EST, MST and HST are fixed offsets there, as in Java.
    /// </summary>
    private static readonly FrozenDictionary<string, string> JavaShortIds = new Dictionary<string, string>
    {
        ["ACT"] = "Australia/Darwin", ["AET"] = "Australia/Sydney", ["AGT"] = "America/Argentina/Buenos_Aires",
        ["ART"] = "Africa/Cairo", ["AST"] = "America/Anchorage", ["BET"] = "America/Sao_Paulo", ["BST"] = "Asia/Dhaka",
        ["CAT"] = "Africa/Harare", ["CNT"] = "America/St_Johns", ["CST"] = "America/Chicago", ["CTT"] = "Asia/Shanghai",
        ["EAT"] = "Africa/Addis_Ababa", ["ECT"] = "Europe/Paris", ["IET"] = "America/Indiana/Indianapolis",
        ["IST"] = "Asia/Kolkata", ["JST"] = "Asia/Tokyo", ["MIT"] = "Pacific/Apia", ["NET"] = "Asia/Yerevan",
        ["NST"] = "Pacific/Auckland", ["PLT"] = "Asia/Karachi", ["PNT"] = "America/Phoenix", ["PRT"] = "America/Puerto_Rico",
        ["PST"] = "America/Los_Angeles", ["SST"] = "Pacific/Guadalcanal", ["VST"] = "Asia/Ho_Chi_Minh",
        ["EST"] = "GMT-05:00", ["MST"] = "GMT-07:00", ["HST"] = "GMT-10:00",
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>
    /// The zone times are written in (<c>hdfs.timeZone</c>, a Java/IANA id such as <c>America/Los_Angeles</c>, a
    /// custom <c>GMT+hh:mm</c>, or one of Java's old three-letter ids such as <c>PST</c>); null, the default, means
    /// the agent's local zone.
    /// </summary>
    public TimeZoneInfo? TimeZone { get; init; }

    /// <summary>Whether times are rounded down (<c>hdfs.round</c>); false by default. <c>%t</c> is never rounded.</summary>
    public bool Round { get; init; }

    /// <summary>Round down to a multiple of this many units (<c>hdfs.roundValue</c>); 1 by default.</summary>
    public int RoundValue { get; init; } = 1;

    /// <summary>The unit of <see cref="RoundValue"/> (<c>hdfs.roundUnit</c>): second (the default), minute or hour.</summary>
    public RoundUnit RoundUnit { get; init; } = RoundUnit.Second;

    /// <summary>
    /// Whether the agent's clock gives the time instead of the event's <c>timestamp</c> header
    /// (<c>hdfs.useLocalTimeStamp</c>); false by default.
    /// </summary>
    public bool UseLocalTimeStamp { get; init; }

    /// <summary>
    /// Reads the options. Stricter than Flume, which falls back silently: an unknown zone id (Java would use GMT)
    /// and an unknown round unit (Java would not round) are refused, naming the key.
    /// </summary>
    public static BucketPathOptions From(ComponentContext properties)
    {
        ArgumentNullException.ThrowIfNull(properties);
        var zoneName = properties.GetString("hdfs.timeZone")?.Trim();
        var round = properties.GetBoolean("hdfs.round", false);
        var unit = properties.GetEnum("hdfs.roundUnit", RoundUnit.Second);
        var maximum = unit == RoundUnit.Hour ? 24 : 60;
        return new BucketPathOptions
        {
            TimeZone = string.IsNullOrEmpty(zoneName) ? null : FindZone(properties, zoneName),
            Round = round,
            RoundUnit = unit,
            RoundValue = round ? properties.GetInt32("hdfs.roundValue", 1, 1, maximum) : 1,
            UseLocalTimeStamp = properties.GetBoolean("hdfs.useLocalTimeStamp", false),
        };
    }

    private static TimeZoneInfo FindZone(ComponentContext properties, string written)
    {
        var name = JavaShortIds.GetValueOrDefault(written, written);

        // Java's custom ids (GMT+8, GMT-05:30) have no entry in the zone database.
        var custom = CustomZoneId().Match(name);
        if (custom.Success)
        {
            var hours = int.Parse(custom.Groups[2].Value, CultureInfo.InvariantCulture);
            var minutes = custom.Groups[3].Success ? int.Parse(custom.Groups[3].Value, CultureInfo.InvariantCulture) : 0;
            var offset = new TimeSpan(hours, minutes, 0) * (custom.Groups[1].Value == "-" ? -1 : 1);
            return TimeZoneInfo.CreateCustomTimeZone(written, offset, written, written);
        }

        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(name);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            throw properties.CreateError("hdfs.timeZone", $"'{written}' is not a known time zone id (e.g. America/Los_Angeles, UTC, GMT+08:00)");
        }
    }

    [GeneratedRegex(@"^GMT([+-])(\d{1,2})(?::?(\d{2}))?$")]
    private static partial Regex CustomZoneId();
}
