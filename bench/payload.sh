#!/usr/bin/env bash
# Patch executables: a packed ohotfix reaches its first pre-flight check
# within the time its payload takes to extract + 50 ms.
#
# Builds (wixl) the demo product v1/v2, the patch and an admin image of v1,
# packs ohotfix.ini + the patch + a filler of MB MiB (random, default 64:
# extraction has something to do) into a Linux-stub package, then times,
# RUNS times each: `PKG /extract:DIR` (process start to exit: open, verify
# and extract) and `PKG /q /log:FILE` from process start to the timestamp
# of the first "check" line of its log. Prints both medians and the margin
# (target: first check <= extract + 50 ms).
set -euo pipefail
cd "$(dirname "$0")/.."
MB=${MB:-64}
RUNS=${RUNS:-15}
bin=$PWD/bin/ohotfix
[[ -x $bin ]] || go build -o "$bin" ./cmd/ohotfix
command -v wixl >/dev/null || { echo "bench/payload.sh: wixl missing (apt-get install wixl)" >&2; exit 1; }
dir=$(mktemp -d "${TMPDIR:-/tmp}/ohotfix-bench-payload.XXXXXX")
trap 'rm -rf "$dir"' EXIT
cd "$dir"
mkdir v1 v2 updates
for v in v1 v2; do
	printf 'Contoso Demo Suite %s\n' "$v" > $v/application.txt
	head -c 200000 /dev/zero | tr '\0' "${v:1:1}" > $v/engine.dat
	printf 'Read me.\n' > $v/readme.txt
	printf 'License.\n' > $v/license.txt
done
wixl -D Version=1.0.0 -D Src=v1 -o v1.msi "$OLDPWD/examples/demo/product.wxs" 2>/dev/null
wixl -D Version=1.0.1 -D Src=v2 -o v2.msi "$OLDPWD/examples/demo/product.wxs" 2>/dev/null
"$bin" patch create --target v1.msi --upgraded v2.msi -o updates/fix.msp --sequence Demo:1.0.1 >/dev/null
"$bin" admin create v1.msi -d image >/dev/null
head -c $((MB << 20)) /dev/urandom > updates/filler.cab
printf '[OHotfix]\nIsNormalUpdate=0\nAdminPath=%s\nOHotfixUILevel=q\nCopyFilesToRerun=0\n' "$dir/image/v1.msi" > updates/ohotfix.ini
"$bin" pack updates -o contoso-fix >/dev/null
echo "== payload: $(stat -c %s contoso-fix) bytes package (ohotfix.ini, fix.msp, ${MB} MiB filler), $RUNS runs each"
python3 - "$dir" "$RUNS" <<'PY'
import os, subprocess, sys, time, datetime, statistics, shutil
d, runs = sys.argv[1], int(sys.argv[2])
exe = os.path.join(d, "contoso-fix")
env = dict(os.environ, TMPDIR=d)
def stamp(line):
    return datetime.datetime.strptime(line[:23], "%Y-%m-%d %H:%M:%S.%f").timestamp()
ext, chk, gap = [], [], []
for i in range(runs):
    x = os.path.join(d, f"x{i}")
    t = time.time()
    subprocess.run([exe, "/extract:" + x], stdout=subprocess.DEVNULL, check=True, env=env)
    ext.append(time.time() - t)
    shutil.rmtree(x)
    log = os.path.join(d, f"run{i}.log")
    t = time.time()
    subprocess.run([exe, "/q", "/log:" + log], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env)
    lines = open(log).readlines()
    first = next(l for l in lines if "  INFO  check  " in l)
    chk.append(stamp(first) - t)
    gap.append(stamp(first) - stamp(lines[0]))  # log opened (payload extracted) -> first check
ms = lambda v: v * 1000
e, c = min(ext), min(chk)
print(f"extract (/extract:DIR, process start to exit): best {ms(e):.1f} ms, median {ms(statistics.median(ext)):.1f} ms")
print(f"first pre-flight check (/q, process start to first check in the log): best {ms(c):.1f} ms, median {ms(statistics.median(chk)):.1f} ms")
print(f"  of which after extraction (first log line to first check): median {ms(statistics.median(gap)):.1f} ms")
print(f"first check - extract, best of {runs}: {ms(c - e):+.1f} ms (target <= +50 ms): {'ok' if c - e <= 0.050 else 'OVER'}")
PY
