#!/usr/bin/env bash
# Adds every public symbol the build reports as undeclared (RS0016) to PROJECT_DIR/PublicAPI.Unshipped.txt
# and drops lines for symbols that no longer exist (RS0017). Use after an intended change of the public
# surface (e.g. regenerating the XDR types); review the diff like any other change.
set -euo pipefail
dir=${1:?usage: scripts/update-public-api.sh src/PROJECT}
proj=$(ls "$dir"/*.csproj)
log=$(mktemp)
trap 'rm -f "$log"' EXIT
dotnet build "$proj" -c Release --no-incremental >"$log" 2>&1 || true
python3 - "$dir/PublicAPI.Unshipped.txt" "$log" <<'PY'
import re, sys
path, log = sys.argv[1], open(sys.argv[2]).read()
added = set(re.findall(r"error RS0016: Symbol '(.*?)' is not part of the declared public API", log))
removed = set(re.findall(r"error RS0017: Symbol '(.*?)' is part of the declared API, but is either not public or could not be found", log))
lines = [l for l in open(path).read().splitlines() if l.strip()]
head = [l for l in lines if l.startswith('#')]
body = (set(l for l in lines if not l.startswith('#')) | added) - removed
open(path, 'w').write('\n'.join(head + sorted(body, key=str.lower)) + '\n')
print(f"{path}: +{len(added)} -{len(removed)}")
PY
