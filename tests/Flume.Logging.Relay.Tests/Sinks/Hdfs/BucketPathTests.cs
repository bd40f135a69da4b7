using Flume.Logging.Protocol;
using Flume.Logging.Relay.Config;
using Flume.Logging.Relay.Sinks.Hdfs;
using Flume.Logging.Testing;
using FsCheck;
using FsCheck.Fluent;
using Microsoft.Extensions.Time.Testing;

namespace Flume.Logging.Relay.Tests.Sinks.Hdfs;

public sealed class BucketPathTests
{
    // Thursday 2005-03-03 23:05:25.123 UTC: the user guide's %c example.
    private const long Thursday = 1109891125123;

    private static readonly HostNames Hosts = new("agent-host", "10.1.2.3", "agent-host.example.org");

    private static string Format(string template, long timestamp, string zone = "UTC", BucketPathOptions? options = null, TimeProvider? clock = null)
    {
        var path = BucketPath.Parse(
            template,
            (options ?? new BucketPathOptions()) with { TimeZone = TimeZoneInfo.FindSystemTimeZoneById(zone) },
            Hosts,
            clock ?? TimeProvider.System);
        return path.Format(Stamped(timestamp));
    }

    private static FlumeEvent Stamped(long timestamp, params (string Key, string Value)[] more)
    {
        var headers = new Dictionary<string, string> { ["timestamp"] = timestamp.ToString(System.Globalization.CultureInfo.InvariantCulture) };
        foreach (var (key, value) in more)
        {
            headers[key] = value;
        }

        return FlumeEvent.FromText("body", headers);
    }

    [Theory]
    [InlineData("%a", "Thu")]
    [InlineData("%A", "Thursday")]
    [InlineData("%b", "Mar")]
    [InlineData("%B", "March")]
    [InlineData("%c", "Thu Mar 3 23:05:25 2005")]
    [InlineData("%d", "03")]
    [InlineData("%e", "3")]
    [InlineData("%D", "03/03/05")]
    [InlineData("%H", "23")]
    [InlineData("%I", "11")]
    [InlineData("%j", "062")]
    [InlineData("%k", "23")]
    [InlineData("%l", "11")]
    [InlineData("%m", "03")]
    [InlineData("%n", "3")]
    [InlineData("%M", "05")]
    [InlineData("%p", "PM")]
    [InlineData("%s", "1109891125")]
    [InlineData("%S", "25")]
    [InlineData("%t", "1109891125123")]
    [InlineData("%y", "05")]
    [InlineData("%Y", "2005")]
    [InlineData("%z", "+0000")]
    [InlineData("%%", "%")]
    [InlineData("%Q", "")]
    public void Every_time_escape_formats_as_Flume_in_UTC(string template, string expected) =>
        Assert.Equal(expected, Format(template, Thursday));

    [Theory]
    [InlineData("%c", "Thu Mar 3 15:05:25 2005")]
    [InlineData("%H %I %k %l %p", "15 03 15 3 PM")]
    [InlineData("%z", "-0800")]
    [InlineData("%t %s", "1109891125123 1109891125")]
    public void Time_escapes_follow_a_zone_west_of_UTC(string template, string expected) =>
        Assert.Equal(expected, Format(template, Thursday, "America/Los_Angeles"));

    [Theory]
    [InlineData("%a %A %d %e %j %D", "Fri Friday 04 4 063 03/04/05")]
    [InlineData("%H:%M %I %k %p", "04:35 04 4 AM")]
    [InlineData("%z", "+0530")]
    public void Time_escapes_follow_a_half_hour_zone_across_midnight(string template, string expected) =>
        Assert.Equal(expected, Format(template, Thursday, "Asia/Kolkata"));

    [Fact]
    public void Midnight_is_twelve_on_the_twelve_hour_clock()
    {
        var midnight = new DateTimeOffset(2026, 1, 9, 0, 7, 8, TimeSpan.Zero).ToUnixTimeMilliseconds();

        Assert.Equal("12 12 AM 00 0", Format("%I %l %p %H %k", midnight));
    }

    [Fact]
    public void Formatting_into_a_reused_builder_allocates_nothing()
    {
        var path = BucketPath.Parse(
            "/flume/%{host}/%Y-%m-%d/%H%M/%S/%a-%b-%c-%z-%t-%s",
            new BucketPathOptions { TimeZone = TimeZoneInfo.FindSystemTimeZoneById("America/Los_Angeles"), Round = true, RoundValue = 10, RoundUnit = RoundUnit.Minute },
            Hosts,
            TimeProvider.System);
        var flumeEvent = Stamped(Thursday, ("host", "web1"));
        var builder = new System.Text.StringBuilder(256);

        Assert.Equal(0, ThreadAllocations.FewestPerPass(() =>
        {
            for (var i = 0; i < 1000; i++)
            {
                builder.Clear();
                path.AppendTo(builder, flumeEvent);
            }
        }));
    }

