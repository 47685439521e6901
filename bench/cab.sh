#!/usr/bin/env bash
# Compares `ohotfix cab` with cabextract and gcab on this machine, in one run,
# and prints time/size ratios (> 1 means ohotfix is faster / smaller):
#  (a) single-folder decoding to /dev/null: `ohotfix cab extract -p` vs
#      `cabextract -p` for the MSZIP, LZX:15 and LZX:21 2 GiB members of
#      large-files.cab (itself inside cabextract's large-files-cab.cab);
#  (b) extracting all of large-files.cab (6 GiB, 3 folders) into /dev/shm;
#  (c) writing a ~200 MB mixed corpus with `ohotfix cab create --compress
#      mszip` vs `gcab -c -z` (time and size).
# Peak RSS of every run is printed too (target: ohotfix < 64 MiB).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN=$ROOT/bin/ohotfix
[[ -x $BIN ]] || go build -o "$BIN" ./cmd/ohotfix
for tool in cabextract gcab /usr/bin/time; do
	command -v "$tool" >/dev/null || { echo "bench/cab.sh: $tool missing (apt-get install cabextract gcab time)"; exit 1; }
done
CORPUS=${CAB_CORPUS:-$ROOT/../shared/testdata/cab/cabextract-tests/cabs}
OUTER=$CORPUS/large-files-cab.cab
[[ -f $OUTER ]] || { echo "bench/cab.sh: $OUTER not found"; exit 1; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/cabbench.XXXXXX")
SHM=""
cleanup() { rm -rf "$WORK" ${SHM:+"$SHM"}; }
trap cleanup EXIT

# shellcheck source=lib/measure.sh
source "$(dirname "$0")/lib/measure.sh"

echo "# ohotfix cab vs cabextract $(cabextract --version | head -1 | awk '{print $NF}') / gcab $(gcab --version 2>&1 | awk '{print $NF}'), $(nproc) cores"
"$BIN" cab extract -q -d "$WORK" "$OUTER"
LARGE=$WORK/large-files.cab

echo "## (a) single folder to /dev/null (2 GiB each)"
for member in mszip-2gb.txt lzx15-2gb.txt lzx21-2gb.txt; do
	measure "ohotfix  -p $member" "$BIN" cab extract -p --filter "$member" "$LARGE"; a=$SECS
	measure "cabextract -p $member" cabextract -p -F "$member" "$LARGE"; b=$SECS
	echo "  ratio cabextract/ohotfix ($member): $(ratio "$b" "$a")"
done

echo "## (b) extract all of large-files.cab into /dev/shm (6 GiB, 3 folders)"
avail=$(df -k --output=avail /dev/shm | tail -1)
if (( avail < 7 * 1024 * 1024 )); then
	echo "  skipped: /dev/shm has only $((avail / 1024)) MiB free (needs 7 GiB)"
else
	SHM=$(mktemp -d /dev/shm/cabbench.XXXXXX)
	AFTER_EACH='rm -rf "$SHM/o"'
	measure "ohotfix cab extract -d" "$BIN" cab extract -q -d "$SHM/o" "$LARGE"; a=$SECS
	AFTER_EACH='rm -rf "$SHM/c"; mkdir -p "$SHM/c"'
	mkdir -p "$SHM/c"
	measure "cabextract -d" cabextract -q -d "$SHM/c" "$LARGE"; b=$SECS
	unset AFTER_EACH
	rm -rf "$SHM/c"
	echo "  ratio cabextract/ohotfix (extract all): $(ratio "$b" "$a")"
fi

echo "## (c) create from a ~200 MB mixed corpus (text, Go sources, binaries, libraries)"
SRC=$WORK/src
mkdir -p "$SRC"
# Deterministic selection: sorted lists, copied until each share is full.
take() { # DIR SHARE_MB DEST
	local budget=$(( $2 * 1024 * 1024 )) used=0
	while IFS= read -r -d '' f; do
		local sz; sz=$(stat -c %s "$f")
		(( used + sz > budget )) && continue
		local rel=${f#"$1"/}
		mkdir -p "$3/$(dirname "$rel")"; cp "$f" "$3/$rel"; used=$((used + sz))
		(( used > budget - 65536 )) && break
	done < <(find "$1" -type f -size -64M -print0 | sort -z)
}
take /usr/local/go/src 90 "$SRC/gosrc"
take /usr/share/doc 30 "$SRC/doc"
take /usr/local/go/pkg 40 "$SRC/gopkg"
take /usr/lib/x86_64-linux-gnu 40 "$SRC/lib"
TOTAL=$(du -sb "$SRC" | cut -f1)
NFILES=$(find "$SRC" -type f | wc -l)
echo "  corpus: $((TOTAL / 1024 / 1024)) MiB in $NFILES files"
# Both tools get the same file list on their command line (one invocation).
cd "$SRC"
mapfile -t FILES < <(find . -type f | sed 's|^\./||' | sort)
measure "ohotfix cab create --compress mszip" "$BIN" cab create -o "$WORK/o.cab" --compress mszip "${FILES[@]}"; a=$SECS
measure "gcab -c -z" gcab -c -z "$WORK/g.cab" "${FILES[@]}"; b=$SECS
cd "$ROOT"
so=$(stat -c %s "$WORK/o.cab"); sg=$(stat -c %s "$WORK/g.cab")
echo "  sizes: ohotfix $so B, gcab $sg B (ohotfix/gcab = $(ratio "$so" "$sg"))"
echo "  ratio gcab/ohotfix (create time): $(ratio "$b" "$a")"
if cabextract -t -q "$WORK/o.cab" >/dev/null 2>&1; then echo "  cabextract -t on our cabinet: OK"; else echo "  cabextract -t on our cabinet: FAILED"; fi
