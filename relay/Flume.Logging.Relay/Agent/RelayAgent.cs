using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Config;
using Flume.Logging.Relay.Interceptors;
using Flume.Logging.Relay.Metrics;
using Flume.Logging.Relay.Sinks;
using Flume.Logging.Relay.Sources;
using Microsoft.Extensions.Logging;

namespace Flume.Logging.Relay.Agent;

/// <summary>
/// One running Flume agent: its channels, sources and sink runners, built from an
/// <see cref="AgentConfiguration"/>. Starts channels, then sinks, then sources, so nothing is accepted before it
/// can be stored and drained; stops in the reverse order, letting sinks drain until the stop deadline.
/// </summary>
public sealed partial class RelayAgent : IAsyncDisposable
{
    private readonly IReadOnlyList<IChannel> _channels;
    private readonly IReadOnlyList<ISource> _sources;
    private readonly IReadOnlyList<SinkRunner> _runners;
    private readonly ILogger _logger;
    private readonly List<ILifecycle> _started = [];
    private int _state;

    private RelayAgent(
        string name, IReadOnlyList<IChannel> channels, IReadOnlyList<ISource> sources, IReadOnlyList<SinkRunner> runners, MetricsRegistry metrics, ILogger logger)
    {
        Name = name;
        Metrics = metrics;
        _channels = channels;
        _sources = sources;
        _runners = runners;
        _logger = logger;
    }

    /// <summary>The agent's name, e.g. <c>a1</c>.</summary>
    public string Name { get; }

    /// <summary>
    /// Keys of the configuration no component read while it was built (typos such as <c>capacty</c>), each with
    /// the closest known property; already logged as warnings by <see cref="Build"/>.
    /// </summary>
    public IReadOnlyList<string> PropertyWarnings { get; private init; } = [];

    /// <summary>The agent's sources, by name, so callers can find bound ports.</summary>
    public IReadOnlyList<ISource> Sources => _sources;

    /// <summary>The agent's channels.</summary>
    public IReadOnlyList<IChannel> Channels => _channels;

    /// <summary>The counters of every component, as served at <c>/metrics</c>.</summary>
    public MetricsRegistry Metrics { get; }

    /// <summary>
    /// Builds every component. Throws <see cref="ConfigurationException"/> naming the key at fault when a type is
    /// unknown or a property is invalid; nothing is started by building.
    /// </summary>
    public static RelayAgent Build(AgentConfiguration configuration, ComponentRegistry registry, ComponentServices services)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(registry);
        ArgumentNullException.ThrowIfNull(services);
        var logger = services.LoggerFactory.CreateLogger<RelayAgent>();
        foreach (var warning in configuration.Warnings)
        {
            LogConfigurationWarning(logger, configuration.Name, warning);
        }

        var channels = new Dictionary<string, IChannel>(StringComparer.Ordinal);
        foreach (var channel in configuration.Channels)
        {
            channels[channel.Name] = Monitored(services, registry.Channels.Create(
                channel.Type, new ChannelBuildContext(channel.Name, channel.Context, services), channel.Context, "type"));
        }

        var sources = new List<ISource>();
        foreach (var source in configuration.Sources)
        {
            var processor = BuildChannelProcessor(source, channels, registry, services);
            sources.Add(Monitored(services, registry.Sources.Create(
                source.Type, new SourceBuildContext(source.Name, source.Context, processor, services), source.Context, "type")));
        }

        var sinks = new Dictionary<string, (ISink Sink, IChannel Channel)>(StringComparer.Ordinal);
        foreach (var sink in configuration.Sinks)
        {
            var channel = channels[sink.Channel];
            sinks[sink.Name] = (Monitored(services, registry.Sinks.Create(
                sink.Type, new SinkBuildContext(sink.Name, sink.Context, channel, services), sink.Context, "type")), channel);
        }

        var runners = new List<SinkRunner>();
        var grouped = new HashSet<string>(StringComparer.Ordinal);
        foreach (var group in configuration.SinkGroups)
        {
            var members = new List<ISink>();
            var memberChannels = new List<IChannel>();
            foreach (var name in group.Sinks)
            {
                members.Add(sinks[name].Sink);
                if (!memberChannels.Contains(sinks[name].Channel))
                {
                    memberChannels.Add(sinks[name].Channel);
                }

                grouped.Add(name);
            }

            var processorType = group.Processor.GetString("type", "default").Trim();
            var sinkProcessor = registry.SinkProcessors.Create(
                processorType, new SinkProcessorBuildContext(group.Name, group.Processor, members, services), group.Processor, "type");
            runners.Add(new SinkRunner(sinkProcessor, memberChannels, services.TimeProvider, services.LoggerFactory.CreateLogger<SinkRunner>()));
        }

        foreach (var sink in configuration.Sinks)
        {
            if (!grouped.Contains(sink.Name))
            {
                var (single, channel) = sinks[sink.Name];
                runners.Add(new SinkRunner(new DefaultSinkProcessor(single), [channel], services.TimeProvider, services.LoggerFactory.CreateLogger<SinkRunner>()));
            }
        }

