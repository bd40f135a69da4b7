using System.Reflection;
using Flume.Logging.Relay.Config;

namespace Flume.Logging.Relay.Agent;

/// <summary>
/// The factories of one kind of component, found by Flume alias (case-insensitive, as Flume's) or, failing
/// that, by a .NET type name: a public type implementing <typeparamref name="T"/> with a public constructor
/// taking <typeparamref name="TContext"/>, so custom components plug in as Flume's custom classes do.
/// </summary>
internal sealed class ComponentFactories<TContext, T>(string kind, PluginTypes plugins)
    where TContext : notnull
    where T : class
{
    private readonly Dictionary<string, Func<TContext, T>> _byAlias = new(StringComparer.OrdinalIgnoreCase);

    public IEnumerable<string> Aliases => _byAlias.Keys.Order(StringComparer.Ordinal);

    public void Add(string alias, Func<TContext, T> factory) => _byAlias[alias] = factory;

    /// <summary>Builds the component of <paramref name="type"/>; errors name <paramref name="typeKey"/> of <paramref name="properties"/>.</summary>
    public T Create(string type, TContext context, ComponentContext properties, string typeKey)
    {
        if (_byAlias.TryGetValue(type, out var factory))
        {
            return Invoke(() => factory(context), properties, typeKey);
        }

        var customType = plugins.Find(type) ?? throw properties.CreateError(
            typeKey,
            $"names an unknown {kind} type '{type}'; known: {string.Join(", ", Aliases)}, or a .NET type name " +
            $"implementing {typeof(T).Name} with a public constructor taking {typeof(TContext).Name}");
        if (!typeof(T).IsAssignableFrom(customType))
        {
            throw properties.CreateError(typeKey, $"type '{type}' does not implement {typeof(T).FullName}");
        }

        var constructor = customType.GetConstructor([typeof(TContext)]) ?? throw properties.CreateError(
            typeKey, $"type '{type}' has no public constructor taking {typeof(TContext).FullName}");
        return Invoke(() => (T)constructor.Invoke([context]), properties, typeKey);
    }

    private static T Invoke(Func<T> create, ComponentContext properties, string typeKey)
    {
        try
        {
            return create();
        }
        catch (TargetInvocationException e) when (e.InnerException is ConfigurationException inner)
        {
            throw inner;
        }
        catch (TargetInvocationException e) when (e.InnerException is ArgumentException inner)
        {
            throw properties.CreateError(inner, typeKey);
        }
        catch (ArgumentException e)
        {
            // Options' own cross-checks and the TLS store readers name the property at fault; the rest are located at
            // the component.
            throw properties.CreateError(e, typeKey);
        }
    }
}
