using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Sinks;
using Flume.Logging.Rpc;
using Flume.Logging.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Flume.Logging.Relay.Tests.Sinks;

public sealed class SinkRunnerTests
{
    [Fact]
    public async Task Steps_run_on_a_thread_of_its_own_named_after_the_sink_and_not_on_the_pool()
    {
        var processor = await RunThreeStepsAsync(asynchronous: false);

        Assert.Equal("Flume sink k1", processor.ThreadName);
        Assert.False(processor.OnPool);
    }

    [Fact]
    public async Task A_step_that_completes_asynchronously_is_waited_for_before_the_next_one()
    {
        var processor = await RunThreeStepsAsync(asynchronous: true);

        Assert.False(processor.Overlapped, "a step began before the one before it had ended");
    }

    [Fact]
    public async Task Stopping_lets_the_step_in_flight_finish_instead_of_cancelling_it()
    {
        var processor = new GatedProcessor();

        await StopDuringFirstStepAsync(processor, runner => runner.StopAsync(CancellationToken.None));

        Assert.Equal(StepEnd.Finished, processor.FirstStepEnd);
    }

    [Fact]
    public async Task A_step_in_flight_at_stop_is_cancelled_once_the_stop_deadline_passes()
    {
        var processor = new GatedProcessor();
        using var runner = await StartAsync(processor);
        await processor.InStep.Task.WaitAsync(TimeSpan.FromSeconds(10));

        using var deadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await runner.StopAsync(deadline.Token).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(StepEnd.Cancelled, processor.FirstStepEnd);
    }

    [Fact]
    public async Task A_step_in_flight_that_fails_at_stop_ends_the_drain_without_another_attempt()
    {
        var processor = new GatedProcessor(failFirstStep: true);

        await StopDuringFirstStepAsync(processor, runner => runner.StopAsync(CancellationToken.None));

        Assert.Equal(1, processor.Steps);
    }

    [Fact]
    public async Task Stopping_without_draining_also_lets_the_step_in_flight_finish()
    {
        var processor = new GatedProcessor();

        await StopDuringFirstStepAsync(processor, runner => runner.StopWithoutDrainingAsync(CancellationToken.None));

        Assert.Equal(StepEnd.Finished, processor.FirstStepEnd);
    }

    [Theory]
    [InlineData("io")]
    [InlineData("permission")]
    [InlineData("next hop")]
    public async Task Operational_failures_are_logged_as_a_warning_with_their_reason_and_no_stack_trace(string kind)
    {
        Exception failure = kind switch
        {
            "io" => new IOException("No space left on device : '/data/out/1796539015671-1'"),
            "permission" => new UnauthorizedAccessException("Access to the path '/data/out/1796539015671-1' is denied."),
            _ => new EventDeliveryException("127.0.0.1:4545: connection refused"),
        };

        var entry = await FirstFailureLogAsync(failure);

        Assert.Equal(LogLevel.Warning, entry.Level);
        Assert.Equal($"sink k1 failed, backing off 1000 ms: {failure.Message}", entry.Message);
        Assert.Null(entry.Exception);
    }

    [Fact]
    public async Task A_bug_in_a_sink_is_logged_as_an_error_with_its_stack_trace()
    {
        var entry = await FirstFailureLogAsync(new InvalidOperationException("a bug"));

        Assert.Equal(LogLevel.Error, entry.Level);
        Assert.Equal("sink k1 failed unexpectedly, backing off 1000 ms", entry.Message);
        Assert.IsType<InvalidOperationException>(entry.Exception);
    }

