using Flume.Logging.Relay.Sinks;

namespace Flume.Logging.Relay.Tests.Sinks.Processors;

/// <summary>A sink whose steps succeed (Ready), find nothing (Backoff) or throw, as the test says.</summary>
/// <param name="name">The sink's name.</param>
/// <param name="log">Where each step appends the sink's name, so a test can read the order sinks were tried in.</param>
internal sealed class FakeSink(string name, List<string>? log = null) : ISink
{
    public string Name { get; } = name;

    /// <summary>When true, every step throws.</summary>
    public bool Failing { get; set; }

    /// <summary>What a successful step returns.</summary>
    public SinkStatus Status { get; set; } = SinkStatus.Ready;

    public int Calls { get; private set; }

    public int Deliveries { get; private set; }

    public bool Started { get; private set; }

    public bool Stopped { get; private set; }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Started = true;
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Stopped = true;
        return Task.CompletedTask;
    }

    public ValueTask<SinkStatus> ProcessAsync(CancellationToken cancellationToken)
    {
        Calls++;
        log?.Add(Name);
        if (Failing)
        {
            throw new Rpc.EventDeliveryException($"{Name} is down");
        }

        if (Status == SinkStatus.Ready)
        {
            Deliveries++;
        }

        return ValueTask.FromResult(Status);
    }
}
