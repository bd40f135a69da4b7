using System.Buffers;
using System.Text;
using FsCheck;
using FsCheck.Fluent;
using Flume.Logging.Protocol.Avro;

namespace Flume.Logging.Protocol.Tests.Avro;

public class AvroCallTests
{
    [Fact]
    public void Append_request_matches_bytes_written_by_hand_from_the_spec()
    {
        var headers = new Dictionary<string, string>(StringComparer.Ordinal) { ["k"] = "v" };
        var output = new ArrayBufferWriter<byte>();
        AvroCall.WriteAppendRequest(output, new FlumeEvent(headers, "hi"u8.ToArray()));

        byte[] expected =
        [
            0x00, // request meta: empty map
            0x0C, (byte)'a', (byte)'p', (byte)'p', (byte)'e', (byte)'n', (byte)'d', // message name, length 6
            0x02, 0x02, (byte)'k', 0x02, (byte)'v', 0x00, // headers: one entry k=v, then the end block
            0x04, (byte)'h', (byte)'i', // body: length 2
        ];
        Assert.Equal(expected, output.WrittenSpan.ToArray());
    }

    [Fact]
    public void Handshake_request_matches_bytes_written_by_hand_from_the_spec()
    {
        var clientHash = Enumerable.Range(1, 16).Select(i => (byte)i).ToArray();
        var serverHash = Enumerable.Range(101, 16).Select(i => (byte)i).ToArray();
        var output = new ArrayBufferWriter<byte>();
        new AvroHandshakeRequest(clientHash, "P", serverHash).Write(output);

        var expected = clientHash.Concat(new byte[] { 0x02, 0x02, (byte)'P' }).Concat(serverHash).Concat(new byte[] { 0x00 }).ToArray();
        Assert.Equal(expected, output.WrittenSpan.ToArray());
    }

