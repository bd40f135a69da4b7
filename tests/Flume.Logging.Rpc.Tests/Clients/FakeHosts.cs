using System.Collections.Concurrent;
using Flume.Logging.Protocol;
using Flume.Logging.Testing;

namespace Flume.Logging.Rpc.Tests.Clients;

/// <summary>
/// A host-client factory over <see cref="FakeRpcClient"/>s: records every client made per host and the order in
/// which hosts were called, and keeps a host "down" across the clients made for it.
/// </summary>
internal sealed class FakeHosts
{
    private readonly ConcurrentDictionary<string, ConcurrentQueue<FakeRpcClient>> _created = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, bool> _down = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _attempts = new();

    public FakeHosts(params string[] names)
    {
        var hosts = new List<RpcHost>();
        for (var i = 0; i < names.Length; i++)
        {
            hosts.Add(new RpcHost(names[i], "127.0.0.1", 41_400 + i));
            _created[names[i]] = new ConcurrentQueue<FakeRpcClient>();
        }

        Hosts = hosts;
    }

    public IReadOnlyList<RpcHost> Hosts { get; }

    /// <summary>Applied to each client as it is made (after the down state).</summary>
    public Action<FakeRpcClient>? Configure { get; set; }

    /// <summary>Host names in the order calls reached them, failed calls included.</summary>
    public IReadOnlyList<string> Attempts => _attempts.ToList();

    public Func<RpcHost, IRpcClient> Factory => Create;

    public RpcClientOptions Options(RpcClientType type, Action<RpcClientOptions>? configure = null)
    {
        var options = new RpcClientOptions { ClientType = type };
        foreach (var host in Hosts)
        {
            options.Hosts.Add(host);
        }

        configure?.Invoke(options);
        return options;
    }

    public void SetDown(string name, bool down = true)
    {
        _down[name] = down;
        foreach (var client in _created[name])
        {
            client.FailAlways = down;
        }
    }

    public IReadOnlyList<FakeRpcClient> Created(string name) => _created[name].ToList();

    /// <summary>The latest client made for the host.</summary>
    public FakeRpcClient Latest(string name) => _created[name].Last();

    public int Calls(string name) => _created[name].Sum(client => client.Calls);

    public IReadOnlyList<FlumeEvent> AcceptedEvents(string name) => _created[name].SelectMany(client => client.AcceptedEvents).ToList();

    public IReadOnlyList<IReadOnlyList<FlumeEvent>> AcceptedBatches(string name) => _created[name].SelectMany(client => client.Accepted).ToList();

    public void ClearAttempts() => _attempts.Clear();

    private FakeRpcClient Create(RpcHost host)
    {
        var client = new FakeRpcClient(host.Name)
        {
            FailAlways = _down.TryGetValue(host.Name, out var down) && down,
            OnAttempt = c => _attempts.Enqueue(c.Name),
        };
        Configure?.Invoke(client);
        _created[host.Name].Enqueue(client);
        return client;
    }
}
