#!/usr/bin/env bash
# Go benchmarks of every format and engine package, then the comparisons with
# the peer tools (cabextract, gcab, msidump …), each printing ratios.
set -uo pipefail
cd "$(dirname "$0")/.."
OHOTFIX_NO_WINE=1 ./scripts/deps.sh
# Everything printed below is also kept in bench/results.md, with the date
# and the machine, so the README's Performance figures have a source anyone
# can regenerate.
out=bench/results.md
tmp=$(mktemp bench/.results.XXXXXX)
trap 'rm -f "$tmp"' EXIT
{
	echo "# make bench — $(date -u +%Y-%m-%d)"
	echo
	echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//'), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo 2>/dev/null); $(go version | cut -d' ' -f3-4); ohotfix $(git describe --tags --always --dirty 2>/dev/null)"
	echo
	echo '```'
} >"$tmp"
exec > >(tee -a "$tmp") 2>&1
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

exec >&- 2>&-
wait # for tee
echo '```' >>"$tmp"
chmod 644 "$tmp"
mv "$tmp" "$out"
