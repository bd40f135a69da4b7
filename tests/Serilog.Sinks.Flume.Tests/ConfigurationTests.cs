using System.Globalization;
using System.Text;
using Flume.Logging.Appenders;
using Flume.Logging.Rpc;
using Flume.Logging.Rpc.Avro;
using Flume.Logging.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Logging.Abstractions;

namespace Serilog.Sinks.Flume.Tests;

/// <summary>The sink as users configure it: from appsettings-style configuration, sending to a real Avro server.</summary>
public sealed class ConfigurationTests : IAsyncLifetime
{
    private readonly RecordingReceiver _received = new();
    private IRpcServer? _server;

    /// <summary>The receiver's port, which the kernel picked.</summary>
    private int Port => _server!.LocalEndPoint.Port;

    public async Task InitializeAsync()
    {
        _server = AvroRpc.CreateServer("receiver", new RpcServerOptions { Bind = "127.0.0.1", Port = 0 }, _received, NullLoggerFactory.Instance);
        await _server.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        if (_server is not null)
        {
            await _server.DisposeAsync();
        }
    }

    [Fact]
    public void Binds_WriteTo_Flume_from_configuration_and_flushes_on_dispose()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Serilog:Using:0"] = "Serilog.Sinks.Flume",
            ["Serilog:MinimumLevel"] = "Verbose",
            ["Serilog:WriteTo:0:Name"] = "Flume",
            ["Serilog:WriteTo:0:Args:hosts"] = $"127.0.0.1:{Port}",
            ["Serilog:WriteTo:0:Args:protocol"] = "Avro",
            ["Serilog:WriteTo:0:Args:batchSizeLimit"] = "7",
            ["Serilog:WriteTo:0:Args:period"] = "00:05:00",
            ["Serilog:WriteTo:0:Args:queueLimit"] = "1000",
            ["Serilog:WriteTo:0:Args:overflow"] = "DropOldest",
            ["Serilog:WriteTo:0:Args:selector"] = "Random",
            ["Serilog:WriteTo:0:Args:maxBackoff"] = "00:00:02",
            ["Serilog:WriteTo:0:Args:shutdownTimeout"] = "00:00:10",
            ["Serilog:WriteTo:0:Args:propertiesAsHeaders"] = "true",
            ["Serilog:WriteTo:0:Args:hostNameHeader"] = "host",
            ["Serilog:WriteTo:0:Args:headers:application"] = "billing",
            ["Serilog:WriteTo:0:Args:restrictedToMinimumLevel"] = "Warning",
        }).Build();

        using (var logger = new LoggerConfiguration().ReadFrom.Configuration(configuration).CreateLogger())
        {
            for (var i = 0; i < 20; i++)
            {
                logger.Warning("invoice {Invoice}", i);
                logger.Information("below the sink's minimum level");
            }
        }

        // The period is five minutes: everything here was sent by dispose, before it returned.
        var events = _received.Events.ToList();
        Assert.Equal(Enumerable.Range(0, 20).Select(i => $"invoice {i}"), events.Select(e => Encoding.UTF8.GetString(e.Body.Span)));
        Assert.Equal(Enumerable.Range(0, 20).Select(i => i.ToString(CultureInfo.InvariantCulture)), events.Select(e => e.Headers["Invoice"]));
        Assert.All(events, e =>
        {
            Assert.Equal("billing", e.Headers["application"]);
            Assert.Equal("30000", e.Headers[Log4jHeaders.LogLevel]);
            Assert.True(e.Headers.ContainsKey("host"));
            Assert.False(e.Headers.ContainsKey(Log4jHeaders.Address));
        });
        Assert.Equal([7, 7, 6], _received.BatchSizes.ToArray());
    }

    [Fact]
    public void The_three_line_setup_delivers_through_Log_CloseAndFlush()
    {
        Log.Logger = new LoggerConfiguration().WriteTo.Flume(hosts: $"127.0.0.1:{Port}").CreateLogger();
        Log.Information("Hello {Name}", "Flume");
        Log.CloseAndFlush();

        var sent = Assert.Single(_received.Events);
        Assert.Equal("Hello \"Flume\"", Encoding.UTF8.GetString(sent.Body.Span));
    }

    [Theory]
    [InlineData("", "hosts")]
    [InlineData("127.0.0.1", "hosts")]
    public void An_invalid_setting_is_refused_naming_it(string hosts, string setting)
    {
        var error = Assert.Throws<ArgumentException>(() => new LoggerConfiguration().WriteTo.Flume(hosts: hosts));

        Assert.Equal(setting, error.ParamName);
    }

    [Fact]
    public void A_batch_size_of_zero_is_refused_by_its_serilog_name()
    {
        var error = Assert.Throws<ArgumentException>(() => new LoggerConfiguration().WriteTo.Flume(hosts: $"127.0.0.1:{Port}", batchSizeLimit: 0));

        Assert.Equal("batchSizeLimit", error.ParamName);
        Assert.StartsWith("WriteTo.Flume batchSizeLimit: BatchSize 0 must be at least 1", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_host_without_a_port_is_refused_saying_so_once()
    {
        var error = Assert.Throws<ArgumentException>(() => new LoggerConfiguration().WriteTo.Flume(hosts: "127.0.0.1"));

        Assert.Equal("WriteTo.Flume hosts: '127.0.0.1' is not host:port (Parameter 'hosts')", error.Message);
    }

    [Fact]
    public void A_zero_period_is_refused_by_its_serilog_name()
    {
        var error = Assert.Throws<ArgumentException>(() => new LoggerConfiguration().WriteTo.Flume(hosts: $"127.0.0.1:{Port}", period: TimeSpan.Zero));

        Assert.Equal("period", error.ParamName);
    }
}
