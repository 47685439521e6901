#!/usr/bin/env bash
# Compares `ohotfix delta create` with `zstd -19 --long=27 --patch-from=OLD`
# on the same old/new pairs, in one run, and prints ratios:
#  - sizes: our delta / zstd's patch per pair and in total (target <= 2);
#  - create time: zstd / ohotfix (target >= 1: ours no slower);
#  - peak RSS of `ohotfix delta create` against old + new + 64 MiB;
#  - decoding: LZXD delta decoding of each new file against our LZX cabinet
#    decoding (CAB LZX:21) of the same file, both in-process through the
#    shared decoder core (Go benchmark BenchmarkDeltaVersusCab; target
#    lzxd / cab >= 0.8), and `ohotfix delta apply` wall time.
# Pairs (deterministic edits, see mkpair): edited Go source text, an x64 PE
# (Wine's shell32.dll) with scattered edits and an insert, random data with
# edits and a cut, a pair near the 32 MiB window, and a small x64 PE.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN=$ROOT/bin/ohotfix
[[ -x $BIN ]] || go build -o "$BIN" ./cmd/ohotfix
for tool in zstd python3 /usr/bin/time; do
	command -v "$tool" >/dev/null || { echo "bench/delta.sh: $tool missing (apt-get install zstd python3 time)"; exit 1; }
done
WORK=$(mktemp -d "${TMPDIR:-/tmp}/deltabench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT

MEASURE_INDENT="    " MEASURE_WIDTH=28
# shellcheck source=lib/measure.sh
source "$(dirname "$0")/lib/measure.sh"

# mkpair NAME SRC EDITS INSERT CUT MAXOLD [MAXNEW]: OLD = SRC (first MAXOLD
# bytes), NEW = OLD with EDITS scattered 1..6-byte changes, INSERT bytes
# (copied from elsewhere, lightly changed) inserted in the middle, CUT bytes
# removed near the end, truncated to MAXNEW.
mkpair() {
	python3 - "$WORK/$1" "$2" "$3" "$4" "$5" "$6" "${7:-0}" <<'PY'
import random, sys
out, src, edits, ins, cut, maxold, maxnew = sys.argv[1], sys.argv[2], *map(int, sys.argv[3:])
r = random.Random(42)
old = open(src, 'rb').read()[:maxold]
new = bytearray(old)
for _ in range(edits):
    i = r.randrange(len(new) - 8)
    for k in range(r.randrange(1, 7)):
        new[i + k] = r.randrange(256)
if ins:
    at, frm = len(new) // 2, r.randrange(len(new) - ins)
    chunk = bytearray(new[frm:frm + ins])
    for k in range(0, len(chunk), 97):
        chunk[k] = r.randrange(256)
    new[at:at] = chunk
if cut:
    at = len(new) - len(new) // 5
    del new[at:at + cut]
if maxnew:
    new = new[:maxnew]
open(out + '.old', 'wb').write(old)
open(out + '.new', 'wb').write(new)
PY
}

# Sources: Go's own sources as text; Wine's x64 DLLs as PE files.
GOSRC=$(go env GOROOT)/src
python3 - "$WORK/text.src" "$GOSRC/net/http" "$GOSRC/runtime" <<'PY'
import os, sys
out, dirs, data = sys.argv[1], sys.argv[2:], bytearray()
for d in dirs:
    for name in sorted(os.listdir(d)):
        if name.endswith('.go') and len(data) < 6000000:
            data += open(os.path.join(d, name), 'rb').read()
open(out, 'wb').write(data[:6000000])
PY
python3 -c "import random, sys; sys.stdout.buffer.write(random.Random(1).randbytes(8388608))" >"$WORK/random.src"
DLLS=$(ls -d /usr/lib/*/wine/x86_64-windows 2>/dev/null | head -1)
PAIRS=(text random)
mkpair text "$WORK/text.src" 300 2000 5000 100000000
mkpair random "$WORK/random.src" 100 0 1048576 100000000
if [[ -n $DLLS ]]; then
	mkpair pe-shell32 "$DLLS/shell32.dll" 300 65536 0 15000000
	mkpair near-32MiB "$DLLS/wined3d.dll" 200 5000 60000 16777216 $((32 * 1048576 - 16777216 - 40000))
	mkpair pe-msi "$DLLS/msi.dll" 100 4096 0 100000000
	PAIRS+=(pe-shell32 near-32MiB pe-msi)
else
	echo "note: Wine's x64 DLLs not found (Debian package wine64): PE pairs skipped"
fi

echo "# ohotfix delta vs $(zstd --version | head -1 | sed 's/^\*\*\* //; s/ \*\*\*.*//'), $(nproc) cores"
TOTAL_OURS=0 TOTAL_ZSTD=0
for p in "${PAIRS[@]}"; do
	old=$WORK/$p.old new=$WORK/$p.new
	so=$(stat -c %s "$old") sn=$(stat -c %s "$new")
	echo "## $p: old $so B, new $sn B"
	measure "ohotfix delta create" "$BIN" delta create "$old" "$new" -o "$WORK/$p.delta"; a=$SECS; rss=$RSS_KB
	measure "zstd -19 --long=27" zstd -q -f -19 --long=27 --patch-from="$old" "$new" -o "$WORK/$p.zst"; b=$SECS
	do=$(stat -c %s "$WORK/$p.delta") dz=$(stat -c %s "$WORK/$p.zst")
	TOTAL_OURS=$((TOTAL_OURS + do)) TOTAL_ZSTD=$((TOTAL_ZSTD + dz))
	limit=$(( (so + sn) / 1024 + 65536 ))
	echo "    sizes: ohotfix $do B, zstd $dz B (ohotfix/zstd = $(ratio "$do" "$dz"))"
	echo "    create time zstd/ohotfix: $(ratio "$b" "$a")"
	echo "    create peak RSS: $rss KiB (limit old+new+64 MiB = $limit KiB): $( (( rss <= limit )) && echo OK || echo OVER)"
	measure "ohotfix delta apply" "$BIN" delta apply "$old" "$WORK/$p.delta" -o "$WORK/$p.out"
	cmp -s "$WORK/$p.out" "$new" && echo "    apply: output equals NEW" || echo "    apply: OUTPUT DIFFERS"
	OHOTFIX_BENCH_OLD=$old OHOTFIX_BENCH_NEW=$new go test -run '^$' -bench 'DeltaVersusCab' -benchtime "${BENCHTIME:-3x}" ./cab/lzx 2>/dev/null |
		awk '/lzxd-2|lzxd /{d=$(NF-3)} /cab-lzx21/{c=$(NF-3)} /Benchmark/{printf "    %s\n", $0} END{if (c>0) printf "    decode MB/s lzxd/cab = %.2f\n", d/c}'
done
echo "## total: ohotfix $TOTAL_OURS B, zstd $TOTAL_ZSTD B (ohotfix/zstd = $(ratio "$TOTAL_OURS" "$TOTAL_ZSTD"), target <= 2)"