    [Fact]
    public void The_user_guides_ten_minute_rounding_example_gives_its_path()
    {
        var options = new BucketPathOptions { Round = true, RoundValue = 10, RoundUnit = RoundUnit.Minute };
        var june12 = new DateTimeOffset(2012, 6, 12, 11, 54, 34, TimeSpan.Zero).ToUnixTimeMilliseconds();

        Assert.Equal("/flume/events/2012-06-12/1150/00", Format("/flume/events/%Y-%m-%d/%H%M/%S", june12, options: options));
    }

    [Fact]
    public void Rounding_applies_to_every_time_escape_but_t()
    {
        var options = new BucketPathOptions { Round = true, RoundValue = 15, RoundUnit = RoundUnit.Second };

        Assert.Equal("23:05:15 1109891115 1109891125123", Format("%H:%M:%S %s %t", Thursday, options: options));
    }

    [Fact]
    public void Hour_rounding_counts_hours_on_the_zones_clock_face()
    {
        // 11:54:34 UTC is 17:24:34 in India (+05:30); six-hour buckets there start at 12:00 local, 06:30 UTC.
        var options = new BucketPathOptions { Round = true, RoundValue = 6, RoundUnit = RoundUnit.Hour };
        var june12 = new DateTimeOffset(2012, 6, 12, 11, 54, 34, TimeSpan.Zero).ToUnixTimeMilliseconds();

        Assert.Equal("1200 1339482600", Format("%H%M %s", june12, "Asia/Kolkata", options));
    }

