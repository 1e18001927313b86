#!/usr/bin/env bash
# Regenerates the shell transcripts of README.md with the current command (see scripts/readme_examples.py);
# tests/Stellar.HistoryWork.Cli.Tests/Readme checks them with --check.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
dotnet build "$root/samples/Stellar.HistoryWork.Cli" -c Release -nologo -v q >/dev/null
python3 "$root/scripts/readme_examples.py" --write "$@"
