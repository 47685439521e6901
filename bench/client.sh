#!/usr/bin/env bash
# Client patching under Wine: `ohotfix.exe /q` applying the demo patch
# through Wine's msi.dll vs `wine msiexec /p P.msp /qn` for the same patch on
# the same product (wixl-built demo v1), each run on a fresh install in a
# fresh prefix. Prints both medians of RUNS (default 5) and the ratio
# (target <= 1.25). Needs wine, mingw-w64 and wixl.
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${RUNS:-5}
for t in wine wixl x86_64-w64-mingw32-gcc; do
	command -v "$t" >/dev/null || { echo "bench/client.sh: $t missing (apt-get install wine wixl mingw-w64)" >&2; exit 1; }
done
echo "== client patch under Wine: ohotfix.exe /q vs wine msiexec /p, $RUNS runs each"
OHOTFIX_CLIENT_BENCH=$RUNS go test -count=1 -run '^TestClientBenchVsMsiexec$' -timeout 30m -v ./cmd/ohotfix/ 2>&1 |
	grep -E '^(client patch|ok|FAIL|---)|run [0-9]+:|Error|error' || true
