#!/usr/bin/env bash
# Compares ArchiveVerifier over a local archive with the reference node's way of checking the same
# files: `gzip -dc FILE | sha256sum`, one pipeline per core (xargs -P $(nproc)).
# Usage: scripts/bench-verify.sh [ARCHIVE_DIR] [FROM_LEDGER]   (default: the bundled testnet archive)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
archive=${1:-$root/tests/fixtures/archives/testnet-2025-small}
from=${2:-}
project=$root/tests/benchmarks/Stellar.HistoryWork.Benchmarks

dotnet build -c Release "$project" -v q -nologo >/dev/null
dll=$(find "$project/bin/Release" -name Stellar.HistoryWork.Benchmarks.dll | head -1)

files=$(find "$archive" -name '*.xdr.gz' | wc -l)
compressed=$(find "$archive" -name '*.xdr.gz' -print0 | du -cb --files0-from=- | tail -1 | cut -f1)
echo "archive: $archive ($files .xdr.gz files, $compressed compressed bytes), $(nproc) cores"

# Warm the page cache so both runs read from memory.
find "$archive" -type f -print0 | xargs -0 cat >/dev/null

start=$(date +%s.%N)
find "$archive" -name '*.xdr.gz' -print0 | xargs -0 -P "$(nproc)" -n 1 sh -c 'gzip -dc "$0" | sha256sum >/dev/null'
end=$(date +%s.%N)
reference=$(echo "$end - $start" | bc -l)

ours_line=$(dotnet "$dll" verify-archive "$archive" $from)
ours=$(echo "$ours_line" | sed -n 's/.*seconds=\([0-9.]*\).*/\1/p')

echo "reference (gzip -dc | sha256sum, -P $(nproc)): ${reference} s"
echo "ArchiveVerifier: ${ours} s  ($ours_line)"
echo "speed-up: $(echo "$reference / $ours" | bc -l | cut -c1-5)x (target: >= 2x)"
