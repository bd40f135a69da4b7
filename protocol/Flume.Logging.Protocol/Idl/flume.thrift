// Flume's Thrift RPC contract (ThriftSource / ThriftSink / ThriftRpcClient), written from Flume 1.11's
// definitions. Field ids, types and enum order are the wire; names are what generated peers expose.

namespace java org.apache.flume.thrift
namespace netstd Flume.Logging.Protocol.Thrift

struct ThriftFlumeEvent {
  1: required map<string, string> headers,
  2: required binary body,
}

enum Status {
  OK,
  FAILED,
  ERROR,
  UNKNOWN
}

service ThriftSourceProtocol {
  Status append(1: ThriftFlumeEvent event),
  Status appendBatch(1: list<ThriftFlumeEvent> events),
}
