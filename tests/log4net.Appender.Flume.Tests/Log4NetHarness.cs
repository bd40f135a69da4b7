using System.Xml;
using Flume.Logging.Rpc;
using Flume.Logging.Testing;
using log4net.Config;
using log4net.Core;
using log4net.Repository;
using log4net.Repository.Hierarchy;

namespace log4net.Appender.Flume.Tests;

/// <summary>A log4net repository of its own per test, with one Flume appender, configured from code or XML.</summary>
internal sealed class Log4NetHarness : IDisposable
{
    private Log4NetHarness(ILoggerRepository repository, FlumeAppender appender)
    {
        Repository = repository;
        Appender = appender;
    }

    public ILoggerRepository Repository { get; }

    public FlumeAppender Appender { get; }

    /// <summary>An appender named <paramref name="name"/> whose RPC client is <paramref name="client"/>, set up by <paramref name="configure"/> and activated.</summary>
    public static Log4NetHarness FromCode(string name, FakeRpcClient client, Action<FlumeAppender>? configure = null) =>
        FromCode(name, _ => client, configure);

    /// <summary>
    /// An appender named <paramref name="name"/> whose RPC clients <paramref name="clients"/> builds, set up by
    /// <paramref name="configure"/> and activated, on a root logger that passes every level.
    /// </summary>
    public static Log4NetHarness FromCode(string name, Func<RpcClientOptions, IRpcClient> clients, Action<FlumeAppender>? configure = null)
    {
        var appender = new FlumeAppender(clients, "test-host") { Name = name, Hosts = "127.0.0.1:1" };
        configure?.Invoke(appender);
        appender.ActivateOptions();
        var repository = LogManager.CreateRepository(Guid.NewGuid().ToString("N"));
        BasicConfigurator.Configure(repository, appender);
        ((Hierarchy)repository).Root.Level = Level.All;
        return new Log4NetHarness(repository, appender);
    }

    /// <summary>
    /// The appender <paramref name="appenderXml"/> declares (named as the root logger's appender-ref says:
    /// <paramref name="name"/>), configured by log4net's XML configurator.
    /// </summary>
    public static Log4NetHarness FromXml(string name, string appenderXml)
    {
        var document = new XmlDocument();
        document.LoadXml($"""<log4net>{appenderXml}<root><level value="ALL" /><appender-ref ref="{name}" /></root></log4net>""");
        var repository = LogManager.CreateRepository(Guid.NewGuid().ToString("N"));
        XmlConfigurator.Configure(repository, document.DocumentElement!);
        return new Log4NetHarness(repository, repository.GetAppenders().OfType<FlumeAppender>().Single());
    }

    public ILog Logger(string name) => LogManager.GetLogger(Repository.Name, name);

    public void Dispose() => Repository.Shutdown();
}
