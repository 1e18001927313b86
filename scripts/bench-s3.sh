#!/usr/bin/env bash
# Mirroring into S3: peak RSS (from /usr/bin/time -v) of `stellar-history mirror` from the synthetic archive with
# a 1 GiB bucket (295 MB gzip: a multipart upload) into s3rver on loopback, and the same mirror directory →
# directory, for throughput. Target: < 200 MiB peak RSS. Needs node and tests/s3-servers installed (npm ci).
# Usage: scripts/bench-s3.sh [ARCHIVE_DIR]   (default /tmp/bench/big-1g, generated when missing)
set -euo pipefail
source "$(dirname "$0")/bench-common.sh"
archive=${1:-/tmp/bench/big-1g}
[ -x /usr/bin/time ] || { echo "install GNU time: apt-get install -y time" >&2; exit 2; }
dotnet build -c Release "$root/samples/Stellar.HistoryWork.Cli" -v q -nologo >/dev/null
cli=$root/samples/Stellar.HistoryWork.Cli/bin/Release/net10.0/stellar-history.dll

make_archive "$archive" --bucket-mib 1024
machine
bytes=$(du -sb "$archive" | cut -f1)
echo "archive: $archive, $bytes bytes in $(find "$archive" -type f | wc -l) files"

scratch=$(mktemp -d /tmp/bench-s3.XXXXXX)
mkdir -p "$scratch/s3rver"
log=$scratch/s3rver.log
(cd "$root/tests/s3-servers" && NODE_OPTIONS=--openssl-legacy-provider exec node node_modules/s3rver/bin/s3rver.js \
  -d "$scratch/s3rver" -a 127.0.0.1 -p 0 --configure-bucket bench >"$log" 2>&1) &
server=$!
trap 'kill $server 2>/dev/null || true; rm -rf "$scratch"' EXIT
for _ in $(seq 300); do grep -q 'listening on' "$log" && break; sleep 0.2; done
grep -q 'listening on' "$log" || { echo "s3rver did not start within 60 s:" >&2; cat "$log" >&2; exit 1; }
port=$(grep -o '127.0.0.1:[0-9]*' "$log" | head -1 | cut -d: -f2)
export AWS_ENDPOINT_URL_S3=http://127.0.0.1:$port AWS_ACCESS_KEY_ID=S3RVER AWS_SECRET_ACCESS_KEY=S3RVER

# measure NAME COMMAND…: runs COMMAND under /usr/bin/time -v; prints peak RSS, wall time and throughput.
measure() {
  local name=$1; shift
  local out; out=$(mktemp)
  /usr/bin/time -v "$@" --quiet >/dev/null 2>"$out" || { cat "$out"; exit 1; }
  local kib; kib=$(awk -F': ' '/Maximum resident set size/{print $2}' "$out")
  local wall; wall=$(awk -F': ' '/Elapsed \(wall clock\)/{print $2}' "$out")
  local secs; secs=$(echo "$wall" | awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; print s }')
  local cpu; cpu=$(awk -F': ' '/User time/{u=$2} /System time/{s=$2} END { printf "%.2f", u + s }' "$out")
  echo "$name: peak RSS $((kib / 1024)) MiB, wall $wall, CPU $cpu s, $(awk -v b="$bytes" -v s="$secs" 'BEGIN { printf "%.1f", b / s / 1048576 }') MiB/s"
  rm -f "$out"
}

measure "mirror directory → s3 (s3rver, multipart)" dotnet "$cli" mirror --archive "$archive" --to-archive s3://bench/big
echo "s3rver (separate process): peak RSS $(( $(awk '/VmHWM/{print $2}' /proc/$server/status) / 1024 )) MiB"
measure "mirror directory → directory" dotnet "$cli" mirror --archive "$archive" --to-archive "$scratch/copy"
