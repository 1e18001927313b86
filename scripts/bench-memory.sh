#!/usr/bin/env bash
# Peak RSS (from /usr/bin/time -v, a separate process each) of verifying and catching up an archive
# whose largest bucket is 1 GiB decompressed: ArchiveVerifier, catchup from local disk, and catchup
# over loopback HTTP from a Kestrel static server running in another process. Target: < 200 MiB.
# Usage: scripts/bench-memory.sh [ARCHIVE_DIR] [WORK_DIR]
#   ARCHIVE_DIR defaults to /tmp/bench/big-1g, generated when missing (make-archive --bucket-mib 1024).
set -euo pipefail
source "$(dirname "$0")/bench-common.sh"
archive=${1:-/tmp/bench/big-1g}
work=${2:-/tmp/bench/catchup-work}
port=${PORT:-18080}
[ -x /usr/bin/time ] || { echo "install GNU time: apt-get install -y time" >&2; exit 2; }

make_archive "$archive" --bucket-mib 1024
machine
largest=$(find "$archive" -name 'bucket-*.xdr.gz' -printf '%s %p\n' | sort -n | tail -1 | cut -d' ' -f2)
echo "archive: $archive; largest bucket $(stat -c %s "$largest") bytes compressed, $(gzip -dc "$largest" | wc -c) decompressed"

# measure NAME COMMAND…: runs COMMAND under /usr/bin/time -v and prints its line and peak RSS.
measure() {
  local name=$1; shift
  local log; log=$(mktemp)
  /usr/bin/time -v "$@" 2>"$log" | sed "s/^/  /"
  local kib; kib=$(awk -F': ' '/Maximum resident set size/{print $2}' "$log")
  local wall; wall=$(awk -F': ' '/Elapsed \(wall clock\)/{print $2}' "$log")
  echo "$name: peak RSS $((kib / 1024)) MiB (wall $wall)"
  rm -f "$log"
}

measure "verify (ArchiveVerifier, local)" dotnet "$dll" verify-archive "$archive"

rm -rf "$work"
measure "catchup (HistoryWorkBuilder + WorkScheduler, local)" dotnet "$dll" catchup-archive "$archive" "$work"

rm -rf "$work"
dotnet "$dll" serve-archive "$archive" "$port" >/dev/null &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$port/.well-known/stellar-history.json" && break; sleep 0.2; done
measure "catchup (HistoryWorkBuilder + WorkScheduler, loopback HTTP)" dotnet "$dll" catchup-archive "http://127.0.0.1:$port/" "$work"
echo "server (serve-archive, separate process): peak RSS $(( $(awk '/VmHWM/{print $2}' /proc/$server/status) / 1024 )) MiB"
kill $server
rm -rf "$work"
