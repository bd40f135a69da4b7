"""python3-avro's Requestor sending append and appendBatch to a Netty-framed Avro server.

Usage: avro_requestor.py PORT [--deflate]. The Requestor handshakes on every request, so each request gets a fresh connection,
which a Netty server accepts. Prints one line per call with the status, then DONE.
"""
import socket
import sys

import avro.ipc

from avro_netty import PROTOCOL, ZlibSocket, read_pack, write_pack


class FreshConnectionTransceiver:
    def __init__(self, port, deflate):
        self.port = port
        self.deflate = deflate
        self.serial = 0

    remote_name = property(lambda self: "127.0.0.1:%d" % self.port)

    def transceive(self, request):
        self.serial += 1
        with socket.create_connection(("127.0.0.1", self.port), timeout=20) as raw:
            sock = ZlibSocket(raw) if self.deflate else raw
            write_pack(sock, self.serial, request)
            serial, response = read_pack(sock)
            if serial != self.serial:
                raise RuntimeError("serial %d answered with %d" % (self.serial, serial))
            return response


def main():
    requestor = avro.ipc.Requestor(PROTOCOL, FreshConnectionTransceiver(int(sys.argv[1]), "--deflate" in sys.argv))
    single = {"headers": {"host": "py-h\u00f6st", "n": "0"}, "body": bytes([0, 1, 2, 254, 255])}
    print("append:", requestor.request("append", {"event": single}), flush=True)
    batch = [{"headers": {"n": str(i), "k\u00e9y": "v\u4e2d"}, "body": bytes([i, 255 - i]) * (i + 1)} for i in range(1, 4)]
    # One large body so the request spans several 8 KiB buffers.
    batch.append({"headers": {}, "body": bytes(range(256)) * 80})
    print("appendBatch:", requestor.request("appendBatch", {"events": batch}), flush=True)
    print("DONE", flush=True)


if __name__ == "__main__":
    main()
