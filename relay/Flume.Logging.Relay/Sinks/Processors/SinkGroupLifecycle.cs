namespace Flume.Logging.Relay.Sinks.Processors;

/// <summary>Starts and stops every sink of a group, as Flume's group processors do for their members.</summary>
internal static class SinkGroupLifecycle
{
    /// <summary>
    /// Starts the sinks in order. If one cannot start, those already started are stopped again before the error
    /// is rethrown, so a group never runs half started.
    /// </summary>
    public static async Task StartAllAsync(IReadOnlyList<ISink> sinks, CancellationToken cancellationToken)
    {
        var started = 0;
        try
        {
            for (; started < sinks.Count; started++)
            {
                await sinks[started].StartAsync(cancellationToken);
            }
        }
        catch
        {
            for (var i = started - 1; i >= 0; i--)
            {
                await StopQuietlyAsync(sinks[i], cancellationToken);
            }

            throw;
        }
    }

    /// <summary>Stops every sink, even when some fail to stop; then rethrows what failed.</summary>
    public static async Task StopAllAsync(IReadOnlyList<ISink> sinks, CancellationToken cancellationToken)
    {
        List<Exception>? failures = null;
        foreach (var sink in sinks)
        {
            try
            {
                await sink.StopAsync(cancellationToken);
            }
#pragma warning disable CA1031 // One member failing to stop must not keep the others running; the failure is rethrown below.
            catch (Exception e)
#pragma warning restore CA1031
            {
                (failures ??= []).Add(e);
            }
        }

        if (failures is { Count: 1 })
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Throw(failures[0]);
        }

        if (failures is not null)
        {
            throw new AggregateException("several sinks of the group failed to stop", failures);
        }
    }

    private static async Task StopQuietlyAsync(ISink sink, CancellationToken cancellationToken)
    {
        try
        {
            await sink.StopAsync(cancellationToken);
        }
#pragma warning disable CA1031 // Undoing a failed start: the start failure is the one to report.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
    }
}
