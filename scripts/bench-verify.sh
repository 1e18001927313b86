#!/usr/bin/env bash
# Compares ArchiveVerifier over a local archive with the reference node's way of checking the same
# files: `gzip -dc FILE | sha256sum`, one pipeline per core (xargs -P $(nproc)). Both run ROUNDS times
# (default 3), interleaved, from a warm page cache; the figure for ours is the wall time of the whole
# `dotnet` process (runtime start-up included), its own stopwatch is printed beside it.
# Usage: scripts/bench-verify.sh [ARCHIVE_DIR] [FROM_LEDGER]   (default: the bundled testnet archive)
set -euo pipefail
source "$(dirname "$0")/bench-common.sh"
archive=${1:-$root/tests/fixtures/archives/testnet-2025-small}
from=${2:-}
rounds=${ROUNDS:-3}

files=$(find "$archive" -name '*.xdr.gz' | wc -l)
compressed=$(find "$archive" -name '*.xdr.gz' -print0 | du -cb --files0-from=- | tail -1 | cut -f1)
machine
echo "archive: $archive ($files .xdr.gz files, $compressed compressed bytes)"

# Warm the page cache so both runs read from memory.
find "$archive" -type f -print0 | xargs -0 cat >/dev/null

now() { date +%s.%N; }
median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
refs=(); ours=()
for round in $(seq "$rounds"); do
  start=$(now)
  find "$archive" -name '*.xdr.gz' -print0 | xargs -0 -P "$(nproc)" -n 1 sh -c 'gzip -dc "$0" | sha256sum >/dev/null'
  ref=$(echo "$(now) - $start" | bc -l)

  start=$(now)
  line=$(dotnet "$dll" verify-archive "$archive" $from | head -1)
  our=$(echo "$(now) - $start" | bc -l)
  case "$line" in *problems=0*) ;; *) echo "  (ArchiveVerifier reported problems: $line)";; esac

  printf 'round %d: reference %.3f s, ArchiveVerifier %.3f s (%s)\n' "$round" "$ref" "$our" "$(echo "$line" | grep -o 'seconds=[0-9.]*')"
  refs+=("$ref"); ours+=("$our")
done

ref_median=$(printf '%s\n' "${refs[@]}" | median)
our_median=$(printf '%s\n' "${ours[@]}" | median)
echo "reference (gzip -dc | sha256sum, -P $(nproc)): median ${ref_median} s"
echo "ArchiveVerifier (whole process): median ${our_median} s  (last: $line)"
echo "speed-up: $(echo "$ref_median / $our_median" | bc -l | cut -c1-5)x (target: >= 2x)"
