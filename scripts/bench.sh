#!/usr/bin/env bash
# Go benchmarks of every format and engine package, then the comparisons with
# the peer tools (cabextract, gcab, msidump …), each printing ratios.
set -uo pipefail
cd "$(dirname "$0")/.."
OHOTFIX_NO_WINE=1 ./scripts/deps.sh
echo "== Go benchmarks"
go test -run '^$' -bench . -benchmem -benchtime "${BENCHTIME:-1x}" ./... 2>&1 | grep -E '^(Benchmark|ok|FAIL|---)' || true
for s in bench/*.sh; do
	[[ -f "$s" ]] || continue
	echo "== $s"
	bash "$s" || echo "bench: $s failed"
done
echo "== startup: ohotfix version"
if command -v hyperfine >/dev/null; then
	hyperfine -N --warmup 5 --runs 50 'bin/ohotfix version'
else
	python3 - <<'PY'
import subprocess, time
runs = []
for _ in range(50):
    t = time.perf_counter(); subprocess.run(["bin/ohotfix", "version"], stdout=subprocess.DEVNULL); runs.append(time.perf_counter() - t)
runs.sort()
print(f"ohotfix version: median {runs[len(runs)//2]*1000:.2f} ms, min {runs[0]*1000:.2f} ms over {len(runs)} runs (target < 15 ms)")
PY
fi
