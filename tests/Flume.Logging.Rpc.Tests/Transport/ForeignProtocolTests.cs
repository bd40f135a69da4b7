using System.Buffers;
using System.Text;
using Flume.Logging.Rpc.Transport;

namespace Flume.Logging.Rpc.Tests.Transport;

public sealed class ForeignProtocolTests
{
    private static string Describe(byte[] bytes, RpcFamily own = RpcFamily.Avro) => ForeignProtocol.Describe(new ReadOnlySequence<byte>(bytes), "RPC", own);

    private static readonly byte[] ThriftCompactCall = [0, 0, 0, 20, 0x82, 0x21, 0x00, 0x0B, .. "appendBatch"u8];

    private static readonly byte[] ThriftBinaryCall = [0, 0, 0, 30, 0x80, 0x01, 0x00, 0x01, 0, 0, 0, 11, .. "appendBatch"u8];

    private static readonly byte[] AvroFirstFrame = [0, 0, 0, 0, 0, 0, 0, 2, 0, 0, 0, 40, 0x12, 0x34];

    [Theory]
    [InlineData("GET / HTTP/1.1\r\n", "; the bytes are an HTTP request (GET /): this port speaks RPC, not HTTP")]
    [InlineData("HEAD /health HTTP/1.0\r\n\r\n", "; the bytes are an HTTP request (HEAD /health): this port speaks RPC, not HTTP")]
    [InlineData("OPTIONS *", "; the bytes are an HTTP request (OPTIONS *): this port speaks RPC, not HTTP")]
    [InlineData("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n", "; the bytes are an HTTP/2 preface: this port speaks RPC, not HTTP")]
    public void Names_HTTP_requests_with_their_method_and_target(string start, string expected)
    {
        Assert.Equal(expected, Describe(Encoding.ASCII.GetBytes(start)));
    }

    [Fact]
    public void Shows_a_target_s_unprintable_bytes_as_question_marks()
    {
        Assert.Equal("; the bytes are an HTTP request (GET /a?b): this port speaks RPC, not HTTP", Describe([.. "GET /a"u8, 0x01, .. "b HTTP/1.1"u8]));
    }

    [Fact]
    public void Names_a_Thrift_call_on_an_Avro_port_with_its_protocol()
    {
        Assert.Equal("; the bytes are a Thrift request in the compact protocol: this port speaks RPC", Describe(ThriftCompactCall));
        Assert.Equal("; the bytes are a Thrift request in the binary protocol: this port speaks RPC", Describe(ThriftBinaryCall));
    }

    [Fact]
    public void Names_an_Avro_frame_on_a_Thrift_port()
    {
        Assert.Equal("; the bytes are an Avro RPC request (NettyTransceiver frames): this port speaks RPC", Describe(AvroFirstFrame, RpcFamily.Thrift));
    }

    [Fact]
    public void Never_names_the_ports_own_rpc()
    {
        Assert.Equal("", Describe(ThriftCompactCall, RpcFamily.Thrift));
        Assert.Equal("", Describe(AvroFirstFrame, RpcFamily.Avro));
    }

    [Theory]
    [InlineData(new byte[] { 0, 0, 0, 1, 0, 0, 0, 1 })]
    [InlineData(new byte[] { (byte)'G', (byte)'E', (byte)'T' })]
    [InlineData(new byte[] { (byte)'G', (byte)'E', (byte)'T', (byte)'/' })]
    [InlineData(new byte[] { })]
    public void Anything_else_adds_nothing(byte[] start)
    {
        Assert.Equal("", Describe(start));
    }
}
