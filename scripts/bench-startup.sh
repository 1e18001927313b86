#!/usr/bin/env bash
# Start-up of the installed `stellar-history` tool, as whole processes (DESIGN.md §4 "start-up counts"):
# packs the command twice — IL only (PublishReadyToRun=false: what a RID-agnostic tool package can carry) and as
# shipped (ReadyToRun, RID-specific tool package) — installs each with `dotnet tool install --tool-path`, and times
# `status` and `verify` of the bundled testnet archive with hyperfine (user + sys CPU seconds beside wall time).
# Usage: [RUNS=10] scripts/bench-startup.sh   (needs hyperfine: apt-get install hyperfine)
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
runs=${RUNS:-10}
archive=$root/tests/fixtures/archives/testnet-2025-small
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '<?xml version="1.0" encoding="utf-8"?>\n<configuration><packageSources><clear /></packageSources></configuration>\n' > "$work/nuget.config"

install() { # install NAME PACK_ARGS…: packs into $work/NAME-pkg, installs into $work/NAME
  local name=$1; shift
  dotnet pack "$root/samples/Stellar.HistoryWork.Cli" -c Release -nologo -v q --artifacts-path "$work/$name-artifacts" -o "$work/$name-pkg" "$@" >/dev/null
  dotnet tool install Stellar.HistoryWork.Cli --tool-path "$work/$name" --configfile "$work/nuget.config" --add-source "$work/$name-pkg" >/dev/null
  echo "$name: $(du -cb "$work/$name-pkg"/*.nupkg | tail -1 | cut -f1) bytes of packages"
}

echo "machine: $(nproc) cores, load average $(cut -d' ' -f1-3 /proc/loadavg), dotnet $(dotnet --version)"
install il -p:PublishReadyToRun=false
install r2r
for verb in "status --archive $archive" "verify --archive $archive --quiet"; do
  hyperfine -N --warmup 1 --runs "$runs" --export-json "$work/times.json" \
    -n "IL: stellar-history ${verb%% *}" "$work/il/stellar-history $verb" \
    -n "ReadyToRun: stellar-history ${verb%% *}" "$work/r2r/stellar-history $verb" >&2
  jq -r '.results[] | "| \(.command) | \(.mean * 1000 | round) ± \(.stddev * 1000 | round) ms | \(.user * 1000 | round) ms | \(.system * 1000 | round) ms |"' "$work/times.json"
done
