using Flume.Logging.Hdfs.FileSystem;
using Flume.Logging.Testing;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Hdfs.Tests.FileSystem;

public sealed class LeaseRenewerTests
{
    private readonly CountingTimeProvider _time = new();
    private readonly CapturingLoggerFactory _logs = new();
    private int _calls;
    private Func<Task> _answer = () => Task.CompletedTask;

    private LeaseRenewer Create() => new(_ =>
    {
        _calls++;
        return _answer();
    }, _time, _logs.CreateLogger("hdfs"));

    [Fact]
    public async Task Renews_every_30_seconds_while_a_file_is_open_and_not_at_all_once_none_is()
    {
        await using var renewer = Create();
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(0, _calls);

        renewer.FileOpened();
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(0, _calls);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, _calls);
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(2, renewer.Renewals);

        renewer.FileClosed();
        _time.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(2, _calls);
    }

    [Fact]
    public async Task Keeps_renewing_until_the_last_of_several_open_files_is_closed()
    {
        await using var renewer = Create();
        renewer.FileOpened();
        renewer.FileOpened();
        renewer.FileClosed();

        // One advance per renewal: the fake clock counts a timer re-armed in its callback from the end of the advance.
        _time.Advance(TimeSpan.FromSeconds(30));
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(2, _calls);

        renewer.FileClosed();
        _time.Advance(TimeSpan.FromSeconds(30));
        _time.Advance(TimeSpan.FromSeconds(30));
        Assert.Equal(2, _calls);
    }

    [Fact]
    public async Task A_failed_renewal_is_reported_and_retried_every_second_until_one_succeeds()
    {
        await using var renewer = Create();
        _answer = () => Task.FromException(new IOException("namenode away"));
        renewer.FileOpened();
        _time.Advance(TimeSpan.FromSeconds(30));
        _time.Advance(TimeSpan.FromSeconds(1));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(3, _calls);
        Assert.Equal(0, renewer.Renewals);
        Assert.True(_logs.Contains("Renewing the HDFS leases failed", LogLevel.Warning), _logs.Dump());

        _answer = () => Task.CompletedTask;
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, renewer.Renewals);
        _time.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(4, _calls);
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(5, _calls);
    }

    [Fact]
    public async Task Disposing_cancels_a_renewal_in_progress_and_stops_the_schedule()
    {
        var pending = new TaskCompletionSource();
        CancellationToken seen = default;
        var renewer = new LeaseRenewer(token =>
        {
            seen = token;
            token.Register(() => pending.TrySetCanceled(token));
            return pending.Task;
        }, _time, _logs.CreateLogger("hdfs"));
        renewer.FileOpened();
        _time.Advance(TimeSpan.FromSeconds(30));

        await renewer.DisposeAsync();

        Assert.True(seen.IsCancellationRequested);
        Assert.Equal(0, _time.ActiveTimerCount);
        Assert.Throws<ObjectDisposedException>(renewer.FileOpened);
    }
}
