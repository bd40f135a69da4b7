#!/usr/bin/env bash
# End-to-end benchmark of one scenario: starts the relay(s) on the shipped configs in this folder, drives them with
# `relay load` on the same machine, and prints the load tool's JSON plus the relay's CPU (during the load) and peak RSS.
#
#   examples/bench/run.sh avro-memory-null   [extra relay load options]
#   examples/bench/run.sh avro-tls-memory-null (avro-memory-null with TLS: a P-256 certificate made by openssl, the
#                                             load tool with --ssl --trust-all-certs)
#   examples/bench/run.sh thrift-memory-null
#   examples/bench/run.sh syslogtcp-memory-null (400-byte RFC 3164 lines over 10 connections, syslog-ng's published shape)
#   examples/bench/run.sh http-memory-null    (JSON batches POSTed to the http source, Flume's JSONHandler format)
#   examples/bench/run.sh two-hops            [--rate 300000] (load -> avro -> memory -> avro sink -> avro -> memory -> null;
#                                             prints each hop's CPU per event, comparable at a fixed --rate)
#   examples/bench/run.sh half-rate           (avro -> memory -> null at --rate 500000)
#   examples/bench/run.sh overload            (60 s, sink slower than source; prints RSS every 5 s)
#   examples/bench/run.sh avro-file-null
#   examples/bench/run.sh avro-memory-hdfs [DataStream|SequenceFile]
#   examples/bench/run.sh avro-file-hdfs   [DataStream|SequenceFile]
#                                             (into a test HDFS cluster, one NameNode and one DataNode on 127.0.0.1 in a
#                                             process of their own; hdfs.batchSize 1000: 1,000 events per hflush)
#   examples/bench/run.sh appender [front end] [events per thread]
#                                             (4 threads in one process log through a front end to avro -> memory -> null,
#                                             Block so nothing is dropped: events/s end to end)
#   examples/bench/run.sh appender-down [front end] [threads]
#                                             (relay down, default DropNewest, 4 threads unless given: how long each call takes)
#   examples/bench/run.sh appender-paced [front end] [threads] [calls/s per thread]
#                                             (relay up, default DropNewest, 4 x 62,500 calls/s unless given: how long each
#                                             call takes at a load the relay absorbs)
#   Front ends: core (the delivery core alone, the default), mel, serilog, nlog, log4net; and mel-baseline,
#   serilog-baseline, nlog-baseline, log4net-baseline: the framework with a sink that only renders the message, to
#   show what the framework itself costs (with appender, events/s of the calls alone).
#   examples/bench/run.sh floor [rate] [connections] [size]
#                                             (no relay: floor.c, built with cc, answers each request of `size` bytes,
#                                             10,330 unless given, the avro request of 100 events of 100 bytes, on a
#                                             thread per connection; 5,000 requests/s over 4 connections unless given:
#                                             the server's CPU per request is what recv, send and the wake-ups alone cost)
#   examples/bench/run.sh floor-avro          [relay load options] (no relay: floor.c's avro-server answers `relay load`'s
#                                             Avro requests without decoding them, so the floor is measured under the
#                                             same client as the relay; --rate 500000 unless given, CPU per event)
#   examples/bench/run.sh floor-avro-sync     [relay load options] (the same, and each request is written to a file
#                                             under /tmp and fdatasync'd before its answer: the floor under a durable
#                                             channel's put commit; --rate 150000 unless given)
#   examples/bench/run.sh replay              (1,000,000 events left in a file channel; restart after kill -9 and after a clean stop)
#   examples/bench/run.sh avro-memory-kafka   (avro -> memory -> Kafka sink, acks 1, into librdkafka's mock cluster of 3
#                                             brokers held by kcat in a process of its own)
#   examples/bench/run.sh avro-kafka-null     (avro -> Kafka channel -> null, same mock cluster)
#   examples/bench/run.sh taildir-memory-null [lines] [batchSize]
#                                             (TAILDIR reads one file of 100-byte lines, 10,737,418 = 1 GiB unless given,
#                                             written to a temp folder before the relay starts; timed from the relay's
#                                             start until the null sink has drained the last line)
#
# Load shape unless overridden: 100-byte bodies, batch 100, 4 connections, 30 s. Ports 41500-41501 on 127.0.0.1
# (41510 for syslog, 41520 for avro with TLS, so that they can run beside an avro scenario).
set -euo pipefail
cd "$(dirname "$0")/../.."
scenario=${1:?scenario}
shift
dotnet build -c Release relay/Flume.Logging.Relay.Cli -v q -nologo >/dev/null
relay_dll=relay/Flume.Logging.Relay.Cli/bin/Release/net10.0/relay.dll
out=$(mktemp -d /tmp/relay-bench.XXXXXX)
pids=()
# Whatever happens, no relay outlives the run.
hdfs_pid=
trap 'for p in "${pids[@]}" $hdfs_pid; do kill -TERM "$p" 2>/dev/null || true; done' EXIT

