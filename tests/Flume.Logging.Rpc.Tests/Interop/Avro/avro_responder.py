"""A Netty-style stateful Avro server built on python3-avro's Responder.

Usage: avro_responder.py [--deflate]. Listens on 127.0.0.1 (a free port), prints LISTENING <port>, then for each connection
CONNECTION, and for every event received one line EVENT <json>. As a Java NettyServer does, it expects a handshake
only until one succeeds on a connection; later requests on that connection are bare call requests.
"""
import base64
import io
import json
import socket
import sys

import avro.io
import avro.ipc

from avro_netty import PROTOCOL, ZlibSocket, read_pack, write_pack


class FlumeResponder(avro.ipc.Responder):
    def __init__(self):
        super().__init__(PROTOCOL)
        self.last_remote_protocol = None

    def process_handshake(self, decoder, encoder):
        self.last_remote_protocol = super().process_handshake(decoder, encoder)
        return self.last_remote_protocol

    def invoke(self, local_message, request):
        events = [request["event"]] if local_message.name == "append" else request["events"]
        for event in events:
            line = {"headers": event["headers"], "body": base64.b64encode(event["body"]).decode("ascii")}
            print("EVENT " + json.dumps(line, sort_keys=True), flush=True)
        return "OK"

    def respond_without_handshake(self, call_request, remote_protocol):
        decoder = avro.io.BinaryDecoder(io.BytesIO(call_request))
        writer = io.BytesIO()
        encoder = avro.io.BinaryEncoder(writer)
        avro.ipc.META_READER.read(decoder)
        name = decoder.read_utf8()
        remote_message = remote_protocol.messages[name]
        local_message = self.local_protocol.messages[name]
        request = self.read_request(remote_message.request, local_message.request, decoder)
        response = self.invoke(local_message, request)
        avro.ipc.META_WRITER.write({}, encoder)
        encoder.write_boolean(False)
        self.write_response(local_message.response, response, encoder)
        return writer.getvalue()


def serve(connection, responder):
    remote_protocol = None
    while True:
        try:
            serial, request = read_pack(connection)
        except (EOFError, ConnectionResetError):
            return
        if remote_protocol is None:
            responder.last_remote_protocol = None
            response = responder.respond(request)
            remote_protocol = responder.last_remote_protocol
        else:
            response = responder.respond_without_handshake(request, remote_protocol)
        write_pack(connection, serial, response)


def main():
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.bind(("127.0.0.1", 0))
    listener.listen(8)
    listener.settimeout(60)
    print("LISTENING %d" % listener.getsockname()[1], flush=True)
    responder = FlumeResponder()
    while True:
        try:
            connection, _ = listener.accept()
        except socket.timeout:
            print("IDLE: no connection for 60 s, exiting", flush=True)
            sys.exit(1)
        print("CONNECTION", flush=True)
        connection.settimeout(60)
        with connection:
            serve(ZlibSocket(connection) if "--deflate" in sys.argv else connection, responder)
        print("CLOSED", flush=True)


if __name__ == "__main__":
    main()
