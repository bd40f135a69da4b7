#!/usr/bin/env bash
# Proves the packages install and work as a user would get them. SLOW (several minutes on a small machine): it packs
# the appender packages, the libraries they need and the relay tool into a temp folder, installs the relay tool from
# there and runs `relay --version`, then creates a new .NET 8 console app (self-contained) that references Serilog.Sinks.Flume from that
# folder (restored from it plus the machine's NuGet source), logs through it to the installed relay, and checks the
# line arrived in the relay's file_roll output. Kept out of `dotnet test` for its run time; run it before a release:
#   bash tests/packaging/pack-install-smoke.sh
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
work=$(mktemp -d)
relay_pid=
cleanup() { [ -n "$relay_pid" ] && kill "$relay_pid" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT
feed=$work/feed

for project in protocol/Flume.Logging.Protocol protocol/Flume.Logging.Rpc relay/Flume.Logging.FileChannel \
    appenders/Flume.Logging.Appenders appenders/Flume.Logging.Extensions appenders/Serilog.Sinks.Flume \
    appenders/NLog.Targets.Flume appenders/log4net.Appender.Flume relay/Flume.Logging.Relay.Cli; do
  dotnet pack "$root/$project" -c Release -o "$feed" -v quiet -nologo
done
ls "$feed"
for package in Serilog.Sinks.Flume Flume.Logging.Extensions NLog.Targets.Flume log4net.Appender.Flume Flume.Logging.Appenders \
    Flume.Logging.Rpc Flume.Logging.Protocol Flume.Logging.FileChannel Flume.Logging.Relay.Tool; do
  ls "$feed/$package".*.nupkg >/dev/null
  ls "$feed/$package".*.snupkg >/dev/null
done

# Installs restore into an empty package cache: the machine's cache may hold an older build of the same version.
export NUGET_PACKAGES=$work/nuget-cache

# The relay as a .NET tool, from the local folder.
dotnet tool install --tool-path "$work/tools" --add-source "$feed" Flume.Logging.Relay.Tool
"$work/tools/relay" --version

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
mkdir -p "$work/out"
cat > "$work/relay.properties" <<CONF
a1.sources = r1
a1.channels = c1
a1.sinks = k1
a1.sources.r1.type = avro
a1.sources.r1.bind = 127.0.0.1
a1.sources.r1.port = $port
a1.sources.r1.channels = c1
a1.channels.c1.type = memory
a1.sinks.k1.type = file_roll
a1.sinks.k1.channel = c1
a1.sinks.k1.sink.directory = $work/out
a1.sinks.k1.sink.rollInterval = 0
a1.sinks.k1.sink.batchSize = 1
CONF
"$work/tools/relay" --conf "$work/relay.properties" --name a1 > "$work/relay.log" 2>&1 &
relay_pid=$!

# A new console app, outside this repository so none of its build settings apply.
cd "$work"
cat > nuget.config <<CONF
<?xml version="1.0" encoding="utf-8"?>
<configuration>
  <packageSources>
    <add key="local-packages" value="$feed" />
  </packageSources>
</configuration>
CONF
dotnet new console -o app --no-restore >/dev/null
cd app
# On .NET 8, the oldest runtime the appenders support, run self-contained (this machine has only a newer shared runtime).
sed -i 's|<TargetFramework>.*</TargetFramework>|<TargetFramework>net8.0</TargetFramework><RuntimeIdentifier>linux-x64</RuntimeIdentifier><SelfContained>true</SelfContained>|' app.csproj
dotnet add package Serilog.Sinks.Flume --version "$(ls "$feed" | sed -n 's/^Serilog\.Sinks\.Flume\.\(.*\)\.nupkg$/\1/p')"
cat > Program.cs <<'CS'
using Serilog;

Console.WriteLine($"runtime: {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}");
Log.Logger = new LoggerConfiguration().WriteTo.Flume(hosts: args[0]).CreateLogger();
Log.Information("hello from a packaged sink {Marker}", args[1]);
await Log.CloseAndFlushAsync();
CS
marker="marker-$RANDOM-$RANDOM"
dotnet run -- "127.0.0.1:$port" "$marker" | tee "$work/app.log"
grep -q "runtime: .NET 8\." "$work/app.log" || { echo "FAILED: the app did not run on .NET 8" >&2; exit 1; }

for _ in $(seq 1 60); do
  if grep -rq "$marker" "$work/out"; then
    echo "OK: the packaged Serilog sink delivered '$marker' from .NET 8 to the packaged relay"
    exit 0
  fi
  sleep 1
done
echo "FAILED: '$marker' never reached the relay; relay log:" >&2
cat "$work/relay.log" >&2
exit 1