    [Fact]
    public void Append_round_trips_random_events()
    {
        Prop.ForAll(AvroGenerators.Event.ToArbitrary(), flumeEvent =>
        {
            var output = new ArrayBufferWriter<byte>();
            AvroCall.WriteAppendRequest(output, flumeEvent);
            var reader = new AvroReader(output.WrittenSpan);
            return AvroCall.ReadRequest(ref reader, 10, out var request) == OperationStatus.Done
                && reader.Remaining == 0
                && request!.MessageName == AvroCall.Append
                && AvroGenerators.SameEvent(flumeEvent, request.Event!);
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void AppendBatch_round_trips_random_batches()
    {
        Prop.ForAll(AvroGenerators.Batch.ToArbitrary(), events =>
        {
            var output = new ArrayBufferWriter<byte>();
            AvroCall.WriteAppendBatchRequest(output, events, 0, events.Length);
            var reader = new AvroReader(output.WrittenSpan);
            if (AvroCall.ReadRequest(ref reader, 1000, out var request) != OperationStatus.Done || reader.Remaining != 0)
            {
                return false;
            }

            var decoded = request!.Events!;
            if (decoded.Count != events.Length)
            {
                return false;
            }

            for (var i = 0; i < events.Length; i++)
            {
                if (!AvroGenerators.SameEvent(events[i], decoded[i]))
                {
                    return false;
                }
            }

            return true;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void AppendBatch_writes_only_the_requested_slice()
    {
        var events = new[] { FlumeEvent.FromText("a"), FlumeEvent.FromText("b"), FlumeEvent.FromText("c") };
        var output = new ArrayBufferWriter<byte>();
        AvroCall.WriteAppendBatchRequest(output, events, 1, 2);
        var reader = new AvroReader(output.WrittenSpan);
        Assert.Equal(OperationStatus.Done, AvroCall.ReadRequest(ref reader, 10, out var request));
        Assert.Equal(["b", "c"], request!.Events!.Select(e => Encoding.UTF8.GetString(e.Body.Span)));
    }

    [Fact]
    public void Batch_over_the_cap_is_invalid()
    {
        var events = Enumerable.Range(0, 11).Select(i => FlumeEvent.FromText("x")).ToArray();
        var output = new ArrayBufferWriter<byte>();
        AvroCall.WriteAppendBatchRequest(output, events, 0, events.Length);
        var reader = new AvroReader(output.WrittenSpan);
        Assert.Equal(OperationStatus.InvalidData, AvroCall.ReadRequest(ref reader, 10, out _));
        Assert.Contains("11 items", reader.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_message_name_is_invalid_and_named()
    {
        var output = new ArrayBufferWriter<byte>();
        AvroWriter.WriteLong(output, 0);
        AvroWriter.WriteString(output, "delete");
        var reader = new AvroReader(output.WrittenSpan);
        Assert.Equal(OperationStatus.InvalidData, AvroCall.ReadRequest(ref reader, 10, out _));
        Assert.Contains("unknown message 'delete'", reader.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(EventStatus.Ok)]
    [InlineData(EventStatus.Failed)]
    [InlineData(EventStatus.Unknown)]
    public void Response_round_trips_status(EventStatus status)
    {
        var output = new ArrayBufferWriter<byte>();
        AvroCall.WriteResponse(output, status);
        var reader = new AvroReader(output.WrittenSpan);
        Assert.Equal(OperationStatus.Done, AvroCall.ReadResponse(ref reader, out var response));
        Assert.Equal(status, response!.Status);
        Assert.False(response.IsError);
    }

    [Fact]
    public void Error_response_is_flag_union_branch_zero_and_message()
    {
        var output = new ArrayBufferWriter<byte>();
        AvroCall.WriteError(output, "boom");
        Assert.Equal(new byte[] { 0x00, 0x01, 0x00, 0x08, (byte)'b', (byte)'o', (byte)'o', (byte)'m' }, output.WrittenSpan.ToArray());
        var reader = new AvroReader(output.WrittenSpan);
        Assert.Equal(OperationStatus.Done, AvroCall.ReadResponse(ref reader, out var response));
        Assert.Equal("boom", response!.Error);
    }

    [Fact]
    public void Handshake_records_round_trip()
    {
        var request = new AvroHandshakeRequest(AvroSourceProtocol.Hash, AvroSourceProtocol.Text, new byte[16]);
        var output = new ArrayBufferWriter<byte>();
        request.Write(output);
        var reader = new AvroReader(output.WrittenSpan);
        Assert.Equal(OperationStatus.Done, AvroHandshakeRequest.Read(ref reader, out var decodedRequest));
        Assert.Equal(request.ClientHash, decodedRequest!.ClientHash);
        Assert.Equal(request.ClientProtocol, decodedRequest.ClientProtocol);
        Assert.Equal(request.ServerHash, decodedRequest.ServerHash);

        foreach (var response in new[]
        {
            new AvroHandshakeResponse(AvroHandshakeMatch.Both, null, null),
            new AvroHandshakeResponse(AvroHandshakeMatch.None, AvroSourceProtocol.Text, AvroSourceProtocol.Hash),
        })
        {
            output.ResetWrittenCount();
            response.Write(output);
            reader = new AvroReader(output.WrittenSpan);
            Assert.Equal(OperationStatus.Done, AvroHandshakeResponse.Read(ref reader, out var decoded));
            Assert.Equal(response.Match, decoded!.Match);
            Assert.Equal(response.ServerProtocol, decoded.ServerProtocol);
            Assert.Equal(response.ServerHash, decoded.ServerHash);
            Assert.Equal(0, reader.Remaining);
        }
    }

    [Fact]
    public void Handshake_meta_map_is_skipped()
    {
        var output = new ArrayBufferWriter<byte>();
        AvroWriter.WriteInt(output, 0);
        AvroWriter.WriteInt(output, 0);
        AvroWriter.WriteInt(output, 0);
        AvroWriter.WriteInt(output, 1);
        AvroWriter.WriteLong(output, -1);
        AvroWriter.WriteLong(output, 5);
        AvroWriter.WriteString(output, "k");
        AvroWriter.WriteBytes(output, [1, 2]);
        AvroWriter.WriteLong(output, 0);
        var reader = new AvroReader(output.WrittenSpan);
        Assert.Equal(OperationStatus.Done, AvroHandshakeResponse.Read(ref reader, out var response));
        Assert.Equal(AvroHandshakeMatch.Both, response!.Match);
        Assert.Equal(0, reader.Remaining);
    }

    [Fact]
    public void Random_bytes_never_throw()
    {
        var bytes = Gen.ArrayOf(Gen.Choose(0, 255).Select(b => (byte)b)).ToArbitrary();
        Prop.ForAll(bytes, data =>
        {
            DecodeEverything(data);
            return true;
        }).QuickCheckThrowOnFailure();
    }

    [Fact]
    public void Every_truncation_of_a_valid_request_needs_more_data_or_is_invalid()
    {
        var headers = new Dictionary<string, string>(StringComparer.Ordinal) { ["host"] = "wébserver", ["n"] = "1" };
        var events = new[] { new FlumeEvent(headers, new byte[] { 0, 1, 2, 255 }), FlumeEvent.FromText("second 😀") };
        var output = new ArrayBufferWriter<byte>();
        new AvroHandshakeRequest(AvroSourceProtocol.Hash, AvroSourceProtocol.Text, AvroSourceProtocol.Hash).Write(output);
        AvroCall.WriteAppendBatchRequest(output, events, 0, events.Length);
        var full = output.WrittenSpan.ToArray();

        for (var length = 0; length < full.Length; length++)
        {
            var reader = new AvroReader(full.AsSpan(0, length));
            var status = AvroHandshakeRequest.Read(ref reader, out _);
            if (status == OperationStatus.Done)
            {
                status = AvroCall.ReadRequest(ref reader, 10, out _);
            }

            Assert.True(status is OperationStatus.NeedMoreData or OperationStatus.InvalidData, $"truncated to {length} bytes gave {status}");
        }
    }

    [Fact]
    public void Every_truncation_of_a_valid_response_needs_more_data()
    {
        var output = new ArrayBufferWriter<byte>();
        new AvroHandshakeResponse(AvroHandshakeMatch.Client, AvroSourceProtocol.Text, AvroSourceProtocol.Hash).Write(output);
        AvroCall.WriteError(output, "server said no");
        var full = output.WrittenSpan.ToArray();
        for (var length = 0; length < full.Length; length++)
        {
            var reader = new AvroReader(full.AsSpan(0, length));
            var status = AvroHandshakeResponse.Read(ref reader, out _);
            if (status == OperationStatus.Done)
            {
                status = AvroCall.ReadResponse(ref reader, out _);
            }

            Assert.Equal(OperationStatus.NeedMoreData, status);
        }
    }

    private static void DecodeEverything(byte[] data)
    {
        var reader = new AvroReader(data);
        _ = AvroCall.ReadRequest(ref reader, 100, out _);
        reader = new AvroReader(data);
        _ = AvroCall.ReadResponse(ref reader, out _);
        reader = new AvroReader(data);
        _ = AvroHandshakeRequest.Read(ref reader, out _);
        reader = new AvroReader(data);
        _ = AvroHandshakeResponse.Read(ref reader, out _);
        _ = NettyFrame.TryRead(new ReadOnlySequence<byte>(data), 16, 1024, out _, out _, out _, out _);
    }
}
