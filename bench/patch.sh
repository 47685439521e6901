#!/usr/bin/env bash
# Patch creation vs the cabinet floor.
#
# Builds (wixl) a product of FILES files totalling about MB MiB and a v2 in
# which every 10th file changed (plus ProductVersion), then times
# `ohotfix patch create` (diff of both databases, reading every file of both
# packages from their embedded cabinets to find the changed ones, the two
# transforms, the MSZIP cabinet of the changed files, the .msp) against
# `gcab -c -z` of just the changed files. Prints both times, the time ratio
# (ohotfix / gcab; the floor is the cabinet alone, so > 1 is expected) and
# the size ratio of our patch cabinet to gcab's cabinet of the same files.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
FILES=${FILES:-1000}
MB=${MB:-50}
RUNS=${RUNS:-3}
for t in wixl gcab python3; do
	command -v "$t" >/dev/null || { echo "bench/patch.sh: $t missing (apt-get install $t)" >&2; exit 1; }
done
BIN=$ROOT/bin/ohotfix
go build -o "$BIN" ./cmd/ohotfix
WORK=$(mktemp -d "${TMPDIR:-/tmp}/patchbench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
python3 - "$FILES" "$MB" <<'PY'
import os, random, sys
files, mb = int(sys.argv[1]), int(sys.argv[2])
size = mb * 1024 * 1024 // files
words = [''.join(random.Random(i).choice('abcdefghijklmnopqrstuvwxyz') for _ in range(3 + i % 7)) for i in range(4096)]
def content(i, v2):
    r = random.Random(i * 2 + (1 if v2 and i % 10 == 0 else 0))
    out, n = [], 0
    while n < size:
        w = words[r.randrange(len(words))]
        out.append(w); n += len(w) + 1
    return (' '.join(out))[:size].encode()
for v in (1, 2):
    os.makedirs(f'src{v}', exist_ok=True)
    comps, refs = [], []
    for i in range(files):
        with open(f'src{v}/f{i:05d}.txt', 'wb') as f:
            f.write(content(i, v == 2))
        comps.append(f"<Component Id='C{i}' Guid='9C0FFEE0-AAAA-4BBB-8CCC-{i:012d}'><File Id='F{i}' Name='f{i:05d}.txt' Source='src{v}/f{i:05d}.txt' KeyPath='yes'/></Component>")
        refs.append(f"<ComponentRef Id='C{i}'/>")
    with open(f'v{v}.wxs', 'w') as f:
        f.write(f"""<?xml version='1.0' encoding='utf-8'?>
<Wix xmlns='http://schemas.microsoft.com/wix/2006/wi'>
<Product Name='Patch Bench' Id='9C0FFEE0-1234-4BBB-8CCC-000000000001' UpgradeCode='9C0FFEE0-1234-4BBB-8CCC-000000000002'
 Language='1033' Codepage='1252' Version='1.0.{v - 1}' Manufacturer='Bench Co'>
<Package InstallerVersion='300' Compressed='yes'/>
<Media Id='1' Cabinet='bench.cab' EmbedCab='yes'/>
<Directory Id='TARGETDIR' Name='SourceDir'><Directory Id='ProgramFilesFolder'><Directory Id='INSTALLDIR' Name='PatchBench'>
{''.join(comps)}
</Directory></Directory></Directory>
<Feature Id='Main' Level='1'>{''.join(refs)}</Feature>
</Product></Wix>""")
PY
wixl -o v1.msi v1.wxs
wixl -o v2.msi v2.wxs
changed=$(ls src2 | awk -v n="$FILES" 'NR % 10 == 1')
echo "== patch create: $FILES files, ~$MB MiB, $(echo "$changed" | wc -l) changed files, best of $RUNS runs"
best() { sort -n | head -1; }
ours=$(for _ in $(seq "$RUNS"); do
	s=$(date +%s.%N); "$BIN" patch create --target v1.msi --upgraded v2.msi -o p.msp >create.txt; e=$(date +%s.%N)
	echo "$e - $s" | bc
done | best)
gc=$(for _ in $(seq "$RUNS"); do
	rm -f g.cab; s=$(date +%s.%N); (cd src2 && gcab -c -z ../g.cab $changed); e=$(date +%s.%N)
	echo "$e - $s" | bc
done | best)
ourcab=$(sed -n 's/.*cabinet [^ ]* (\([0-9]*\) bytes for \([0-9]*\) bytes.*/\1 \2/p' create.txt)
set -- $ourcab
printf 'ohotfix patch create  %.3f s   (cabinet %d bytes for %d bytes of files; .msp %d bytes)\n' "$ours" "$1" "$2" "$(stat -c %s p.msp)"
printf 'gcab -c -z (changed)  %.3f s   (cabinet %d bytes)\n' "$gc" "$(stat -c %s g.cab)"
printf 'time ratio ohotfix/gcab %.2f, cabinet size ratio %.3f\n' "$(echo "$ours / $gc" | bc -l)" "$(echo "$1 / $(stat -c %s g.cab)" | bc -l)"
