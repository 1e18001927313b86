#!/usr/bin/env bash
# Adaptive per-archive concurrency against a weak server (DESIGN.md §4: a high --concurrency is never slower
# than 1.5x the best fixed one). Serves an archive with `python3 -m http.server` (single process, HTTP/1.0, a
# listen backlog of 5) on 127.0.0.1 and runs the shipped command — whole processes, runtime start-up
# included — for each verb at each concurrency, ROUNDS times (default 1), printing wall seconds and whether
# the run ended clean. Then the same verbs from the local directory (a fast archive) at 1 and at the
# highest concurrency. Last, a fast server with network latency (scripts/latency-server.py: a thread per
# connection, keep-alive, a deep backlog, every answer held LATENCY_MS, default 20) at each concurrency, where many
# requests in flight should pay off. The servers are stopped by their PIDs when the script ends.
# Usage: [ROUNDS=1] [CONCURRENCY="1 2 4 8 32"] [VERBS="verify catchup mirror"] [LATENCY_MS=20] [SERVERS="weak local fast"] scripts/bench-concurrency.sh [ARCHIVE_DIR]
set -euo pipefail
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
archive=${1:-$root/tests/fixtures/archives/testnet-2025-small}
rounds=${ROUNDS:-1}
levels=${CONCURRENCY:-1 2 4 8 32}
verbs=${VERBS:-verify catchup mirror}
servers=${SERVERS:-weak local fast}

dotnet build -c Release "$root/samples/Stellar.HistoryWork.Cli" -v q -nologo >/dev/null
cli=$(find "$root/samples/Stellar.HistoryWork.Cli/bin/Release" -name stellar-history.dll | head -1)
work=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
python3 -m http.server --bind 127.0.0.1 --directory "$archive" "$port" >"$work/server.log" 2>&1 &
server=$!
fast=
trap 'kill "$server" $fast 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/.well-known/stellar-history.json" >/dev/null && break; sleep 0.1; done
last=$(python3 -c "import json; print(json.load(open('$archive/.well-known/stellar-history.json'))['currentLedger'])")

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), dotnet $(dotnet --version)"
echo "archive: $archive (to ledger $last), weak server: python3 -m http.server on port $port"

# run VERB SOURCE CONCURRENCY: prints "wall rc problems".
run() {
  local verb=$1 source=$2 c=$3 args=()
  rm -rf "$work/out"
  case $verb in
    verify) args=(verify --archive "$source") ;;
    catchup) args=(catchup --archive "$source" --from 1 --to "$last" --out "$work/out") ;;
    mirror) args=(mirror --archive "$source" --to-archive "$work/out") ;;
  esac
  local rc=0
  /usr/bin/time -f '%e' -o "$work/time" dotnet "$cli" "${args[@]}" --concurrency "$c" --quiet --json "$work/report.json" \
    >"$work/run.log" 2>&1 || rc=$?
  local problems
  problems=$(python3 -c "import json; print(len(json.load(open('$work/report.json')).get('problems', [])))" 2>/dev/null || echo '?')
  echo "$(cat "$work/time") $rc $problems"
}

[[ " $servers " == *" weak "* ]] && for verb in $verbs; do
  for c in $levels; do
    for round in $(seq "$rounds"); do
      read -r wall rc problems <<<"$(run "$verb" "http://127.0.0.1:$port" "$c")"
      printf '%-8s weak server  concurrency %3s  round %d: %7.2f s  exit %s  problems %s\n' "$verb" "$c" "$round" "$wall" "$rc" "$problems"
    done
  done
done

high=${levels##* }
[[ " $servers " == *" local "* ]] && for verb in $verbs; do
  for c in 1 "$high"; do
    read -r wall rc problems <<<"$(run "$verb" "$archive" "$c")"
    printf '%-8s local dir    concurrency %3s  round 1: %7.2f s  exit %s  problems %s\n' "$verb" "$c" "$wall" "$rc" "$problems"
  done
done

latency=${LATENCY_MS:-20}
fast_port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1]); s.close()')
python3 "$root/scripts/latency-server.py" "$archive" "$fast_port" "$latency" 3600 >"$work/fast.log" 2>&1 &
fast=$!
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$fast_port/.well-known/stellar-history.json" >/dev/null && break; sleep 0.1; done
[[ " $servers " == *" fast "* ]] && for verb in $verbs; do
  for c in $levels; do
    for round in $(seq "$rounds"); do
      read -r wall rc problems <<<"$(run "$verb" "http://127.0.0.1:$fast_port" "$c")"
      printf '%-8s fast+%sms   concurrency %3s  round %d: %7.2f s  exit %s  problems %s\n' "$verb" "$latency" "$c" "$round" "$wall" "$rc" "$problems"
    done
  done
done
true
