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
/// can be stored and drained; stops in the reverse order, letting sinks drain until the stop deadline. A running
/// agent can take a changed configuration (<see cref="ReloadAsync"/>): only the components it changes restart.
/// </summary>
public sealed partial class RelayAgent : IAsyncDisposable
{
    private readonly ComponentRegistry _registry;
    private readonly ComponentServices _services;
    private readonly ILogger _logger;
    private readonly List<ILifecycle> _started = [];

    // Reloads and the final stop take turns: a stop waits for a reload in progress to finish its swap.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile AgentFlow _flow;

    // The configuration of the last reload while some of its components could not start; see RetryLeftOutAsync.
    private AgentConfiguration? _leftOut;
    private int _state;

    private RelayAgent(AgentFlow flow, ComponentRegistry registry, ComponentServices services, ILogger logger)
    {
        Name = flow.Configuration.Name;
        _flow = flow;
        _registry = registry;
        _services = services;
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
    public IReadOnlyList<ISource> Sources => _flow.SourceList;

    /// <summary>The agent's channels.</summary>
    public IReadOnlyList<IChannel> Channels => _flow.ChannelList;

    /// <summary>The counters of every component, as served at <c>/metrics</c>.</summary>
    public MetricsRegistry Metrics => _services.Metrics;

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

        var flow = Assemble(configuration, registry, services, running: null, diff: null, created: [], reconfigurations: []);

        // Right after construction: what a component reads only when it starts is under a nested prefix.
        var propertyWarnings = UnknownProperties.Find(configuration);
        foreach (var warning in propertyWarnings)
        {
            LogConfigurationWarning(logger, configuration.Name, warning);
        }

        return new RelayAgent(flow, registry, services, logger)
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

        var flow = _flow;
        try
        {
            foreach (var channel in flow.ChannelList)
            {
                await channel.StartAsync(cancellationToken);
                _started.Add(channel);
            }

            foreach (var runner in flow.Runners)
            {
                await runner.StartAsync(cancellationToken);
                _started.Add(runner);
            }

            foreach (var source in flow.SourceList)
            {
                await source.StartAsync(cancellationToken);
                _started.Add(source);
            }
        }
        catch
        {
            using var undo = new CancellationTokenSource(TimeSpan.FromSeconds(10));
            await StopStartedAsync(flow, undo.Token);
            throw;
        }

        _started.Clear();
        LogStarted(Name, flow.SourceList.Count, flow.ChannelList.Count, flow.Runners.Count);
    }

    /// <summary>
    /// Applies a changed configuration of this agent to the running flow, stopping and starting only what changed
    /// (see <see cref="FlowDiff"/>): sources stop first, then sinks, then channels; channels start first, then sinks,
    /// then sources. A sink whose channel stops or goes away drains it first, until <paramref name="drainTimeout"/>;
    /// a sink that merely restarts leaves what it has not taken in the channel for its successor. Throws
    /// <see cref="ConfigurationException"/> when a new or changed component cannot be built, and then nothing
    /// has changed. A component that fails to start is logged and left out; <see cref="RetryLeftOutAsync"/> and the
    /// next reload try it again.
    /// </summary>
    /// <returns>False when the agent is not running (not yet started, or stopped), so nothing was applied.</returns>
    internal Task<bool> ReloadAsync(AgentConfiguration next, TimeSpan drainTimeout, CancellationToken cancellationToken) =>
        ApplyAsync(next, drainTimeout, retrying: false, cancellationToken);

    /// <summary>
    /// Starts again what the last reload could not start (a port still in use, a folder not yet writable), as Flume's
    /// supervisor keeps trying a component that failed: the configuration watcher calls this at each poll. Does
    /// nothing when that reload started everything.
    /// </summary>
    /// <returns>False when there was nothing to retry or the agent is not running.</returns>
    internal async Task<bool> RetryLeftOutAsync(TimeSpan drainTimeout, CancellationToken cancellationToken)
    {
        if (Volatile.Read(ref _leftOut) is not { } wanted)
        {
            return false;
        }

        LogRetrying(Name);
        return await ApplyAsync(wanted, drainTimeout, retrying: true, cancellationToken);
    }

