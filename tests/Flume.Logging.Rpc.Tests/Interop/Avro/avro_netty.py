"""Avro's Netty framing for python3-avro: serial, buffer count, then length-prefixed buffers (all big-endian)."""
import struct
import zlib

import avro.protocol

# Flume's AvroSourceProtocol, written out for the Python peers. Python prints and hashes it differently from
# Flume's Java, so our server must take the NONE -> resend-with-clientProtocol path with these peers.
PROTOCOL = avro.protocol.parse("""
{"protocol": "AvroSourceProtocol", "namespace": "org.apache.flume.source.avro",
 "types": [
  {"type": "enum", "name": "Status", "symbols": ["OK", "FAILED", "UNKNOWN"]},
  {"type": "record", "name": "AvroFlumeEvent",
   "fields": [{"name": "headers", "type": {"type": "map", "values": "string"}}, {"name": "body", "type": "bytes"}]}],
 "messages": {
  "append": {"request": [{"name": "event", "type": "AvroFlumeEvent"}], "response": "Status"},
  "appendBatch": {"request": [{"name": "events", "type": {"type": "array", "items": "AvroFlumeEvent"}}],
                  "response": "Status"}}}
""")

# Java's NettyTransceiver writes 8 KiB buffers; splitting the same way checks that our reader concatenates.
BUFFER_SIZE = 8192


def recv_exact(sock, n):
    chunks = []
    while n > 0:
        chunk = sock.recv(n)
        if not chunk:
            raise EOFError("connection closed")
        chunks.append(chunk)
        n -= len(chunk)
    return b"".join(chunks)


def write_pack(sock, serial, message):
    buffers = [message[i:i + BUFFER_SIZE] for i in range(0, len(message), BUFFER_SIZE)] or [b""]
    out = [struct.pack(">ii", serial, len(buffers))]
    for buffer in buffers:
        out.append(struct.pack(">i", len(buffer)))
        out.append(buffer)
    sock.sendall(b"".join(out))


def read_pack(sock):
    serial, count = struct.unpack(">ii", recv_exact(sock, 8))
    parts = []
    for _ in range(count):
        (length,) = struct.unpack(">i", recv_exact(sock, 4))
        parts.append(recv_exact(sock, length))
    return serial, b"".join(parts)


class ZlibSocket:
    """Flume's compression-type = deflate: a zlib stream each way, sync-flushed after every data pack."""

    def __init__(self, sock, level=6):
        self.sock = sock
        self.decompressor = zlib.decompressobj()
        self.compressor = zlib.compressobj(level)
        self.pending = b""

    def recv(self, n):
        while not self.pending:
            data = self.sock.recv(65536)
            if not data:
                return b""
            self.pending = self.decompressor.decompress(data)
        out, self.pending = self.pending[:n], self.pending[n:]
        return out

    def sendall(self, data):
        self.sock.sendall(self.compressor.compress(data) + self.compressor.flush(zlib.Z_SYNC_FLUSH))
