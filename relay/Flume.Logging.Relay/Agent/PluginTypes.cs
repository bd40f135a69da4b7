using System.Reflection;
using System.Runtime.Loader;

namespace Flume.Logging.Relay.Agent;

/// <summary>
/// Finds custom component types by .NET name: assembly-qualified names (<c>My.Source, MyPlugin</c>) are loaded
/// from the relay's folder or from Flume-style plugin folders (<c>plugins.d/&lt;plugin&gt;/lib/*.dll</c>, plus
/// <c>libext</c>); plain full names are looked up in the assemblies already loaded.
/// </summary>
internal sealed class PluginTypes
{
    private readonly IReadOnlyList<string> _pluginDirectories;

    /// <param name="pluginDirectories">Folders shaped like Flume's <c>plugins.d</c>; missing ones are skipped.</param>
    public PluginTypes(IReadOnlyList<string> pluginDirectories)
    {
        _pluginDirectories = pluginDirectories;
    }

    public Type? Find(string typeName)
    {
        var comma = typeName.IndexOf(',', StringComparison.Ordinal);
        if (comma < 0)
        {
            foreach (var assembly in AppDomain.CurrentDomain.GetAssemblies())
            {
                if (assembly.GetType(typeName, throwOnError: false) is { } loaded)
                {
                    return loaded;
                }
            }

            return null;
        }

        var assemblyName = typeName[(comma + 1)..].Trim();
        var shortName = new AssemblyName(assemblyName).Name;
        var assemblyFile = shortName is null ? null : FindAssemblyFile(shortName);
        if (assemblyFile is not null)
        {
            var loaded = AssemblyLoadContext.Default.LoadFromAssemblyPath(assemblyFile);
            return loaded.GetType(typeName[..comma].Trim(), throwOnError: false);
        }

        try
        {
            return Type.GetType(typeName, throwOnError: false);
        }
        catch (FileLoadException)
        {
            return null;
        }
    }

    private string? FindAssemblyFile(string shortName)
    {
        foreach (var root in _pluginDirectories)
        {
            if (!Directory.Exists(root))
            {
                continue;
            }

            foreach (var plugin in Directory.EnumerateDirectories(root))
            {
                foreach (var folder in (string[])["lib", "libext"])
                {
                    var candidate = Path.Combine(plugin, folder, shortName + ".dll");
                    if (File.Exists(candidate))
                    {
                        return Path.GetFullPath(candidate);
                    }
                }
            }
        }

        return null;
    }
}
