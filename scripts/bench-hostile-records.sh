#!/usr/bin/env bash
# Issue 10 row 12: peak RSS (from /usr/bin/time -v) of `stellar-history verify --concurrency 16` over a copy of the
# testnet fixture whose every transactions file is one record at the protocol's cap (16 MiB) made of ~1.4 M minimal
# TxSetComponents (12 bytes each: type, no base fee, no transactions), so each record decodes into ~8x its size.
# The run must end with a problem per file (or pass), never run out of memory. Target: < 200 MiB.
# Usage: scripts/bench-hostile-records.sh [STELLAR_HISTORY_DLL] [CHECKPOINTS]
#   STELLAR_HISTORY_DLL defaults to the Release build of samples/Stellar.HistoryWork.Cli (built when missing);
#   CHECKPOINTS (default 32) is how many of the newest checkpoints get a hostile transactions file.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dll=${1:-}; dll=${dll:-$root/samples/Stellar.HistoryWork.Cli/bin/Release/net10.0/stellar-history.dll}
count=${2:-32}
[ -x /usr/bin/time ] || { echo "install GNU time: apt-get install -y time" >&2; exit 2; }
if [ ! -f "$dll" ]; then dotnet build -c Release "$root/samples/Stellar.HistoryWork.Cli" -v q -nologo >/dev/null; fi

work=$(mktemp -d /tmp/hostile-records.XXXXXX)
trap 'rm -rf "$work"' EXIT
cp -r "$root/tests/fixtures/archives/testnet-2025-small" "$work/archive"
python3 - "$work/archive" "$count" <<'PY'
import gzip, os, struct, sys
archive, count = sys.argv[1], int(sys.argv[2])
cap = 16 * 1024 * 1024
head = 4 + 32 + 4 + 4 + 4 + 32 + 4 + 4 + 4
n = (cap - head) // 12
ledgers = sorted(os.path.join(d, f) for d, _, fs in os.walk(os.path.join(archive, "ledger")) for f in fs)[-count:]
for ledger in ledgers:
    checkpoint = int(os.path.basename(ledger)[7:15], 16)
    body = (struct.pack(">I", checkpoint) + bytes(32) + struct.pack(">I", 0)   # ledgerSeq, legacy set: hash, no txs
            + struct.pack(">II", 1, 1) + bytes(32)                            # ext v1, GeneralizedTransactionSet v1, hash
            + struct.pack(">III", 1, 0, n)                                    # one phase, v0, n components
            + struct.pack(">III", 0, 0, 0) * n)                               # TXSET_COMP_TXS_MAYBE_DISCOUNTED_FEE, no fee, no txs
    assert len(body) <= cap
    path = ledger.replace("ledger", "transactions")
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with gzip.open(path, "wb", compresslevel=6) as f:
        f.write(struct.pack(">I", 0x80000000 | len(body)) + body)
print(f"{len(ledgers)} transactions files, each one record of {len(body)} bytes ({n} components)")
PY
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/{print $2}') GiB RAM, load average $(cut -d' ' -f1-3 /proc/loadavg), dotnet $(dotnet --version)"
log=$(mktemp)
set +e
/usr/bin/time -v dotnet "$dll" verify --archive "$work/archive" --concurrency 16 --quiet --json "$work/report.json" >"$work/out.txt" 2>"$log"
rc=$?
set -e
kib=$(awk -F': ' '/Maximum resident set size/{print $2}' "$log")
wall=$(awk -F': ' '/Elapsed \(wall clock\)/{print $2}' "$log")
problems=$(python3 -c "import json,sys,collections; r=json.load(open(sys.argv[1])); print(len(r['problems']), dict(collections.Counter(p['kind'] for p in r['problems'])), (r['problems'] or [{'message':''}])[0]['message'][:300])" "$work/report.json" 2>/dev/null || echo "no report")
echo "verify --concurrency 16: exit $rc, peak RSS $((kib / 1024)) MiB, wall $wall"
echo "problems: $problems"
grep -m3 -i "out of memory\|unhandled" "$log" "$work/out.txt" || true
rm -f "$log"