    private async Task<bool> ApplyAsync(AgentConfiguration next, TimeSpan drainTimeout, bool retrying, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(next);
        if (!string.Equals(next.Name, Name, StringComparison.Ordinal))
        {
            throw new ArgumentException($"the configuration is of agent {next.Name}, not {Name}", nameof(next));
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (Volatile.Read(ref _state) != 1)
            {
                return false;
            }

            var running = _flow;
            var diff = FlowDiff.Compute(running.Configuration, next, (before, after) =>
                running.Channels[before.Name] is IReconfigurableChannel channel
                && string.Equals(before.Type, after.Type, StringComparison.OrdinalIgnoreCase)
                && channel.CanReconfigure(before.Context, after.Context));
            if (diff.IsEmpty)
            {
                _flow = running with { Configuration = next };
                Volatile.Write(ref _leftOut, null);
                LogReloadUnchanged(Name);
                return true;
            }

            // Built beside the live registry: a restarted component's new counters have the old ones' key. Its meter
            // ends once the groups have moved to the live registry.
            using var stagingMetrics = new MetricsRegistry();
            var staging = _services with { Metrics = stagingMetrics };
            var created = new List<object>();
            var reconfigurations = new Dictionary<string, ChannelReconfiguration>(StringComparer.Ordinal);
            AgentFlow target;
            try
            {
                target = Assemble(next, _registry, staging, running, diff, created, reconfigurations);
            }
            catch
            {
                await DisposeAllAsync(created);
                throw;
            }

            // A retry applies the configuration the last reload already warned about.
            foreach (var warning in retrying ? [] : next.Warnings)
            {
                LogConfigurationWarning(_logger, Name, warning);
            }

            foreach (var warning in UnknownProperties.Find(Rebuilt(next, diff)))
            {
                LogConfigurationWarning(_logger, Name, warning);
            }

            await StopChangedAsync(running, diff, drainTimeout);
            foreach (var reconfiguration in reconfigurations.Values)
            {
                reconfiguration.Apply();
            }

            SwapMetrics(running, diff, staging.Metrics);
            var failed = await StartChangedAsync(target, diff, retrying, cancellationToken);
            _flow = failed.IsEmpty ? target : await WithoutAsync(target, failed);
            Volatile.Write(ref _leftOut, failed.IsEmpty ? null : next);
            // Rare and small: described even when information is not logged.
            var stopped = Describe(diff, stopping: true, running.Configuration);
            // The flow now running leaves out what failed to start: only what did start is named.
            var started = Describe(diff, stopping: false, _flow.Configuration);
            if (retrying && started == "nothing")
            {
                // Still failing: the failure's own line says so, once per poll.
                return true;
            }

            var kept = DescribeKept(diff, next);
            LogReloaded(Name, stopped, started, kept);

            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>
    /// Stops sources (requests in flight are finished and answered), then drains sinks until the channels are
    /// empty or <paramref name="cancellationToken"/> fires, then stops channels. Runs once.
    /// </summary>
    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(CancellationToken.None);
        try
        {
            if (Interlocked.CompareExchange(ref _state, 2, 1) != 1)
            {
                return;
            }

            LogStopping(Name);
            await StopAllAsync(_flow, cancellationToken);
            LogStopped(Name);
        }
        finally
        {
            _gate.Release();
        }
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

        var flow = _flow;
        await DisposeAllAsync([.. flow.SourceList, .. flow.ChannelList, .. flow.Runners]);
        _gate.Dispose();
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

    /// <summary>
    /// The flow of <paramref name="configuration"/>: with no <paramref name="running"/> flow every component is new;
    /// otherwise only those <paramref name="diff"/> starts are built and the rest are the running instances.
    /// Everything built is added to <paramref name="created"/>, so a failure half-way can release it; the new settings of
    /// the channels <paramref name="diff"/> reconfigures are validated into <paramref name="reconfigurations"/>, for the
    /// caller to apply once the flow is built.
    /// </summary>
    private static AgentFlow Assemble(
        AgentConfiguration configuration,
        ComponentRegistry registry,
        ComponentServices services,
        AgentFlow? running,
        FlowDiff? diff,
        List<object> created,
        Dictionary<string, ChannelReconfiguration> reconfigurations)
    {
        var channels = new Dictionary<string, IChannel>(StringComparer.Ordinal);
        foreach (var channel in configuration.Channels)
        {
            if (running is not null && diff is not null && !diff.Start.Channels.Contains(channel.Name))
            {
                var kept = running.Channels[channel.Name];
                channels[channel.Name] = kept;
                if (diff.Reconfigured.Contains(channel.Name))
                {
                    reconfigurations[channel.Name] = ((IReconfigurableChannel)kept).Prepare(channel.Context);
                }

                continue;
            }

            var built = registry.Channels.Create(channel.Type, new ChannelBuildContext(channel.Name, channel.Context, services), channel.Context, "type");
            created.Add(built);
            channels[channel.Name] = Monitored(services, built);
        }

        var sources = new Dictionary<string, ISource>(StringComparer.Ordinal);
        foreach (var source in configuration.Sources)
        {
            if (running is not null && diff is not null && !diff.Start.Sources.Contains(source.Name))
            {
                sources[source.Name] = running.Sources[source.Name];
                continue;
            }

            var processor = BuildChannelProcessor(source, channels, registry, services);
            var built = registry.Sources.Create(
                source.Type, new SourceBuildContext(source.Name, source.Context, processor, services), source.Context, "type");
            created.Add(built);
            sources[source.Name] = Monitored(services, built);
        }

        var sinks = new Dictionary<string, ISink>(StringComparer.Ordinal);
        var sinkChannels = new Dictionary<string, IChannel>(StringComparer.Ordinal);
        foreach (var sink in configuration.Sinks)
        {
            var channel = channels[sink.Channel];
            sinkChannels[sink.Name] = channel;
            if (running is not null && diff is not null && !diff.Start.Sinks.Contains(sink.Name))
            {
                sinks[sink.Name] = running.Sinks[sink.Name];
                continue;
            }

            var built = registry.Sinks.Create(sink.Type, new SinkBuildContext(sink.Name, sink.Context, channel, services), sink.Context, "type");
            created.Add(built);
            sinks[sink.Name] = Monitored(services, built);
        }

        var groupRunners = new Dictionary<string, SinkRunner>(StringComparer.Ordinal);
        var grouped = new HashSet<string>(StringComparer.Ordinal);
        foreach (var group in configuration.SinkGroups)
        {
            grouped.UnionWith(group.Sinks);
            if (running is not null && diff is not null && !diff.Start.Groups.Contains(group.Name))
            {
                groupRunners[group.Name] = running.GroupRunners[group.Name];
                continue;
            }

            var members = new List<ISink>();
            var memberChannels = new List<IChannel>();
            foreach (var name in group.Sinks)
            {
                members.Add(sinks[name]);
                if (!memberChannels.Contains(sinkChannels[name]))
                {
                    memberChannels.Add(sinkChannels[name]);
                }
            }

            var processorType = group.Processor.GetString("type", "default").Trim();
            var sinkProcessor = registry.SinkProcessors.Create(
                processorType, new SinkProcessorBuildContext(group.Name, group.Processor, members, services), group.Processor, "type");
            var runner = new SinkRunner(sinkProcessor, memberChannels, services.TimeProvider, services.LoggerFactory.CreateLogger<SinkRunner>());
            created.Add(runner);
            groupRunners[group.Name] = runner;
        }

        var sinkRunners = new Dictionary<string, SinkRunner>(StringComparer.Ordinal);
        foreach (var sink in configuration.Sinks)
        {
            if (grouped.Contains(sink.Name))
            {
                continue;
            }

            if (running is not null && diff is not null && !diff.Start.Sinks.Contains(sink.Name))
            {
                sinkRunners[sink.Name] = running.SinkRunners[sink.Name];
                continue;
            }

            var runner = new SinkRunner(
                new DefaultSinkProcessor(sinks[sink.Name]), [sinkChannels[sink.Name]], services.TimeProvider, services.LoggerFactory.CreateLogger<SinkRunner>());
            created.Add(runner);
            sinkRunners[sink.Name] = runner;
        }

        BatchSizeCheck.Verify(
            configuration,
            name => reconfigurations.TryGetValue(name, out var next) ? next.TransactionCapacity : (channels[name] as ITransactionCapacitySupported)?.TransactionCapacity,
            sources,
            sinks);
        return new AgentFlow(configuration, channels, sources, sinks, groupRunners, sinkRunners);
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
        return new ChannelProcessor(selector, interceptors, services.LoggerFactory.CreateLogger<ChannelProcessor>())
        {
            RawDataSource = services.LogRawData ? source.Name : null,
        };
    }

    /// <summary>Only the components a reload builds, so their unread keys can be reported without the kept ones'.</summary>
    private static AgentConfiguration Rebuilt(AgentConfiguration next, FlowDiff diff) => new(
        next.Name,
        [.. next.Sources.Where(s => diff.Start.Sources.Contains(s.Name))],
        [.. next.Channels.Where(c => diff.Start.Channels.Contains(c.Name) || diff.Reconfigured.Contains(c.Name))],
        [.. next.Sinks.Where(k => diff.Start.Sinks.Contains(k.Name))],
        [],
        next.AgentProperties,
        []);

    /// <summary>Sources, then sink runners (draining only a channel that is going away), then channels.</summary>
    private async Task StopChangedAsync(AgentFlow running, FlowDiff diff, TimeSpan drainTimeout)
    {
        using var deadline = new CancellationTokenSource(drainTimeout);
        foreach (var source in running.SourceList)
        {
            if (diff.Stop.Sources.Contains(source.Name))
            {
                await StopQuietlyAsync(source.Name, () => source.StopAsync(deadline.Token));
            }
        }

        var stopping = new List<Task>();
        foreach (var (name, runner) in running.GroupRunners)
        {
            if (diff.Stop.Groups.Contains(name))
            {
                stopping.Add(StopRunnerAsync(runner, DrainsStoppingChannel(running, running.Configuration.SinkGroups.First(g => g.Name == name).Sinks, diff), deadline.Token));
            }
        }

        foreach (var (name, runner) in running.SinkRunners)
        {
            if (diff.Stop.Sinks.Contains(name))
            {
                stopping.Add(StopRunnerAsync(runner, DrainsStoppingChannel(running, [name], diff), deadline.Token));
            }
        }

        await Task.WhenAll(stopping);
        foreach (var channel in running.ChannelList)
        {
            if (diff.Stop.Channels.Contains(channel.Name))
            {
                await StopQuietlyAsync(channel.Name, () => channel.StopAsync(deadline.Token));
            }
        }

        await DisposeAllAsync(running.Instances(diff.Stop));
    }

    private Task StopRunnerAsync(SinkRunner runner, bool drain, CancellationToken deadline) =>
        StopQuietlyAsync(runner.Name, () => drain ? runner.StopAsync(deadline) : runner.StopWithoutDrainingAsync(deadline));

    private static bool DrainsStoppingChannel(AgentFlow running, IReadOnlyList<string> sinks, FlowDiff diff)
    {
        foreach (var sink in running.Configuration.Sinks)
        {
            if (sinks.Contains(sink.Name) && diff.Stop.Channels.Contains(sink.Channel))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Drops the counters of what stopped and adds those of what was built, so /metrics shows the new flow.</summary>
    private void SwapMetrics(AgentFlow running, FlowDiff diff, MetricsRegistry staging)
    {
        Unregister(running.Counted(diff.Stop));
        foreach (var group in staging.Snapshot())
        {
            _services.Metrics.Register(group);
        }
    }

    /// <summary>
    /// Channels, then sink runners, then sources of <paramref name="target"/> that <paramref name="diff"/> starts.
    /// One failing to start is logged and stays stopped, as do the sinks and sources wired to a channel that failed.
    /// </summary>
    private async Task<FlowNames> StartChangedAsync(AgentFlow target, FlowDiff diff, bool retrying, CancellationToken cancellationToken)
    {
        var failed = new FlowNames();
        foreach (var channel in target.ChannelList)
        {
            if (diff.Start.Channels.Contains(channel.Name) && !await StartQuietlyAsync("channel", channel, retrying, cancellationToken))
            {
                failed.Channels.Add(channel.Name);
            }
        }

        foreach (var group in target.Configuration.SinkGroups)
        {
            if (diff.Start.Groups.Contains(group.Name)
                && (WiredToFailed(target, group.Sinks, failed) || !await StartQuietlyAsync("sink group", target.GroupRunners[group.Name], retrying, cancellationToken)))
            {
                failed.Groups.Add(group.Name);
                failed.Sinks.UnionWith(group.Sinks);
            }
        }

        foreach (var (name, runner) in target.SinkRunners)
        {
            if (diff.Start.Sinks.Contains(name)
                && (WiredToFailed(target, [name], failed) || !await StartQuietlyAsync("sink", runner, retrying, cancellationToken)))
            {
                failed.Sinks.Add(name);
            }
        }

        foreach (var source in target.Configuration.Sources)
        {
            if (diff.Start.Sources.Contains(source.Name)
                && (source.Channels.Any(failed.Channels.Contains) || !await StartQuietlyAsync("source", target.Sources[source.Name], retrying, cancellationToken)))
            {
                failed.Sources.Add(source.Name);
            }
        }

        return failed;
    }

    private static bool WiredToFailed(AgentFlow flow, IReadOnlyList<string> sinks, FlowNames failed) =>
        failed.Channels.Count > 0 && flow.Configuration.Sinks.Any(k => sinks.Contains(k.Name) && failed.Channels.Contains(k.Channel));

    private async Task<bool> StartQuietlyAsync(string kind, ILifecycle component, bool retrying, CancellationToken cancellationToken)
    {
        try
        {
            await component.StartAsync(cancellationToken);
            return true;
        }
#pragma warning disable CA1031 // One component failing to start must not keep the others of the reload from starting.
        catch (Exception e)
#pragma warning restore CA1031
        {
            // The reload's line carries the exception; a retry's, each poll, only the reason.
            LogReloadStartFailed(retrying ? null : e, Name, kind, component.Name, e.Message);
            return false;
        }
    }

    /// <summary>
    /// The flow without the components that failed to start (released, their counters dropped), so that the next
    /// reload sees them as new and tries them again.
    /// </summary>
    private async Task<AgentFlow> WithoutAsync(AgentFlow target, FlowNames failed)
    {
        var configuration = target.Configuration;
        var remaining = new AgentConfiguration(
            configuration.Name,
            [.. configuration.Sources.Where(s => !failed.Sources.Contains(s.Name))],
            [.. configuration.Channels.Where(c => !failed.Channels.Contains(c.Name))],
            [.. configuration.Sinks.Where(k => !failed.Sinks.Contains(k.Name))],
            [.. configuration.SinkGroups.Where(g => !failed.Groups.Contains(g.Name))],
            configuration.AgentProperties,
            configuration.Warnings);
        Unregister(target.Counted(failed));
        await DisposeAllAsync(target.Instances(failed));
        return new AgentFlow(
            remaining,
            Keep(target.Channels, failed.Channels),
            Keep(target.Sources, failed.Sources),
            Keep(target.Sinks, failed.Sinks),
            Keep(target.GroupRunners, failed.Groups),
            Keep(target.SinkRunners, failed.Sinks));
    }

    private void Unregister(IEnumerable<object> components)
    {
        foreach (var component in components)
        {
            if (component is IMonitoredComponent monitored)
            {
                _services.Metrics.Unregister(monitored.Counters);
            }
        }
    }

    private static Dictionary<string, T> Keep<T>(IReadOnlyDictionary<string, T> components, HashSet<string> dropped) =>
        components.Where(c => !dropped.Contains(c.Key)).ToDictionary(StringComparer.Ordinal);

    /// <summary>"source r1, sink k2", or "nothing": what a reload stopped or started.</summary>
    private static string Describe(FlowDiff diff, bool stopping, AgentConfiguration configuration)
    {
        var names = new List<string>();
        Add(names, "source", configuration.Sources.Select(s => s.Name), stopping ? diff.Stop.Sources : diff.Start.Sources);
        Add(names, "channel", configuration.Channels.Select(c => c.Name), stopping ? diff.Stop.Channels : diff.Start.Channels);
        Add(names, "sink", configuration.Sinks.Select(k => k.Name), stopping ? diff.Stop.Sinks : diff.Start.Sinks);
        Add(names, "sink group", configuration.SinkGroups.Select(g => g.Name), stopping ? diff.Stop.Groups : diff.Start.Groups);
        return names.Count == 0 ? "nothing" : string.Join(", ", names);
    }

    private static string DescribeKept(FlowDiff diff, AgentConfiguration next)
    {
        var names = new List<string>();
        Add(names, "source", next.Sources.Select(s => s.Name), diff.Start.Sources, keep: true);
        Add(names, "channel", next.Channels.Select(c => diff.Reconfigured.Contains(c.Name) ? c.Name + " (reconfigured in place)" : c.Name), diff.Start.Channels, keep: true);
        Add(names, "sink", next.Sinks.Select(k => k.Name), diff.Start.Sinks, keep: true);
        Add(names, "sink group", next.SinkGroups.Select(g => g.Name), diff.Start.Groups, keep: true);
        return names.Count == 0 ? "nothing" : string.Join(", ", names);
    }

    private static void Add(List<string> names, string kind, IEnumerable<string> all, HashSet<string> selected, bool keep = false)
    {
        foreach (var name in all)
        {
            if (selected.Contains(name) != keep)
            {
                names.Add($"{kind} {name}");
            }
        }
    }

    private async Task StopAllAsync(AgentFlow flow, CancellationToken cancellationToken)
    {
        foreach (var source in flow.SourceList)
        {
            await StopQuietlyAsync(source.Name, () => source.StopAsync(cancellationToken));
        }

        await Task.WhenAll(flow.Runners.Select(runner => StopQuietlyAsync(runner.Name, () => runner.StopAsync(cancellationToken))));
        foreach (var channel in flow.ChannelList)
        {
            await StopQuietlyAsync(channel.Name, () => channel.StopAsync(cancellationToken));
        }
    }

    private async Task StopStartedAsync(AgentFlow flow, CancellationToken cancellationToken)
    {
        foreach (var source in flow.SourceList)
        {
            if (_started.Contains(source))
            {
                await StopQuietlyAsync(source.Name, () => source.StopAsync(cancellationToken));
            }
        }

        await Task.WhenAll(flow.Runners.Where(_started.Contains).Select(runner => StopQuietlyAsync(runner.Name, () => runner.StopAsync(cancellationToken))));
        foreach (var channel in flow.ChannelList)
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

    private static async Task DisposeAllAsync(IEnumerable<object> components)
    {
        foreach (var component in components)
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

    [LoggerMessage(Level = LogLevel.Information, Message = "agent {Agent} reloaded: stopped {Stopped}; started {Started}; kept running {Kept}")]
    private partial void LogReloaded(string agent, string stopped, string started, string kept);

    [LoggerMessage(Level = LogLevel.Information, Message = "agent {Agent} reloaded: the changed files describe the same flow, nothing restarted")]
    private partial void LogReloadUnchanged(string agent);

    [LoggerMessage(Level = LogLevel.Error, Message = "agent {Agent} reload: {Kind} {Component} failed to start; it is tried again at each configuration poll: {Reason}")]
    private partial void LogReloadStartFailed(Exception? exception, string agent, string kind, string component, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "agent {Agent}: starting again what the last reload could not start")]
    private partial void LogRetrying(string agent);
}
