using System.Globalization;
using System.Runtime.InteropServices;
using Flume.Logging.Rpc;

namespace Flume.Logging.Relay.Cli.Tools;

/// <summary>
/// <c>relay load</c>: runs a <see cref="LoadGenerator"/> against one source and reports. Ctrl-C ends the run early
/// and still reports what was measured.
/// </summary>
internal static class LoadTool
{
    /// <summary>Exit code when a batch failed for good, or the options were unusable.</summary>
    public const int Failed = 1;

    private static readonly TimeSpan ProgressInterval = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// Runs the load and writes the summary (or with <paramref name="json"/>, one JSON line) to
    /// <paramref name="output"/>; a live progress line goes to <paramref name="error"/> when
    /// <paramref name="showProgress"/>.
    /// </summary>
    public static async Task<int> RunAsync(LoadOptions options, bool json, bool showProgress, TextWriter output, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        var clientOptions = options.ToClientOptions();
        try
        {
            if ((options.Thrift || options.Syslog || options.Http) && options.Compression != CompressionType.None)
            {
                throw new ArgumentException("--compression deflate needs --protocol avro: Flume's thrift, syslog and http sources have no compression");
            }

            if (options.Syslog)
            {
                SyslogLoadClient.Validate(options);
            }

            clientOptions.Validate();
        }
        catch (ArgumentException e)
        {
            await error.WriteLineAsync($"load: {e.Message}");
            return Failed;
        }

        using var stop = new CancellationTokenSource();
        using var sigint = PosixSignalRegistration.Create(PosixSignal.SIGINT, context =>
        {
            // Finish the batches in flight and report instead of dying mid-run.
            context.Cancel = true;
            stop.Cancel();
        });
        Func<IRpcClient> createClient = options switch
        {
            { Syslog: true } => () => new SyslogLoadClient(options),
            { Http: true } => () => new HttpJsonLoadClient(options),
            _ => () => RpcClients.Create(clientOptions),
        };
        var generator = new LoadGenerator(options, createClient, TimeProvider.System);
        using var progressDone = new CancellationTokenSource();
        var progress = showProgress ? ShowProgressAsync(generator, error, progressDone.Token) : Task.CompletedTask;
        var result = await generator.RunAsync(stop.Token);
        await progressDone.CancelAsync();
        await progress;

        if (result.FirstFailure is { } failure)
        {
            var outcome = result.FailedBatches > 0
                ? $"{result.FailedBatches} batches failed after {options.MaxAttempts} attempts"
                : $"{result.FailedAttempts} attempts failed and were retried";
            await error.WriteLineAsync($"load: {outcome}; first failure: {failure}");
        }

        await output.WriteLineAsync(json ? result.ToJson() : result.ToSummary());
        return result.FailedBatches > 0 ? Failed : 0;
    }

    private static async Task ShowProgressAsync(LoadGenerator generator, TextWriter error, CancellationToken done)
    {
        var started = TimeProvider.System.GetTimestamp();
        using var timer = new PeriodicTimer(ProgressInterval);
        try
        {
            while (await timer.WaitForNextTickAsync(done))
            {
                var events = generator.EventsSent;
                var seconds = TimeProvider.System.GetElapsedTime(started).TotalSeconds;
                await error.WriteAsync(string.Create(CultureInfo.InvariantCulture, $"\r{events} events, {events / seconds:0} events/s   "));
            }
        }
        catch (OperationCanceledException)
        {
            await error.WriteLineAsync();
        }
    }
}
