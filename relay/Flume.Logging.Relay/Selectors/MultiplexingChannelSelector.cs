using System.Collections.Frozen;
using Flume.Logging.Protocol;
using Flume.Logging.Relay.Channels;
using Flume.Logging.Relay.Config;

namespace Flume.Logging.Relay.Selectors;

/// <summary>
/// Flume's <c>multiplexing</c> selector: routes each event by the value of one header. Required channels are
/// <c>selector.mapping.&lt;value&gt;</c>, or <c>selector.default</c> when the value is unmapped, blank or missing;
/// optional channels are <c>selector.optional.&lt;value&gt;</c> less those already required for that value.
/// Every list is built once, so routing an event allocates nothing.
/// </summary>
internal sealed class MultiplexingChannelSelector : IChannelSelector
{
    /// <summary>The header read when <c>selector.header</c> is not set, as in Flume.</summary>
    internal const string DefaultHeader = "flume.selector.header";

    private readonly string _header;
    private readonly IReadOnlyList<IChannel> _default;
    private readonly FrozenDictionary<string, IReadOnlyList<IChannel>> _mapping;
    private readonly FrozenDictionary<string, IReadOnlyList<IChannel>> _optional;

    /// <param name="channels">The source's channels, in configuration order.</param>
    /// <param name="properties">
    /// The source's <c>selector.</c> subtree: <c>header</c>, <c>default</c>, <c>mapping.&lt;value&gt;</c>,
    /// <c>optional.&lt;value&gt;</c>. Every channel named must be one of <paramref name="channels"/>.
    /// </param>
    /// <exception cref="ConfigurationException">A key names an unknown channel, or a mapping names none.</exception>
    public MultiplexingChannelSelector(IReadOnlyList<IChannel> channels, ComponentContext properties)
    {
        ArgumentNullException.ThrowIfNull(channels);
        ArgumentNullException.ThrowIfNull(properties);
        AllChannels = channels;
        _header = properties.GetString("header", DefaultHeader);
        _default = Resolve(channels, properties, "default");

        var mapping = new Dictionary<string, IReadOnlyList<IChannel>>(StringComparer.Ordinal);
        var optionalKeys = new List<string>();
        foreach (var key in properties.Properties.Keys)
        {
            if (key.StartsWith("mapping.", StringComparison.Ordinal))
            {
                var resolved = Resolve(channels, properties, key);

                // As Flume: an empty mapping is a mistake, not a request for the default channels.
                properties.Require(resolved.Length > 0, key, "names no channel; map the value to at least one of the source's channels");
                mapping[key["mapping.".Length..]] = resolved;
            }
            else if (key.StartsWith("optional.", StringComparison.Ordinal))
            {
                optionalKeys.Add(key);
            }
        }

        var optional = new Dictionary<string, IReadOnlyList<IChannel>>(StringComparer.Ordinal);
        foreach (var key in optionalKeys)
        {
            var value = key["optional.".Length..];
            var required = mapping.GetValueOrDefault(value) ?? _default;
            var channelsForValue = new List<IChannel>();
            foreach (var channel in Resolve(channels, properties, key))
            {
                // A channel both required and optional for a value is required (Flume's rule).
                if (!required.Contains(channel))
                {
                    channelsForValue.Add(channel);
                }
            }

            optional[value] = channelsForValue;
        }

        _mapping = mapping.ToFrozenDictionary(StringComparer.Ordinal);
        _optional = optional.ToFrozenDictionary(StringComparer.Ordinal);
    }

    public IReadOnlyList<IChannel> AllChannels { get; }

    public IReadOnlyList<IChannel> GetRequiredChannels(FlumeEvent flumeEvent)
    {
        ArgumentNullException.ThrowIfNull(flumeEvent);
        var value = HeaderValue(flumeEvent);
        if (string.IsNullOrWhiteSpace(value))
        {
            return _default;
        }

        return _mapping.TryGetValue(value, out var channels) ? channels : _default;
    }

    public IReadOnlyList<IChannel> GetOptionalChannels(FlumeEvent flumeEvent)
    {
        ArgumentNullException.ThrowIfNull(flumeEvent);
        return HeaderValue(flumeEvent) is { } value && _optional.TryGetValue(value, out var channels) ? channels : [];
    }

    /// <summary>Why <paramref name="flumeEvent"/> goes nowhere, for the line that reports it.</summary>
    internal string Describe(FlumeEvent flumeEvent) => HeaderValue(flumeEvent) is { } value
        ? $"multiplexing selector: {_header} = '{value}' has no selector.mapping, and there is no selector.default"
        : $"multiplexing selector: the event has no {_header} header, and there is no selector.default";

    private string? HeaderValue(FlumeEvent flumeEvent)
    {
        // HeaderCount first: reading Headers of a header-less event would create an empty map for it.
        return flumeEvent.HeaderCount == 0 ? null : flumeEvent.HeaderMap.GetValueOrDefault(_header);
    }

    private static IChannel[] Resolve(IReadOnlyList<IChannel> channels, ComponentContext properties, string key)
    {
        var names = properties.GetList(key);
        var resolved = new List<IChannel>(names.Count);
        foreach (var name in names)
        {
            IChannel? found = null;
            foreach (var channel in channels)
            {
                if (channel.Name == name)
                {
                    found = channel;
                    break;
                }
            }

            if (found is null)
            {
                throw properties.CreateError(key, $"names channel '{name}', which is not one of the source's channels");
            }

            if (!resolved.Contains(found))
            {
                resolved.Add(found);
            }
        }

        return [.. resolved];
    }
}