        // Right after construction: what a component reads only when it starts is under a nested prefix.
        var propertyWarnings = UnknownProperties.Find(configuration);
        foreach (var warning in propertyWarnings)
        {
            LogConfigurationWarning(logger, configuration.Name, warning);
        }

        return new RelayAgent(configuration.Name, [.. channels.Values], sources, runners, services.Metrics, logger)
        {
            PropertyWarnings = propertyWarnings,
        };
    }

    /// <summary>
    /// Starts channels, sinks, then sources. If any fails to start (for example a port in use), everything
    /// already started is stopped again and the error is rethrown.
    /// </summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _state, 1, 0) != 0)
        {
            throw new InvalidOperationException($"agent {Name} was already started");
        }

        try
        {
            foreach (var channel in _channels)
            {
                await channel.StartAsync(cancellationToken);
                _started.Add(channel);
            }

            foreach (var runner in _runners)
            {
                await runner.StartAsync(cancellationToken);
                _started.Add(runner);
            }

            foreach (var source in _sources)
            {
                await source.StartAsync(cancellationToken);
                _started.Add(source);
            }
        }
        catch
        {
            using var undo = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await StopStartedAsync(undo.Token);
            throw;
        }

        LogStarted(Name, _sources.Count, _channels.Count, _runners.Count);
    }

    /// <summary>
    /// Stops sources (requests in flight are finished and answered), then drains sinks until the channels are
    /// empty or <paramref name="cancellationToken"/> fires, then stops channels. Runs once.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (Interlocked.CompareExchange(ref _state, 2, 1) != 1)
        {
            return;
        }

        LogStopping(Name);
        await StopStartedAsync(cancellationToken);
        LogStopped(Name);
    }

    /// <summary>
    /// Stops the agent if still running (10 s deadline) and releases every component, then its
    /// <see cref="Metrics"/>, whose meter then stops reporting.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        using (var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10)))
        {
            await StopAsync(timeout.Token);
        }

        foreach (var component in _sources.Cast<object>().Concat(_channels).Concat(_runners))
        {
            switch (component)
            {
                case IAsyncDisposable asyncDisposable:
                    await asyncDisposable.DisposeAsync();
                    break;
                case IDisposable disposable:
                    disposable.Dispose();
                    break;
            }
        }

        Metrics.Dispose();
    }

    private static T Monitored<T>(ComponentServices services, T component)
    {
        if (component is IMonitoredComponent monitored)
        {
            services.Metrics.Register(monitored.Counters);
        }

        return component;
    }

    private static ChannelProcessor BuildChannelProcessor(
        SourceConfiguration source, Dictionary<string, IChannel> channels, ComponentRegistry registry, ComponentServices services)
    {
        var bound = new List<IChannel>();
        foreach (var name in source.Channels)
        {
            bound.Add(channels[name]);
        }

        var interceptors = new List<IInterceptor>();
        foreach (var name in source.Interceptors)
        {
            var properties = source.InterceptorsContext.GetSubContext(name + ".");
            var type = properties.GetRequiredString("type").Trim();
            interceptors.Add(registry.Interceptors.Create(type, new InterceptorBuildContext(name, properties, services), properties, "type"));
        }

        var selectorType = source.Selector.GetString("type", "replicating").Trim();
        var selector = registry.Selectors.Create(
            selectorType, new SelectorBuildContext(source.Name, source.Selector, bound, services), source.Selector, "type");
        return new ChannelProcessor(selector, interceptors, services.LoggerFactory.CreateLogger<ChannelProcessor>());
    }

    private async Task StopStartedAsync(CancellationToken cancellationToken)
    {
        foreach (var source in _sources)
        {
            if (_started.Contains(source))
            {
                await StopQuietlyAsync(source.Name, () => source.StopAsync(cancellationToken));
            }
        }

        await Task.WhenAll(_runners.Where(_started.Contains).Select(runner => StopQuietlyAsync(runner.Name, () => runner.StopAsync(cancellationToken))));
        foreach (var channel in _channels)
        {
            if (_started.Contains(channel))
            {
                await StopQuietlyAsync(channel.Name, () => channel.StopAsync(cancellationToken));
            }
        }
    }

    private async Task StopQuietlyAsync(string component, Func<Task> stop)
    {
        try
        {
            await stop();
        }
#pragma warning disable CA1031 // One component failing to stop must not keep the others running.
        catch (Exception e)
#pragma warning restore CA1031
        {
            LogStopFailed(e, Name, component);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "agent {Agent}: {Warning}")]
    private static partial void LogConfigurationWarning(ILogger logger, string agent, string warning);

    [LoggerMessage(Level = LogLevel.Information, Message = "agent {Agent} started: {Sources} sources, {Channels} channels, {Runners} sink runners")]
    private partial void LogStarted(string agent, int sources, int channels, int runners);

    [LoggerMessage(Level = LogLevel.Information, Message = "agent {Agent} stopping")]
    private partial void LogStopping(string agent);

    [LoggerMessage(Level = LogLevel.Information, Message = "agent {Agent} stopped")]
    private partial void LogStopped(string agent);

    [LoggerMessage(Level = LogLevel.Error, Message = "agent {Agent}: {Component} failed to stop cleanly")]
    private partial void LogStopFailed(Exception exception, string agent, string component);
}
