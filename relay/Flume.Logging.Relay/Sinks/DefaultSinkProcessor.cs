namespace Flume.Logging.Relay.Sinks;

/// <summary>Flume's <c>default</c> processor: one sink, no group.</summary>
internal sealed class DefaultSinkProcessor(ISink sink) : ISinkProcessor
{
    public string Name => sink.Name;

    public IReadOnlyList<ISink> Sinks { get; } = [sink];

    public Task StartAsync(CancellationToken cancellationToken) => sink.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => sink.StopAsync(cancellationToken);

    public ValueTask<SinkStatus> ProcessAsync(CancellationToken cancellationToken) => sink.ProcessAsync(cancellationToken);
}
