"""Real Thrift 0.17 peer: the client generated from our flume.thrift sends append and appendBatch to our server.

Usage: thrift_client.py <generated-code-dir> <port> <compact|binary>
Prints "<method> <STATUS>" per call; the test compares what our server received with the events below.
"""
import sys

sys.path.insert(0, sys.argv[1])

from thrift.protocol import TBinaryProtocol, TCompactProtocol  # noqa: E402
from thrift.transport import TSocket, TTransport  # noqa: E402

from flume import ThriftSourceProtocol  # noqa: E402
from flume.ttypes import Status, ThriftFlumeEvent  # noqa: E402


def events():
    """Kept in step with ThriftInteropTests.PythonClientEvents."""
    single = ThriftFlumeEvent(headers={"host": "web-1", "k\u00fcy": "v\u00e4l \u65e5\u672c"}, body=bytes(range(256)))
    empty = ThriftFlumeEvent(headers={}, body=b"")
    batch = [ThriftFlumeEvent(headers={"i": str(i)}, body=bytes([i]) * (i * 100)) for i in range(1, 4)]
    return single, empty, batch


def main():
    port = int(sys.argv[2])
    socket = TSocket.TSocket("127.0.0.1", port)
    socket.setTimeout(10000)
    transport = TTransport.TFramedTransport(socket)
    if sys.argv[3] == "binary":
        protocol = TBinaryProtocol.TBinaryProtocol(transport)
    else:
        protocol = TCompactProtocol.TCompactProtocol(transport)
    client = ThriftSourceProtocol.Client(protocol)
    transport.open()
    single, empty, batch = events()
    print("append", Status._VALUES_TO_NAMES[client.append(single)], flush=True)
    print("append", Status._VALUES_TO_NAMES[client.append(empty)], flush=True)
    print("appendBatch", Status._VALUES_TO_NAMES[client.appendBatch(batch)], flush=True)
    transport.close()
    print("DONE", flush=True)


if __name__ == "__main__":
    main()
