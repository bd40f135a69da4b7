using System.IO.Pipelines;
using Flume.Logging.Rpc.Transport;
using Microsoft.Extensions.Time.Testing;

namespace Flume.Logging.Rpc.Tests.Transport;

public sealed class WatchedPipeReaderTests
{
    private static readonly ConnectionLimits Limits = new() { IdleTimeout = TimeSpan.FromSeconds(10), MinDataRate = 0 };
    private readonly FakeTimeProvider _clock = new();
    private readonly Pipe _pipe = new();

    [Fact]
    public void A_connection_whose_handler_has_not_read_yet_is_idle_since_it_was_opened()
    {
        var reader = new WatchedPipeReader(_pipe.Reader, _clock, _clock.GetTimestamp());

        _clock.Advance(TimeSpan.FromSeconds(9));
        Assert.Null(reader.CheckLimits(Limits));
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal("no complete frame in 10 s (idle-timeout 10 s)", reader.CheckLimits(Limits));
    }

    [Fact]
    public async Task The_first_read_goes_on_counting_from_the_open_instead_of_starting_over()
    {
        var reader = new WatchedPipeReader(_pipe.Reader, _clock, _clock.GetTimestamp());
        _clock.Advance(TimeSpan.FromSeconds(6));

        var read = reader.ReadAsync();
        _clock.Advance(TimeSpan.FromSeconds(4));

        Assert.Equal("no complete frame in 10 s (idle-timeout 10 s)", reader.CheckLimits(Limits));
        await _pipe.Writer.CompleteAsync();
        await read;
    }

    [Fact]
    public async Task A_consumed_frame_starts_the_idle_time_again_at_the_next_read()
    {
        var reader = new WatchedPipeReader(_pipe.Reader, _clock, _clock.GetTimestamp());
        _clock.Advance(TimeSpan.FromSeconds(6));
        await _pipe.Writer.WriteAsync(new byte[] { 1, 2, 3 });
        var result = await reader.ReadAsync();
        reader.AdvanceTo(result.Buffer.End);

        _clock.Advance(TimeSpan.FromSeconds(6));
        var read = reader.ReadAsync();
        _clock.Advance(TimeSpan.FromSeconds(9));

        Assert.Null(reader.CheckLimits(Limits));
        await _pipe.Writer.CompleteAsync();
        await read;
    }
}