start_relay() { # config name
  local config=$1 name=$2
  /usr/bin/time -v -o "$out/$name.time" dotnet "$relay_dll" --conf "$config" --name a1 >"$out/$name.log" 2>&1 &
  local timer=$!
  for _ in $(seq 1 300); do grep -q "agent a1 running" "$out/$name.log" 2>/dev/null && break; sleep 0.1; done
  grep -q "agent a1 running" "$out/$name.log" || { cat "$out/$name.log"; exit 1; }
  pids+=("$(pgrep -P "$timer" dotnet)")
  echo "$timer" >"$out/$name.timer"
}

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

stop_relays() {
  for name in "$@"; do kill -TERM "$(pgrep -P "$(cat "$out/$name.timer")" dotnet)"; done
  for name in "$@"; do while kill -0 "$(cat "$out/$name.timer")" 2>/dev/null; do sleep 0.1; done; done
}

report() { # name cpu_seconds load_seconds
  local rss
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$out/$1.time")
  printf '%s: relay CPU %.0f%% of one core during the load, peak RSS %d MB\n' "$1" "$(echo "$2 * 100 / $3" | bc -l)" "$((rss / 1024))"
}

per_event() { # cpu_seconds events: the relay's CPU per event, the figure a fixed offered rate makes comparable
  printf 'relay CPU per event: %.3f us\n' "$(echo "$1 * 1000000 / $2" | bc -l)"
}

# Options given to run.sh come last, so they override the defaults (a repeated option is an error, so defaults
# are only added when absent).
load() {
  local defaults=(--duration 30)
  [[ " $* " == *" --duration "* || " $* " == *" --events "* ]] && defaults=()
  dotnet "$relay_dll" load --host 127.0.0.1 --port "${load_port:-41500}" --json "${defaults[@]}" "$@" | tail -1
}

run_single() { # config, load options...
  local config=$1
  shift
  start_relay "$config" relay
  load --duration 3 "$@" >/dev/null   # warm-up: JIT and connection set-up out of the measured window
  local before after json
  before=$(cpu_ticks "${pids[0]}")
  json=$(load "$@")
  after=$(cpu_ticks "${pids[0]}")
  stop_relays relay
  echo "$json"
  report relay "$(echo "($after - $before) / $(getconf CLK_TCK)" | bc -l)" "$(echo "$json" | sed 's/.*"seconds":\([0-9.]*\).*/\1/')"
  per_event "$(echo "($after - $before) / $(getconf CLK_TCK)" | bc -l)" "$(echo "$json" | sed 's/.*"events":\([0-9]*\).*/\1/')"
}

# A test HDFS cluster (our test NameNode and DataNode) in a process of its own, for as long as the run lasts; sets
# HDFS_URI.
start_hdfs() {
  dotnet build -c Release tests/Flume.Logging.Benchmarks -v q -nologo >/dev/null
  coproc HDFS { dotnet tests/Flume.Logging.Benchmarks/bin/Release/net10.0/Flume.Logging.Benchmarks.dll hdfs-cluster; }
  local address
  read -r address <&"${HDFS[0]}"
  HDFS_URI="hdfs://$address"
  hdfs_pid=$HDFS_PID
}

run_hdfs() { # config, file type, load options...
  local config=$1 type=${2:-DataStream}
  shift 2 || shift $#
  start_hdfs
  export FC_DIR="$out/file-channel"
  sed -e "s|hdfs://127.0.0.1:8020|$HDFS_URI|" -e "s|fileType = DataStream|fileType = $type|" -e "s|\${FC_DIR}|$FC_DIR|g" "$config" >"$out/hdfs.properties"
  run_single "$out/hdfs.properties" "$@"
}

