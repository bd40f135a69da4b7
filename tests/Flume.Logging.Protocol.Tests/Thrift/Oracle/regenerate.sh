#!/usr/bin/env bash
# Regenerates the reference Thrift code (Apache Thrift's own netstd generator, Debian's thrift-compiler 0.17) that
# the oracle tests compile against ApacheThrift from NuGet. Generated/ is checked in and never edited by hand.
# Equivalent to: thrift --gen netstd -out <tmp> flume.thrift, then moving the .cs files into Generated/.
set -euo pipefail
cd "$(dirname "$0")"
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
thrift --gen netstd -out "$out" flume.thrift
rm -rf Generated
mkdir Generated
find "$out" -name '*.cs' -exec mv {} Generated/ \;
