#!/usr/bin/env bash
# Fuzzes one harness (or all in turn) under AFL++ with SharpFuzz's instrumentation, for a given time each:
#
#   tests/Flume.Logging.Fuzz/fuzz.sh list
#   tests/Flume.Logging.Fuzz/fuzz.sh <target> [seconds, default 600]
#   tests/Flume.Logging.Fuzz/fuzz.sh all [seconds]
#
# Inputs are capped at 64 KiB: every limit the decoders enforce is reachable well below it, and the corpus stays small.
# Needs Debian's afl++ (apt-get install afl++) and the sharpfuzz tool of .config/dotnet-tools.json (restored here).
# The corpus starts from Corpus/<target> (or the harness's seeds when there is none) and, after the run, is replaced
# by afl-cmin's minimal set of everything the run found, so the normal test run replays it. Crashes and hangs are
# copied to Regressions/<target>/, which the test run also replays: each stays red until the bug is fixed.
# One line per run goes to $FUZZ_WORK/results.tsv (target, seconds, execs, execs/s, corpus, edges, map coverage,
# crashes, hangs).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
# Not under /tmp: afl-cmin refuses to work there.
work=${FUZZ_WORK:-${XDG_CACHE_HOME:-$HOME/.cache}/flume-fuzz}
target=${1:?"target, list or all"}
seconds=${2:-600}
bin=$work/bin
dll=$bin/Flume.Logging.Fuzz.dll
# The same build without instrumentation, which runs outside AFL++ (instrumented code needs AFL++'s shared map).
plain=$work/plain/Flume.Logging.Fuzz.dll
# afl-cmin wants the program by its path.
dotnet=$(command -v dotnet)

command -v afl-fuzz >/dev/null || { echo "afl-fuzz is missing: apt-get install afl++" >&2; exit 1; }
export AFL_SKIP_BIN_CHECK=1 AFL_NO_UI=1 AFL_SKIP_CPUFREQ=1 AFL_I_DONT_CARE_ABOUT_MISSING_CRASHES=1 AFL_NO_AFFINITY=1

build() {
  # A fresh build each time: instrumenting an assembly twice would count every branch twice.
  mkdir -p "$work"
  exec 9>"$work/build.lock"
  flock 9
  if [[ ! -f $bin/.instrumented || -n ${FUZZ_REBUILD:-} ]]; then
    rm -rf "$bin" "$work/plain"
    (cd "$root" && dotnet tool restore >/dev/null && dotnet build -c Release -v q -nologo tests/Flume.Logging.Fuzz -o "$work/plain" >/dev/null)
    cp -r "$work/plain" "$bin"
    for assembly in Flume.Logging.Protocol Flume.Logging.Rpc Flume.Logging.Relay Flume.Logging.FileChannel Flume.Logging.Hdfs; do
      (cd "$root" && dotnet tool run sharpfuzz "$bin/$assembly.dll" >/dev/null)
    done
    touch "$bin/.instrumented"
  fi
  flock -u 9
}

fuzz_one() { # target
  local name=$1 out=$work/out/$1 input=$here/Corpus/$1
  if [[ ! -d $input ]] || [[ -z $(ls -A "$input") ]]; then
    input=$work/seeds/$name
    rm -rf "$input"
    dotnet "$plain" seeds "$name" "$input" >/dev/null
  fi
  rm -rf "$out"
  mkdir -p "$work/out"
  echo "$(date -u +%H:%M:%S) fuzzing $name for $seconds s from $input" >&2
  afl-fuzz -i "$input" -o "$out" -V "$seconds" -t 2000 -m none -G 65536 -- "$dotnet" "$dll" run "$name" >"$work/$name.log" 2>&1 || {
    tail -20 "$work/$name.log" >&2
    return 1
  }
  local stats=$out/default/fuzzer_stats
  stat() { sed -n "s/^$1 *: *//p" "$stats"; }
  printf '%s\t%s\t%s\t%s\t%s\t%s/%s\t%s\t%s\t%s\n' "$name" "$(stat run_time)" "$(stat execs_done)" "$(stat execs_per_sec)" \
    "$(stat corpus_count)" "$(stat edges_found)" "$(stat total_edges)" "$(stat bitmap_cvg)" "$(stat saved_crashes)" "$(stat saved_hangs)" \
    | tee -a "$work/results.tsv"

  # Keep what was found: the smallest set of inputs that covers the same edges.
  local minimized=$work/cmin/$name
  rm -rf "$minimized"
  if afl-cmin -i "$out/default/queue" -o "$minimized" -t 5000 -m none -- "$dotnet" "$dll" run "$name" >"$work/$name.cmin.log" 2>&1; then
    rm -rf "$here/Corpus/$name"
    mkdir -p "$here/Corpus/$name"
    local file
    for file in "$minimized"/*; do
      cp "$file" "$here/Corpus/$name/$(sha1sum "$file" | cut -c1-16)"
    done
  else
    echo "afl-cmin failed (see $work/$name.cmin.log); corpus left as it was" >&2
  fi

  local kind file
  for kind in crash hang; do
    for file in "$out/default/${kind}es"/id:* "$out/default/${kind}s"/id:*; do
      [[ -e $file ]] || continue
      mkdir -p "$here/Regressions/$name"
      cp "$file" "$here/Regressions/$name/$kind-$(sha1sum "$file" | cut -c1-16)"
    done
  done
}

build
case $target in
  list) dotnet "$plain" list ;;
  all) for name in $(dotnet "$plain" list); do fuzz_one "$name"; done ;;
  *) fuzz_one "$target" ;;
esac