# librdkafka's mock Kafka cluster, held by a kcat consumer for as long as the run lasts; sets KAFKA_BROKERS.
start_kafka() {
  coproc KAFKA { exec kcat -C -b 127.0.0.1:9 -X test.mock.num.brokers=3 -t bench-holder -q 2>&1 >/dev/null; }
  local line
  while read -r line <&"${KAFKA[0]}"; do
    [[ $line == *"replaced with "* ]] && break
  done
  KAFKA_BROKERS=${line##*replaced with }
  hdfs_pid=$KAFKA_PID   # the EXIT trap stops it, as it does the HDFS cluster
}

run_kafka() { # config, load options...
  local config=$1
  shift
  start_kafka
  sed -e "s|127\.0\.0\.1:9092|$KAFKA_BROKERS|" "$config" >"$out/kafka.properties"
  run_single "$out/kafka.properties" "$@"
}

case "$scenario" in
  avro-memory-kafka) run_kafka examples/bench/avro-memory-kafka.properties "$@" ;;
  avro-kafka-null) run_kafka examples/bench/avro-kafka-null.properties "$@" ;;
  avro-memory-hdfs) run_hdfs examples/bench/avro-memory-hdfs.properties "$@" ;;
  avro-file-hdfs) run_hdfs examples/bench/avro-file-hdfs.properties "$@" ;;
  avro-memory-null) run_single examples/bench/avro-memory-null.properties "$@" ;;
  avro-tls-memory-null)
    export TLS_DIR="$out/tls"
    mkdir -p "$TLS_DIR"
    openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -days 1 -subj /CN=localhost \
      -addext subjectAltName=IP:127.0.0.1 -keyout "$TLS_DIR/server.key" -out "$TLS_DIR/server.crt" 2>/dev/null
    openssl pkcs12 -export -in "$TLS_DIR/server.crt" -inkey "$TLS_DIR/server.key" -passout pass:changeit -out "$TLS_DIR/server.p12"
    # avro-memory-null with ssl = true on port 41520, written here because its keystore exists only for this run.
    { sed 's/^a1.sources.r1.port = 41500$/a1.sources.r1.port = 41520/' examples/bench/avro-memory-null.properties
      printf 'a1.sources.r1.ssl = true\na1.sources.r1.keystore = %s\na1.sources.r1.keystore-password = changeit\na1.sources.r1.keystore-type = PKCS12\n' "$TLS_DIR/server.p12"
    } >"$out/avro-tls.properties"
    load_port=41520 run_single "$out/avro-tls.properties" --ssl --trust-all-certs "$@" ;;
  thrift-memory-null) run_single examples/bench/thrift-memory-null.properties --protocol thrift "$@" ;;
  syslogtcp-memory-null) load_port=41510 run_single examples/bench/syslogtcp-memory-null.properties --protocol syslog --size 400 --connections 10 "$@" ;;
  http-memory-null) run_single examples/bench/http-memory-null.properties --protocol http "$@" ;;
  half-rate) run_single examples/bench/avro-memory-null.properties --rate 500000 "$@" ;;
  avro-file-null)
    export FC_DIR="$out/file-channel"
    sed "s|\${FC_DIR}|$FC_DIR|g" examples/bench/avro-file-null.properties >"$out/avro-file-null.properties"
    run_single "$out/avro-file-null.properties" "$@" ;;
  two-hops)
    # Options pass to the load tool: --rate 300000 offers a fixed rate, which makes CPU per event comparable.
    start_relay examples/bench/hop-second.properties second
    start_relay examples/bench/hop-first.properties first
    # Warm-up with the same options but 3 s long.
    warm=() skip=
    for option in "$@"; do
      if [ -n "$skip" ]; then skip=; elif [[ $option == --duration || $option == --events ]]; then skip=1; else warm+=("$option"); fi
    done
    load --duration 3 "${warm[@]}" >/dev/null
    first_before=$(cpu_ticks "${pids[1]}") second_before=$(cpu_ticks "${pids[0]}")
    json=$(load "$@")
    first_after=$(cpu_ticks "${pids[1]}") second_after=$(cpu_ticks "${pids[0]}")
    stop_relays first second
    echo "$json"
    seconds=$(echo "$json" | sed 's/.*"seconds":\([0-9.]*\).*/\1/') events=$(echo "$json" | sed 's/.*"events":\([0-9]*\).*/\1/')
    # Each hop's CPU over the measured window, per event the load tool delivered to the first (the second hop gets
    # the same events, a batch or so later).
    for hop in first second; do
      before=${hop}_before after=${hop}_after
      cpu=$(echo "(${!after} - ${!before}) / $(getconf CLK_TCK)" | bc -l)
      report "$hop" "$cpu" "$seconds"
      per_event "$cpu" "$events" | sed "s/^relay/$hop relay/"
    done ;;
  floor)
    rate=${1:-5000} conns=${2:-4} size=${3:-10330}
    cc -O2 -pthread -o "$out/floor" examples/bench/floor.c
    coproc FLOOR { exec "$out/floor" server; }
    read -r floor_port <&"${FLOOR[0]}"
    pids+=("$FLOOR_PID")
    "$out/floor" client "$floor_port" "$conns" "$rate" "$size" 16 &
    client=$!
    # 10 s measured after 3 s of warm-up.
    sleep 3
    before=$(cpu_ticks "$FLOOR_PID")
    sleep 10
    after=$(cpu_ticks "$FLOOR_PID")
    wait "$client"
    echo "floor: $rate requests/s of $size bytes over $conns connections: $(echo "($after - $before) / $(getconf CLK_TCK) * 1000000 / ($rate * 10)" | bc -l | cut -c1-5) us of server CPU per request" ;;
  floor-avro | floor-avro-sync)
    cc -O2 -pthread -o "$out/floor" examples/bench/floor.c
    sync_file=() rate=(--rate 500000)
    [[ $scenario == floor-avro-sync ]] && sync_file=("$out/requests") rate=(--rate 150000)
    coproc FLOOR { exec "$out/floor" avro-server "${sync_file[@]}"; }
    read -r load_port <&"${FLOOR[0]}"
    pids+=("$FLOOR_PID")
    [[ " $* " == *" --rate "* ]] && rate=()
    load --duration 3 "${rate[@]}" "$@" >/dev/null
    before=$(cpu_ticks "$FLOOR_PID")
    json=$(load "${rate[@]}" "$@")
    after=$(cpu_ticks "$FLOOR_PID")
    echo "$json"
    per_event "$(echo "($after - $before) / $(getconf CLK_TCK)" | bc -l)" "$(echo "$json" | sed 's/.*"events":\([0-9]*\).*/\1/')" | sed 's/^relay/floor server/' ;;
  overload)
    start_relay examples/bench/overload-logger.properties relay
    (for i in $(seq 1 13); do
       echo "t=$(( (i - 1) * 5 ))s RSS $(( $(awk '/VmRSS/ {print $2}' "/proc/${pids[0]}/status") / 1024 )) MB"
       sleep 5
     done) &
    sampler=$!
    json=$(load --duration 60 --attempts 1000 --retry-backoff 10 "$@")
    wait "$sampler" || true
    stop_relays relay
    echo "$json"
    report relay 0 1 | sed 's/relay CPU [0-9]*% of one core during the load, //' ;;
  appender)
    front=${1:-core}
    dotnet build -c Release tests/Flume.Logging.Benchmarks -v q -nologo >/dev/null
    start_relay examples/bench/avro-memory-null.properties relay
    before=$(cpu_ticks "${pids[0]}")
    json=$(dotnet tests/Flume.Logging.Benchmarks/bin/Release/net10.0/Flume.Logging.Benchmarks.dll appender-throughput "$front" 127.0.0.1:41500 "${2:-1000000}" 4 | tail -1)
    after=$(cpu_ticks "${pids[0]}")
    stop_relays relay
    echo "$json"
    report relay "$(echo "($after - $before) / $(getconf CLK_TCK)" | bc -l)" "$(echo "$json" | sed 's/.*"seconds":\([0-9.]*\).*/\1/')" ;;
  appender-down)
    front=${1:-core} threads=${2:-4}
    dotnet build -c Release tests/Flume.Logging.Benchmarks -v q -nologo >/dev/null
    # The first 250,000 calls (JIT, and filling the queue) are made but not timed: the relay-down steady state is timed.
    dotnet tests/Flume.Logging.Benchmarks/bin/Release/net10.0/Flume.Logging.Benchmarks.dll appender-throughput "$front" 127.0.0.1:1 $((4000000 / threads)) "$threads" DropNewest 0 $((1000000 / threads)) | tail -1 ;;
  appender-paced)
    front=${1:-core} threads=${2:-4} rate=${3:-62500}
    dotnet build -c Release tests/Flume.Logging.Benchmarks -v q -nologo >/dev/null
    start_relay examples/bench/avro-memory-null.properties relay
    # 8 seconds of calls at the given rate; the first second's are made but not timed (JIT, first connection).
    dotnet tests/Flume.Logging.Benchmarks/bin/Release/net10.0/Flume.Logging.Benchmarks.dll appender-throughput "$front" 127.0.0.1:41500 $((rate * 8)) "$threads" DropNewest "$rate" "$rate" | tail -1
    stop_relays relay ;;
  replay)
    export FC_DIR="$out/file-channel"
    # No sink: the events stay in the channel, as a backlog behind a dead next hop would.
    sed -e "s|\${FC_DIR}|$FC_DIR|g" -e 's/^a1.sinks = k1$/a1.sinks =/' -e '/^a1.sinks.k1/d' examples/bench/avro-file-null.properties >"$out/replay.properties"
    start_relay "$out/replay.properties" fill
    load --events 1000000 "$@"
    # kill -9: replay from the last checkpoint plus the log after it.
    kill -KILL "${pids[0]}"; pids=()
    while kill -0 "$(cat "$out/fill.timer")" 2>/dev/null; do sleep 0.1; done
    for restart in after-kill-9 after-clean-stop; do
      started=$(date +%s.%N)
      start_relay "$out/replay.properties" "$restart"
      ready=$(date +%s.%N)
      grep -o "replayed [0-9]* events.*" "$out/$restart.log"
      printf '%s: process start to serving %.2f s\n' "$restart" "$(echo "$ready - $started" | bc -l)"
      stop_relays "$restart"; pids=()
    done ;;
  taildir-memory-null)
    lines=${1:-10737418} batch=${2:-1000}
    mkdir -p "$out/taildir/logs"
    # 99 characters and a newline per line: 100 bytes. (yes ends on SIGPIPE, which pipefail would count as failure.)
    (yes "$(printf '%099d' 0)" || true) | head -n "$lines" >"$out/taildir/logs/app.log"
    sed -e "s|/tmp/relay-bench-taildir|$out/taildir|g" -e "s|^a1.sources.r1.batchSize = .*|a1.sources.r1.batchSize = $batch|" \
      examples/bench/taildir-memory-null.properties >"$out/taildir.properties"
    sync
    drained() { curl -s http://127.0.0.1:41502/metrics | jq -r '.["SINK.k1"].EventDrainSuccessCount // "0" | tonumber'; }
    # Timed from the relay's start, since the source reads from the moment the agent starts (before "running" shows
    # in the log); its CPU therefore includes start-up.
    started=$(date +%s.%N)
    start_relay "$out/taildir.properties" relay
    before=0
    while [ "$(drained)" -lt "$lines" ]; do sleep 0.1; done
    finished=$(date +%s.%N)
    after=$(cpu_ticks "${pids[0]}")
    stop_relays relay
    seconds=$(echo "$finished - $started" | bc -l)
    printf '{"lines":%d,"bytes":%d,"seconds":%.2f,"eventsPerSecond":%.0f,"mbPerSecond":%.1f}\n' "$lines" "$((lines * 100))" \
      "$seconds" "$(echo "$lines / $seconds" | bc -l)" "$(echo "$lines * 100 / $seconds / 1048576" | bc -l)"
    report relay "$(echo "($after - $before) / $(getconf CLK_TCK)" | bc -l)" "$seconds" ;;
  *) echo "unknown scenario $scenario" >&2; exit 2 ;;
esac
rm -rf "$out"
