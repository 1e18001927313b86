#!/usr/bin/env bash
# Compares ArchiveVerifier over a local archive with the reference node's way of checking the same
# files: `gzip -dc FILE | sha256sum`, one pipeline per core (xargs -P $(nproc)). Both run ROUNDS times
# (default 3), interleaved, from a warm page cache; the figure for ours is the wall time of the whole
# `dotnet` process (runtime start-up included), its own stopwatch is printed beside it.
# CPU seconds (user + sys) are printed beside wall time: on a busy machine they show the work each way
# needs when its share of the cores is not the same.
# Usage: [ROUNDS=3] [PIN=cpu] scripts/bench-verify.sh [ARCHIVE_DIR] [FROM_LEDGER]   (default: the bundled testnet archive)
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

median() { sort -g | awk '{a[NR]=$1} END {print (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2}'; }
# timed VAR COMMAND…: runs COMMAND, stores "wall cpu" (cpu = user + sys, children included) in VAR.
timed() {
  local var=$1; shift
  local log; log=$(mktemp)
  /usr/bin/time -f '%e %U %S' -o "$log" "$@"
  printf -v "$var" '%s' "$(awk '{printf "%.3f %.3f", $1, $2 + $3}' "$log")"
  rm -f "$log"
}
reference() { find "$archive" -name '*.xdr.gz' -print0 | xargs -0 -P "$(nproc)" -n 1 sh -c 'gzip -dc "$0" | sha256sum >/dev/null'; }
ours() { dotnet "$dll" verify-archive "$archive" $from > "$out"; }
out=$(mktemp)

# PIN=CPU runs both on that one CPU (taskset), so they get the same share of a busy machine.
pin=()
if [ -n "${PIN:-}" ]; then pin=(taskset -c "$PIN"); echo "both pinned to CPU $PIN"; fi

ref_wall=(); ref_cpu=(); our_wall=(); our_cpu=()
for round in $(seq "$rounds"); do
  timed r "${pin[@]}" bash -c "$(declare -f reference); archive='$archive'; reference"
  timed o "${pin[@]}" bash -c "$(declare -f ours); dll='$dll'; archive='$archive'; from='$from'; out='$out'; ours"
  line=$(head -1 "$out")
  case "$line" in *problems=0*) ;; *) echo "  (ArchiveVerifier reported problems: $line)";; esac
  read -r rw rc <<<"$r"; read -r ow oc <<<"$o"
  printf 'round %d: reference %s s wall, %s cpu-s | ArchiveVerifier %s s wall, %s cpu-s (own stopwatch %s)\n' \
    "$round" "$rw" "$rc" "$ow" "$oc" "$(echo "$line" | grep -o 'seconds=[0-9.]*' | cut -d= -f2)"
  ref_wall+=("$rw"); ref_cpu+=("$rc"); our_wall+=("$ow"); our_cpu+=("$oc")
done

rw=$(printf '%s\n' "${ref_wall[@]}" | median); rc=$(printf '%s\n' "${ref_cpu[@]}" | median)
ow=$(printf '%s\n' "${our_wall[@]}" | median); oc=$(printf '%s\n' "${our_cpu[@]}" | median)
echo "reference (gzip -dc | sha256sum, -P $(nproc)): median ${rw} s wall, ${rc} cpu-s"
echo "ArchiveVerifier (whole dotnet process):        median ${ow} s wall, ${oc} cpu-s"
echo "last: $line"
echo "speed-up (wall): $(echo "$rw / $ow" | bc -l | cut -c1-4)x (target: >= 2x); CPU used: $(echo "$rc / $oc" | bc -l | cut -c1-4)x less"
rm -f "$out"
