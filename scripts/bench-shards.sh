#!/usr/bin/env bash
# Scaling of a sharded verify on this machine (docs/BENCHMARKS.md §6, docs/SCALE-OUT.md): the same synthetic
# archive verified by one process pinned to one CPU, then as shards 0 and 1 of 2, two processes each pinned to
# its own CPU, run at once. Prints wall and CPU seconds (user + sys) of each, and the bytes each shard read.
#   scripts/bench-shards.sh [ARCHIVE_DIR]   (default: the real testnet fixture, 157 checkpoints, 27 MB)
# (make-archive's synthetic archives fail the HAS future rule since main's HAS checks; see BENCHMARKS.md §6.)
set -euo pipefail
source "$(dirname "$0")/bench-common.sh"
archive=${1:-$root/tests/fixtures/archives/testnet-2025-small}
cli=$root/samples/Stellar.HistoryWork.Cli
dotnet build -c Release "$cli" -v q -nologo >/dev/null
cmd=$(find "$cli/bin/Release" -name stellar-history.dll | head -1)
to=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['currentLedger'])" "$archive/.well-known/stellar-history.json")
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
machine

# run NAME CPU ARGS…: one verify pinned to CPU, timed by /usr/bin/time into $work/NAME.time.
run() {
  local name=$1 cpu=$2; shift 2
  /usr/bin/time -f '%e %U %S %M' -o "$work/$name.time" taskset -c "$cpu" \
    dotnet "$cmd" verify --archive "$archive" --to "$to" --quiet --concurrency 4 --json "$work/$name.json" "$@" >/dev/null || true
}
report() {
  read -r wall user sys rss <"$work/$1.time"
  python3 - "$work/$1.json" "$1" "$wall" "$user" "$sys" "$rss" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); name, wall, user, sys_, rss = sys.argv[2:]
print(f"{name:8} ok={r['ok']} checkpoints={r['checkpoints']} files={r['files']} bytes={r['bytes']} "
      f"wall={wall}s cpu={float(user)+float(sys_):.2f}s peakRSS={int(rss)//1024}MiB")
PY
}

run single 0
report single
run shard0 0 --shard-count 2 --shard-index 0 & run shard1 1 --shard-count 2 --shard-index 1 & wait
report shard0
report shard1