    [Fact]
    public void Local_time_stamp_takes_the_injected_clock_and_ignores_the_header()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 9, 4, 7, 8, TimeSpan.Zero));
        var options = new BucketPathOptions { UseLocalTimeStamp = true };
        var path = BucketPath.Parse("%Y/%m/%d/%H %t", options with { TimeZone = TimeZoneInfo.Utc }, Hosts, clock);

        Assert.Equal("2026/01/09/04 1767931628000", path.Format(Stamped(Thursday)));
        Assert.Equal("2026/01/09/04 1767931628000", path.Format(FlumeEvent.FromText("no headers")));
    }

    [Fact]
    public void A_missing_timestamp_header_is_a_bucket_timestamp_error_naming_the_fix()
    {
        var path = BucketPath.Parse("/logs/%Y", new BucketPathOptions(), Hosts, TimeProvider.System);

        var error = Assert.Throws<BucketTimestampException>(() => path.Format(FlumeEvent.FromText("x")));

        Assert.Contains("'timestamp'", error.Message, StringComparison.Ordinal);
        Assert.Contains("hdfs.useLocalTimeStamp", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_timestamp_header_that_is_not_a_number_is_a_bucket_timestamp_error()
    {
        var path = BucketPath.Parse("/logs/%Y", new BucketPathOptions(), Hosts, TimeProvider.System);
        var flumeEvent = FlumeEvent.FromText("x", new Dictionary<string, string> { ["timestamp"] = "yesterday" });

        var error = Assert.Throws<BucketTimestampException>(() => path.Format(flumeEvent));

        Assert.Contains("'yesterday'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Even_a_percent_escape_needs_the_time_as_in_Flume()
    {
        var path = BucketPath.Parse("100%%", new BucketPathOptions(), Hosts, TimeProvider.System);

        Assert.True(path.NeedsTime);
        Assert.Throws<BucketTimestampException>(() => path.Format(FlumeEvent.FromText("x")));
    }

    [Fact]
    public void Header_escapes_take_the_headers_value_or_nothing_and_need_no_timestamp()
    {
        var path = BucketPath.Parse("/logs/%{host}/%{app.name-v2}/%{absent}/x", new BucketPathOptions(), Hosts, TimeProvider.System);
        var flumeEvent = FlumeEvent.FromText("x", new Dictionary<string, string> { ["host"] = "web1", ["app.name-v2"] = "shop" });

        Assert.False(path.NeedsTime);
        Assert.Equal("/logs/web1/shop//x", path.Format(flumeEvent));
    }

    [Theory]
    [InlineData("%{bad name}")]
    [InlineData("%{}")]
    [InlineData("%{open")]
    [InlineData("50%-off")]
    [InlineData("end%")]
    [InlineData("%[]")]
    public void Percent_signs_that_start_no_escape_are_kept_as_written(string template)
    {
        var path = BucketPath.Parse(template, new BucketPathOptions(), Hosts, TimeProvider.System);

        Assert.Equal(template, path.Format(FlumeEvent.FromText("x")));
    }

    [Fact]
    public void Any_text_without_a_percent_sign_is_its_own_path_and_needs_no_time() =>
        Prop.ForAll(
            ArbMap.Default.ArbFor<string>(),
            text =>
            {
                var template = (text ?? "").Replace("%", "", StringComparison.Ordinal);
                var path = BucketPath.Parse(template, new BucketPathOptions(), Hosts, TimeProvider.System);
                return !path.NeedsTime && path.Format(FlumeEvent.FromText("x")) == template;
            }).QuickCheckThrowOnFailure();

    [Fact]
    public void Host_escapes_are_the_hosts_names_in_any_case()
    {
        var path = BucketPath.Parse("%[localhost]/%[IP]/%[fqdn]/%[LocalHost]", new BucketPathOptions(), Hosts, TimeProvider.System);

        Assert.Equal("agent-host/10.1.2.3/agent-host.example.org/agent-host", path.Format(FlumeEvent.FromText("x")));
    }

    [Fact]
    public void An_unknown_host_escape_is_refused_when_parsed()
    {
        var error = Assert.Throws<FormatException>(() => BucketPath.Parse("/x/%[hostname]", new BucketPathOptions(), Hosts, TimeProvider.System));

        Assert.Contains("%[hostname]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_real_host_names_resolve_to_something()
    {
        var hosts = HostNames.Resolve();

        Assert.NotEmpty(hosts.LocalHost);
        Assert.NotEmpty(hosts.Ip);
        Assert.NotEmpty(hosts.Fqdn);
    }

    [Fact]
    public void Options_read_Flumes_keys_and_java_zone_ids()
    {
        var options = BucketPathOptions.From(Context(
            ("hdfs.round", "true"), ("hdfs.roundValue", "10"), ("hdfs.roundUnit", "minute"),
            ("hdfs.timeZone", "America/Los_Angeles"), ("hdfs.useLocalTimeStamp", "true")));

        Assert.True(options.Round);
        Assert.Equal(10, options.RoundValue);
        Assert.Equal(RoundUnit.Minute, options.RoundUnit);
        Assert.Equal(TimeSpan.FromHours(-8), options.TimeZone!.GetUtcOffset(new DateTime(2026, 1, 1, 0, 0, 0, DateTimeKind.Utc)));
        Assert.True(options.UseLocalTimeStamp);
        Assert.Equal(TimeSpan.FromHours(8), BucketPathOptions.From(Context(("hdfs.timeZone", "GMT+08:00"))).TimeZone!.BaseUtcOffset);
        Assert.Null(BucketPathOptions.From(Context()).TimeZone);
    }

    [Theory]
    [InlineData("PST", -8)]
    [InlineData("IST", 5.5)]
    [InlineData("EST", -5)]
    [InlineData("UTC", 0)]
    [InlineData("Europe/Berlin", 1)]
    public void Java_zone_ids_old_and_new_give_their_winter_offsets(string id, double hours)
    {
        var zone = BucketPathOptions.From(Context(("hdfs.timeZone", id))).TimeZone!;

        Assert.Equal(TimeSpan.FromHours(hours), zone.GetUtcOffset(new DateTime(2026, 1, 15, 0, 0, 0, DateTimeKind.Utc)));
    }

    [Theory]
    [InlineData("hdfs.timeZone", "Mars/Olympus_Mons")]
    [InlineData("hdfs.roundUnit", "day")]
    [InlineData("hdfs.roundValue", "61")]
    [InlineData("hdfs.roundValue", "0")]
    [InlineData("hdfs.round", "sometimes")]
    public void A_bad_bucketing_value_is_refused_naming_its_key(string key, string value)
    {
        var error = Assert.Throws<ConfigurationException>(() => BucketPathOptions.From(Context(("hdfs.round", "true"), (key, value))));

        Assert.Equal("a1.sinks.k1." + key, error.Key);
    }

    [Fact]
    public void Hours_round_to_at_most_24()
    {
        Assert.Equal(24, BucketPathOptions.From(Context(("hdfs.round", "true"), ("hdfs.roundUnit", "hour"), ("hdfs.roundValue", "24"))).RoundValue);
        Assert.Throws<ConfigurationException>(() => BucketPathOptions.From(Context(("hdfs.round", "true"), ("hdfs.roundUnit", "hour"), ("hdfs.roundValue", "25"))));
    }

    /// <summary>A context where a later pair overrides an earlier one of the same key.</summary>
    private static ComponentContext Context(params (string Key, string Value)[] properties)
    {
        var map = new Dictionary<string, string>();
        foreach (var (key, value) in properties)
        {
            map[key] = value;
        }

        return new ComponentContext("k1", "a1.sinks.k1.", map);
    }
}
