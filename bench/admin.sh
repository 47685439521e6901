#!/usr/bin/env bash
# Administrative image patching vs the physical floor.
#
# Builds (wixl) a product of FILES files totalling MB MiB (default 5000 files /
# 500 MiB) and a v2 in which every 10th file changed, makes the patch with
# patch.Create and an admin image of v1 with admin.Create, then times
# admin.ApplyPatch (what `ohotfix admin patch` runs: lock, recovery check,
# transforms, staging, journal, fsync, switch-over, cleanup) on fresh
# hard-linked copies of the image, against the floor: `cabextract` of the
# patch's cabinet into a folder plus `cp` of the image database.
# Prints both and the ratio (target <= 1.5x). Data goes to /dev/shm when it
# has room (else $TMPDIR); needs about 3.5x MB of free space.
set -euo pipefail
cd "$(dirname "$0")/.."
FILES=${FILES:-5000}
MB=${MB:-500}
RUNS=${RUNS:-3}
for t in wixl cabextract; do
	command -v "$t" >/dev/null || { echo "bench/admin.sh: $t missing (apt-get install $t)" >&2; exit 1; }
done
need_kb=$((MB * 1024 * 7 / 2))
dir=""
for cand in /dev/shm "${TMPDIR:-/tmp}"; do
	[[ -d $cand && -w $cand ]] || continue
	avail=$(df -Pk "$cand" | awk 'NR==2 {print $4}')
	if ((avail > need_kb)); then dir=$cand; break; fi
	echo "bench/admin.sh: $cand has $((avail / 1024)) MiB free, need $((need_kb / 1024)) MiB" >&2
done
[[ -n $dir ]] || { echo "bench/admin.sh: no folder with enough space" >&2; exit 1; }
echo "== admin patch: $FILES files / $MB MiB image in $dir, patch touching every 10th file, $RUNS runs"
OHOTFIX_ADMIN_BENCH_FILES=$FILES OHOTFIX_ADMIN_BENCH_MB=$MB OHOTFIX_ADMIN_BENCH_DIR=$dir \
	go test -run '^$' -bench '^BenchmarkApplyPatch$' -benchtime "${RUNS}x" -timeout 60m ./installer/admin/ 2>&1 |
	grep -E '^(admin patch|BenchmarkApplyPatch|ok|FAIL|---)|Error|error' || true
