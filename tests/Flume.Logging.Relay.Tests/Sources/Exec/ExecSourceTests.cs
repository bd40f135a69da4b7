using System.Text;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Sources.Exec;
using Flume.Logging.Testing;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Relay.Tests.Sources.Exec;

public sealed class ExecSourceTests : IAsyncLifetime
{
    private readonly string _dir = Directory.CreateTempSubdirectory("exec-test-").FullName;
    private readonly MemoryChannel _channel = SourceTestChannel.Create(1000, TimeSpan.Zero);
    private readonly CountingTimeProvider _time = new();
    private readonly CapturingLoggerFactory _logs = new();
    private readonly List<FlumeEvent> _received = [];
    private ExecSource? _source;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        if (_source is not null)
        {
            await _source.DisposeAsync();
        }

        Directory.Delete(_dir, recursive: true);
    }

    private async Task<ExecSource> StartAsync(string command, Action<ExecSourceOptions>? configure = null)
    {
        var options = new ExecSourceOptions { Command = command, Shell = "/bin/sh -c" };
        configure?.Invoke(options);
        _source = new ExecSource("r1", options, SourceTestChannel.ProcessorFor(_channel), _time, ((ILoggerFactory)_logs).CreateLogger<ExecSource>());
        await _source.StartAsync(CancellationToken.None);
        return _source;
    }

    private List<FlumeEvent> Received => SourceTestChannel.TakeAll(_channel, _received);

    private List<string> Bodies => Received.Select(e => Encoding.UTF8.GetString(e.Body.Span)).ToList();

    [Fact]
    public async Task Each_line_the_command_prints_is_an_event_ending_at_lf_cr_or_crlf_like_javas_readLine()
    {
        var source = await StartAsync("printf 'a\\nb\\r\\nc\\rd\\n\\nlast'");

        await Eventually.TrueAsync(() => _logs.Contains("exited with 0"), "the command's end");
        Assert.Equal(["a", "b", "c", "d", "", "last"], Bodies);
        Assert.Empty(Received[0].Headers);
        Assert.Equal(6, source.Counter.EventReceivedCount);
        Assert.Equal(6, source.Counter.EventAcceptedCount);
    }

    [Fact]
    public async Task Flumes_warning_that_exec_guarantees_no_delivery_is_logged_at_start()
    {
        await StartAsync("true");
        Assert.Contains(_logs.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("no delivery guarantee", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Without_a_shell_the_command_is_split_on_whitespace_and_run_directly()
    {
        var options = new ExecSourceOptions { Command = "echo  one   $HOME" };
        Assert.Equal(["echo", "one", "$HOME"], options.Arguments());

        await StartAsync("echo  one   $HOME", o => o.Shell = null);
        await Eventually.TrueAsync(() => Bodies.Count == 1, "the line");
        Assert.Equal(["one $HOME"], Bodies);
    }

    [Fact]
    public async Task A_partial_batch_waits_for_batchTimeout_before_it_is_sent()
    {
        var started = Path.Combine(_dir, "printed");
        await StartAsync($"echo one; touch {started}; exec sleep 60", o => o.BatchTimeout = TimeSpan.FromSeconds(3));
        await Eventually.TrueAsync(() => File.Exists(started), "the line printed");
        await Eventually.TrueAsync(() => _time.ActiveTimerCount >= 1, "the batch timer armed");

        // The line is in the batch and only that timer (the clock has not moved) would send it.
        Assert.Empty(Bodies);

        _time.Advance(TimeSpan.FromSeconds(3));

        await Eventually.TrueAsync(() => Bodies.Count == 1, "the batch sent after batchTimeout");
        Assert.Equal(["one"], Bodies);
    }

    [Fact]
    public async Task A_full_batch_is_sent_without_waiting_for_batchTimeout()
    {
        await StartAsync("printf '1\\n2\\n3\\n'; exec sleep 60", o => o.BatchSize = 3);
        await Eventually.TrueAsync(() => Bodies.Count == 3, "the full batch");
        Assert.Equal(["1", "2", "3"], Bodies);
    }

    [Fact]
    public async Task With_restart_the_command_runs_again_only_after_restartThrottle()
    {
        var source = await StartAsync("echo run", o =>
        {
            o.Restart = true;
            o.RestartThrottle = TimeSpan.FromSeconds(10);
        });
        await Eventually.TrueAsync(() => _logs.Contains("restarting in 10000ms, exit code 0"), "the first run's end");
        await Eventually.TrueAsync(() => _time.ActiveTimerCount >= 1, "the restart throttle armed");
        var fired = _time.TimersFired;
        _time.Advance(TimeSpan.FromSeconds(9));

        // The throttle did not fire, so nothing can have started the command again.
        Assert.Equal(fired, _time.TimersFired);
        Assert.Equal(1, source.Runs);

        _time.Advance(TimeSpan.FromSeconds(1));

        await Eventually.TrueAsync(() => source.Runs == 2 && Bodies.Count == 2, "the second run");
    }

    [Fact]
    public async Task Without_restart_the_source_ends_with_the_command_and_logs_its_exit_code()
    {
        var source = await StartAsync("exit 3");
        await Eventually.TrueAsync(() => _logs.Contains("exited with 3"), "the exit logged");

        // Nothing is waiting to run it again: no timer armed, so moving the clock cannot restart it.
        Assert.Equal(0, _time.ActiveTimerCount);
        var fired = _time.TimersFired;
        _time.Advance(TimeSpan.FromSeconds(60));
        Assert.Equal(fired, _time.TimersFired);
        Assert.Equal(1, source.Runs);
    }

    [Fact]
    public async Task Stopping_the_source_kills_the_command_and_the_processes_it_started()
    {
        var pidFile = Path.Combine(_dir, "child.pid");
        var source = await StartAsync($"sleep 300 & echo $! > {pidFile}; echo started; wait");
        await Eventually.TrueAsync(() => File.Exists(pidFile) && File.ReadAllText(pidFile).EndsWith('\n'), "the child started");
        var child = int.Parse(File.ReadAllText(pidFile).Trim(), System.Globalization.CultureInfo.InvariantCulture);
        Assert.True(Directory.Exists($"/proc/{child}"));

        await source.StopAsync(new CancellationTokenSource(TimeSpan.FromSeconds(30)).Token);

        await Eventually.TrueAsync(() => !Directory.Exists($"/proc/{child}") || File.ReadAllText($"/proc/{child}/stat").Contains(") Z ", StringComparison.Ordinal), "the child gone", TimeSpan.FromSeconds(10));
        Assert.Equal(["started"], Bodies);
    }

    [Fact]
    public async Task Standard_error_is_logged_line_by_line_only_with_logStdErr()
    {
        await StartAsync("echo oops >&2; echo out", o => o.LogStdErr = true);
        await Eventually.TrueAsync(() => _logs.Contains("StderrLogger[1] = 'oops'"), "the stderr line logged");
        await Eventually.TrueAsync(() => Bodies.Count == 1, "the stdout line");
        Assert.Equal(["out"], Bodies);
    }

    [Fact]
    public async Task Standard_error_is_read_but_not_logged_by_default()
    {
        await StartAsync("echo oops >&2; echo out");
        await Eventually.TrueAsync(() => _logs.Contains("exited with 0"), "the command's end");
        Assert.False(_logs.Contains("StderrLogger"));
        Assert.Equal(["out"], Bodies);
    }

    [Fact]
    public async Task The_charset_decodes_output_and_encodes_bodies()
    {
        await StartAsync("printf 'caf\\351\\n'", o => o.Charset = "ISO-8859-1");
        await Eventually.TrueAsync(() => Received.Count == 1, "the line");
        Assert.Equal(new byte[] { (byte)'c', (byte)'a', (byte)'f', 0xE9 }, Received[0].Body.ToArray());
    }

    [Fact]
    public async Task A_batch_the_full_channel_refuses_ends_the_command_with_one_line_naming_the_channel()
    {
        // 1,000 lines fill the test channel (capacity 1000), and nothing takes from it.
        var source = await StartAsync("seq 1 5000", o => o.BatchSize = 100);

        await Eventually.TrueAsync(() => _logs.Contains("the channel refused a batch"), "the refusal logged");
        var refusal = _logs.Entries.First(e => e.Message.Contains("the channel refused a batch", StringComparison.Ordinal));
        Assert.Contains("[seq 1 5000] is ended", refusal.Message, StringComparison.Ordinal);
        Assert.Null(refusal.Exception);
        Assert.Equal(1, source.Counter.ChannelWriteFail);
        Assert.Equal(1000, Received.Count);
    }

    [Fact]
    public async Task A_command_that_cannot_start_is_logged_in_one_line_with_the_cause_and_retried_with_restart()
    {
        var source = await StartAsync("/nonexistent/command", o =>
        {
            o.Shell = null;
            o.Restart = true;
            o.RestartThrottle = TimeSpan.FromSeconds(1);
        });
        await Eventually.TrueAsync(() => _logs.Contains("cannot start command [/nonexistent/command]"), "the failure logged");
        await Eventually.TrueAsync(() => _logs.Contains("restarting in 1000ms"), "the restart announced");
        Assert.Equal(0, source.Runs);
        var failure = _logs.Entries.First(e => e.Message.Contains("cannot start command", StringComparison.Ordinal));
        Assert.Contains("No such file or directory", failure.Message, StringComparison.Ordinal);
        Assert.Null(failure.Exception);
    }
}
