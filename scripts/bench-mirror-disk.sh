#!/usr/bin/env bash
# Disk and source requests of `stellar-history mirror` (issue 12): peak size of the work directory (du -sb sampled
# every 0.1 s), peak RSS, and the files fetched from the source by kind (the report's filesByKind: target reads are
# not counted), for a first mirror, a no-op rerun with the same --work-dir (the last verified state kept) and a
# no-op rerun with a fresh one. Each run is a whole process.
# Usage: scripts/bench-mirror-disk.sh [ARCHIVE_DIR…]   (default: the testnet fixture and /tmp/bench/heavy-8x128)
set -euo pipefail
source "$(dirname "$0")/bench-common.sh"
[ -x /usr/bin/time ] || { echo "install GNU time: apt-get install -y time" >&2; exit 2; }
dotnet build -c Release "$root/samples/Stellar.HistoryWork.Cli" -v q -nologo >/dev/null
cli=$root/samples/Stellar.HistoryWork.Cli/bin/Release/net10.0/stellar-history.dll
archives=("$@")
[ ${#archives[@]} -gt 0 ] || archives=("$root/tests/fixtures/archives/testnet-2025-small" /tmp/bench/heavy-8x128)
for archive in "${archives[@]}"; do
  case $archive in /tmp/bench/heavy-8x128) make_archive "$archive" --bucket-mib 128 --buckets 8 ;; esac
done
machine

# run NAME ARCHIVE TARGET WORK: one mirror under /usr/bin/time -v with the work directory sampled while it runs.
run() {
  local name=$1 archive=$2 target=$3 work=$4
  local out report; out=$(mktemp); report=$(mktemp)
  /usr/bin/time -v dotnet "$cli" mirror --archive "$archive" --to-archive "$target" --work-dir "$work" --json "$report" --quiet >/dev/null 2>"$out" &
  local pid=$! peak=0 size
  while kill -0 $pid 2>/dev/null; do
    # du can meet a file that is being renamed away: a failed sample is skipped.
    size=$(du -sb "$work" 2>/dev/null | head -1 | cut -f1) || size=0
    [ "${size:-0}" -gt "$peak" ] 2>/dev/null && peak=$size
    sleep 0.1
  done
  wait $pid || { cat "$out" "$report"; exit 1; }
  local kib; kib=$(awk -F': ' '/Maximum resident set size/{print $2}' "$out")
  local wall; wall=$(awk -F': ' '/Elapsed \(wall clock\)/{print $2}' "$out")
  local fetched; fetched=$(python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); k=r["filesByKind"]; print(", ".join(f"{n} {c}" for n, c in k.items()), "| written", r["files"], "skipped", r["filesSkipped"])' "$report")
  echo "$name: peak work dir $((peak / 1024)) KiB, peak RSS $((kib / 1024)) MiB, wall $wall; from the source: $fetched"
  rm -f "$out" "$report"
}

for archive in "${archives[@]}"; do
  scratch=$(mktemp -d /tmp/bench-mirror.XXXXXX)
  echo "archive: $archive, $(du -sb "$archive" | cut -f1) bytes in $(find "$archive" -type f | wc -l) files"
  run "  first mirror" "$archive" "$scratch/copy" "$scratch/work"
  run "  no-op rerun, same --work-dir" "$archive" "$scratch/copy" "$scratch/work"
  run "  no-op rerun, fresh --work-dir" "$archive" "$scratch/copy" "$scratch/work2"
  diff -r "$archive" "$scratch/copy" >/dev/null && echo "  copy byte-identical to the source"
  rm -rf "$scratch"
done
