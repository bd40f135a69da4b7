using Flume.Logging.Relay.Cli.Tools;

namespace Flume.Logging.Relay.Cli.Tests.Tools;

/// <summary>Input problems of <c>relay avro-client</c>, found before anything is sent (no peer needed).</summary>
public sealed class AvroClientToolTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("avro-client-tool-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private static AvroClientArguments Arguments(IReadOnlyList<string> files, string? headerFile = null) =>
        new("127.0.0.1", 9, files, headerFile, Thrift: false, BatchSize: 100);

    [Fact]
    public void Header_file_is_read_with_java_properties_rules()
    {
        var path = Path.Combine(_directory, "headers.properties");
        File.WriteAllText(path, "! comment\nhost web-1\nenv : prod\nlong = a\\\n  b\nname=caf\\u00e9 ☕\nhost=web-2\n");

        var headers = AvroClientTool.ReadHeaders(path);

        Assert.Equal(4, headers.Count);
        Assert.Equal(("web-2", "prod", "ab", "café ☕"), (headers["host"], headers["env"], headers["long"], headers["name"]));
    }

    [Fact]
    public async Task A_missing_header_file_fails_naming_it()
    {
        var error = new StringWriter();
        var missing = Path.Combine(_directory, "nope.properties");

        var exitCode = await AvroClientTool.RunAsync(Arguments([], missing), () => new StringReader(""), error, CancellationToken.None);

        Assert.Equal(AvroClientTool.Failed, exitCode);
        Assert.Contains($"cannot read header file {missing}", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_missing_input_file_fails_naming_it()
    {
        var error = new StringWriter();
        var missing = Path.Combine(_directory, "nope.log");

        var exitCode = await AvroClientTool.RunAsync(Arguments([missing]), () => new StringReader(""), error, CancellationToken.None);

        Assert.Equal(AvroClientTool.Failed, exitCode);
        Assert.Contains($"cannot read {missing}", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Empty_input_sends_nothing_and_succeeds()
    {
        var error = new StringWriter();

        var exitCode = await AvroClientTool.RunAsync(Arguments([]), () => new StringReader(""), error, CancellationToken.None);

        Assert.Equal(0, exitCode);
        Assert.Equal("sent 0 events in 0 batches", error.ToString().Trim());
    }
}
