"""Real Thrift 0.17 peer: the server generated from our flume.thrift records what our client sends.

Usage: thrift_server.py <generated-code-dir> <compact|binary>
Listens on 127.0.0.1 (port chosen by the kernel) and prints "LISTENING <port>", then "ACCEPTED" per connection
and one JSON line per event: {"method": ..., "headers": {...}, "body": "<base64>"}. Answers OK.
"""
import base64
import json
import sys

sys.path.insert(0, sys.argv[1])

from thrift.protocol import TBinaryProtocol, TCompactProtocol  # noqa: E402
from thrift.server import TServer  # noqa: E402
from thrift.transport import TSocket, TTransport  # noqa: E402

from flume import ThriftSourceProtocol  # noqa: E402
from flume.ttypes import Status  # noqa: E402


class Handler:
    def append(self, event):
        self._record("append", event)
        return Status.OK

    def appendBatch(self, events):
        for event in events:
            self._record("appendBatch", event)
        return Status.OK

    @staticmethod
    def _record(method, event):
        line = {"method": method, "headers": event.headers, "body": base64.b64encode(event.body).decode("ascii")}
        print(json.dumps(line), flush=True)


class ReportingServerSocket(TSocket.TServerSocket):
    """Listens before serve() so the port can be announced, and reports each accepted connection."""

    def listen(self):
        if self.handle is None:
            super().listen()

    def accept(self):
        client = super().accept()
        print("ACCEPTED", flush=True)
        return client


def main():
    server_socket = ReportingServerSocket(host="127.0.0.1", port=0)
    server_socket.listen()
    if sys.argv[2] == "binary":
        protocol_factory = TBinaryProtocol.TBinaryProtocolFactory()
    else:
        protocol_factory = TCompactProtocol.TCompactProtocolFactory()
    server = TServer.TSimpleServer(
        ThriftSourceProtocol.Processor(Handler()), server_socket, TTransport.TFramedTransportFactory(), protocol_factory)
    print("LISTENING", server_socket.handle.getsockname()[1], flush=True)
    server.serve()


if __name__ == "__main__":
    main()
