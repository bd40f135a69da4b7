// Flume's RPC wire contract (flume-ng-sdk src/main/thrift/flume.thrift), restated as the interop tests' IDL.
// Regenerate Generated/ with ./regenerate.sh (thrift-compiler 0.17, `thrift --gen netstd`).

namespace java org.apache.flume.thrift
namespace netstd Flume.Logging.Protocol.Tests.Thrift.Oracle.Generated

struct ThriftFlumeEvent {
  1: required map <string, string> headers,
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
