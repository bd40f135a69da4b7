#!/usr/bin/env bash
# The relay's CPU per event by thread over a window inside a load: which threads (connection threads, the sink
# runner, pool workers, the timer thread) spend the CPU, and how often each is switched out.
#
#   examples/bench/threads.sh [relay load options]          e.g. --rate 500000
#   CONFIG=examples/bench/thrift-memory-null.properties examples/bench/threads.sh --protocol thrift --rate 500000
#
# Starts the relay on CONFIG (avro-memory-null unless given; its source must listen on 41500), warms it up for 3 s,
# runs `relay load` for WINDOW + 12 s and reads /proc/<pid>/task/*/{stat,status} 3 s into it and WINDOW (20 unless
# given) seconds later, while the load's connections are still open. Events in the window are the load's rate times
# its length. Threads are grouped by name (Linux keeps 15 characters).
set -euo pipefail
cd "$(dirname "$0")/../.."
config=${CONFIG:-examples/bench/avro-memory-null.properties}
window=${WINDOW:-20}
dotnet build -c Release relay/Flume.Logging.Relay.Cli -v q -nologo >/dev/null
relay_dll=relay/Flume.Logging.Relay.Cli/bin/Release/net10.0/relay.dll
out=$(mktemp -d /tmp/relay-threads.XXXXXX)
dotnet "$relay_dll" --conf "$config" --name a1 >"$out/relay.log" 2>&1 &
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null || true' EXIT
for _ in $(seq 1 300); do grep -q "agent a1 running" "$out/relay.log" && break; sleep 0.1; done
grep -q "agent a1 running" "$out/relay.log" || { cat "$out/relay.log"; exit 1; }
dotnet "$relay_dll" load --host 127.0.0.1 --port 41500 --json --duration 3 "$@" >/dev/null

# One line per thread: id, name, user ticks, system ticks, context switches. The name can hold spaces, so stat's
# fields are counted from after its closing parenthesis.
snapshot() {
  for task in /proc/"$pid"/task/*; do
    { name=$(tr ' ' '_' <"$task/comm")
      ticks=$(sed 's/.*) //' "$task/stat" | awk '{print $12, $13}')
      switches=$(awk '/^voluntary_ctxt_switches/ {v = $2} /^nonvoluntary_ctxt_switches/ {n = $2} END {print v + n}' "$task/status")
      echo "${task##*/} $name $ticks $switches"; } 2>/dev/null || true
  done | sort
}

dotnet "$relay_dll" load --host 127.0.0.1 --port 41500 --json --duration $((window + 12)) "$@" >"$out/load.json" &
load=$!
sleep 3
start=$(date +%s.%N); snapshot >"$out/before"
sleep "$window"
end=$(date +%s.%N); snapshot >"$out/after"
wait "$load"
json=$(tail -1 "$out/load.json")
echo "$json"
rate=$(echo "$json" | sed 's/.*"eventsPerSecond":\([0-9.]*\).*/\1/')
events=$(echo "$rate * ($end - $start)" | bc -l)
# Threads that ended inside the window are not counted; threads that started in it count from zero.
join -a2 "$out/before" "$out/after" | awk -v events="$events" -v hz="$(getconf CLK_TCK)" '
  NF == 9 { name = $6; user = $7 - $3; sys = $8 - $4; switches = $9 - $5 }
  NF == 5 { name = $2; user = $3; sys = $4; switches = $5 }
  { u[name] += user; s[name] += sys; c[name] += switches; tu += user; ts += sys; tc += switches }
  END {
    for (n in u) if (u[n] + s[n] > 0 || c[n] > 1000)
      printf "%-16s %6.3f us/event (user %6.3f, system %6.3f)  %9d context switches\n", n, (u[n] + s[n]) / hz * 1e6 / events, u[n] / hz * 1e6 / events, s[n] / hz * 1e6 / events, c[n]
    printf "%-16s %6.3f us/event (user %6.3f, system %6.3f)  %9d context switches, %.2f per 100 events\n", "all", (tu + ts) / hz * 1e6 / events, tu / hz * 1e6 / events, ts / hz * 1e6 / events, tc, tc * 100 / events
  }' | sort -k2 -nr