    private static async Task<CapturingLoggerFactory.LogEntry> FirstFailureLogAsync(Exception failure)
    {
        var logs = new CapturingLoggerFactory();
        var channel = new MemoryChannel("c1", new MemoryChannelOptions(), TimeProvider.System, NullLogger<MemoryChannel>.Instance);
        using (var runner = new SinkRunner(new FailingProcessor(failure), [channel], TimeProvider.System, logs.CreateLogger<SinkRunner>()))
        {
            await runner.StartAsync(CancellationToken.None);
            await Eventually.TrueAsync(() => logs.Entries.Any(e => e.Message.StartsWith("sink k1 failed", StringComparison.Ordinal)), "the failure's log line");
            await runner.StopAsync(CancellationToken.None);
        }

        return logs.Entries.First(e => e.Message.StartsWith("sink k1 failed", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_stop_tells_each_sink_it_has_begun_while_the_step_is_still_in_flight()
    {
        // The step ends only once its sink hears of the stop, as a sink retrying a dead peer gives up its retries.
        var sink = new StopAwareSink();
        var processor = new GatedProcessor(failFirstStep: true, sink);
        _ = sink.StopRequested.Task.ContinueWith(_ => processor.Release.TrySetResult(), TaskScheduler.Default);
        using var runner = await StartAsync(processor);
        await processor.InStep.Task.WaitAsync(TimeSpan.FromSeconds(10));

        await runner.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, sink.StopRequests);
    }

    /// <summary>
    /// Starts a runner over <paramref name="processor"/>, calls <paramref name="stop"/> once the first step is in flight,
    /// checks the stop is still waiting 100 ms later, then releases the step and waits for the stop.
    /// </summary>
    private static async Task StopDuringFirstStepAsync(GatedProcessor processor, Func<SinkRunner, Task> stop)
    {
        using var runner = await StartAsync(processor);
        await processor.InStep.Task.WaitAsync(TimeSpan.FromSeconds(10));

        var stopping = stop(runner);
        await Task.Delay(100);
        Assert.False(stopping.IsCompleted, "the stop returned while a step was in flight");
        processor.Release.SetResult();
        await stopping.WaitAsync(TimeSpan.FromSeconds(10));
    }

    private static async Task<SinkRunner> StartAsync(ISinkProcessor processor)
    {
        var channel = new MemoryChannel("c1", new MemoryChannelOptions(), TimeProvider.System, NullLogger<MemoryChannel>.Instance);
        var runner = new SinkRunner(processor, [channel], TimeProvider.System, NullLogger<SinkRunner>.Instance);
        await runner.StartAsync(CancellationToken.None);
        return runner;
    }

    /// <summary>Runs a runner over a recording processor until it has stepped three times, then stops it.</summary>
    private static async Task<RecordingProcessor> RunThreeStepsAsync(bool asynchronous)
    {
        var processor = new RecordingProcessor(asynchronous);
        var channel = new MemoryChannel("c1", new MemoryChannelOptions(), TimeProvider.System, NullLogger<MemoryChannel>.Instance);
        using var runner = new SinkRunner(processor, [channel], TimeProvider.System, NullLogger<SinkRunner>.Instance);
        await runner.StartAsync(CancellationToken.None);
        await Eventually.TrueAsync(() => processor.Steps >= 3, "the runner steps");
        await runner.StopAsync(CancellationToken.None);
        return processor;
    }

    /// <summary>Throws <paramref name="failure"/> on its first step, then finds nothing.</summary>
    private sealed class FailingProcessor(Exception failure) : ISinkProcessor
    {
        private int _steps;

        public IReadOnlyList<ISink> Sinks => [];

        public string Name => "k1";

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public ValueTask<SinkStatus> ProcessAsync(CancellationToken cancellationToken) =>
            Interlocked.Increment(ref _steps) == 1 ? throw failure : ValueTask.FromResult(SinkStatus.Backoff);
    }

    /// <summary>Records where its first step runs and whether steps overlap; Ready for three steps, then Backoff.</summary>
    private sealed class RecordingProcessor(bool asynchronous) : ISinkProcessor
    {
        private int _steps;
        private int _running;
        private int _overlapped;

        public IReadOnlyList<ISink> Sinks => [];

        public string Name => "k1";

        public int Steps => Volatile.Read(ref _steps);

        public bool Overlapped => Volatile.Read(ref _overlapped) != 0;

        public string? ThreadName { get; private set; }

        public bool OnPool { get; private set; }

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public async ValueTask<SinkStatus> ProcessAsync(CancellationToken cancellationToken)
        {
            // The first step is the runner's; a stop drains on the thread that stops it.
            if (Steps == 0)
            {
                ThreadName = Thread.CurrentThread.Name;
                OnPool = Thread.CurrentThread.IsThreadPoolThread;
            }

            if (Interlocked.Increment(ref _running) > 1)
            {
                Volatile.Write(ref _overlapped, 1);
            }

            try
            {
                if (asynchronous)
                {
                    // A stop may cancel it; the step still ends.
                    await Task.Delay(1, cancellationToken);
                }
            }
            finally
            {
                Interlocked.Decrement(ref _running);
            }

            Interlocked.Increment(ref _steps);
            return Steps >= 3 ? SinkStatus.Backoff : SinkStatus.Ready;
        }
    }

    private enum StepEnd
    {
        None,
        Finished,
        Cancelled,
    }

    /// <summary>
    /// Its first step waits for <see cref="Release"/>, records how it ended and then succeeds or (with
    /// <paramref name="failFirstStep"/>) fails as a dead downstream does; later steps find nothing.
    /// </summary>
    private sealed class GatedProcessor(bool failFirstStep = false, ISink? sink = null) : ISinkProcessor
    {
        private int _steps;

        public int Steps => Volatile.Read(ref _steps);

        public IReadOnlyList<ISink> Sinks => sink is null ? [] : [sink];

        public string Name => "k1";

        public TaskCompletionSource InStep { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public StepEnd FirstStepEnd { get; private set; }

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public async ValueTask<SinkStatus> ProcessAsync(CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _steps) > 1)
            {
                return SinkStatus.Backoff;
            }

            InStep.SetResult();
            try
            {
                await Release.Task.WaitAsync(cancellationToken);
                FirstStepEnd = StepEnd.Finished;
                return failFirstStep ? throw new EventDeliveryException("the next hop timed out") : SinkStatus.Ready;
            }
            catch (OperationCanceledException)
            {
                FirstStepEnd = StepEnd.Cancelled;
                throw;
            }
        }
    }

    private sealed class StopAwareSink : ISink
    {
        private int _stopRequests;

        public int StopRequests => Volatile.Read(ref _stopRequests);

        public TaskCompletionSource StopRequested { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Name => "k1";

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public ValueTask<SinkStatus> ProcessAsync(CancellationToken cancellationToken) => throw new NotSupportedException();

        public void OnStopRequested()
        {
            Interlocked.Increment(ref _stopRequests);
            StopRequested.TrySetResult();
        }
    }
}
