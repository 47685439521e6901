#!/usr/bin/env bash
# Delta patches against whole-file patches, in one run.
#
# Builds (wixl) a product of three large files (5 MiB of random bytes,
# 3 MiB and 2 MiB of log-like text) and a v2 in which each file got a few
# small edits and an inserted line, then:
#  - times `ohotfix patch create` (whole files) and `patch create --delta`
#    and prints both .msp sizes and their ratio (target: whole / delta >= 10);
#  - totals `zstd -19 --long=27 --patch-from` of the same three pairs, for
#    scale (the best general delta tool, not an .msp);
#  - times `ohotfix admin patch` of each .msp onto an admin image of v1
#    (the delta one rebuilds the files from the image's own).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BIN=$ROOT/bin/ohotfix
go build -o "$BIN" ./cmd/ohotfix
for t in wixl python3 bc; do
	command -v "$t" >/dev/null || { echo "bench/deltapatch.sh: $t missing (apt-get install $t)" >&2; exit 1; }
done
WORK=$(mktemp -d "${TMPDIR:-/tmp}/deltapatchbench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
python3 - <<'PY'
import os, random
def text(n, seed):
    r = random.Random(seed); out = []; size = 0; i = 0
    while size < n:
        line = f"{i:08d} {r.getrandbits(64):x} event={r.randrange(50)} user=u{r.randrange(1000)} status=ok\n"
        out.append(line); size += len(line); i += 1
    return ''.join(out).encode()[:n]
r = random.Random(17)
v1 = {'random.bin': r.randbytes(5 << 20), 'text.log': text(3 << 20, 1), 'other.log': text(2 << 20, 2)}
def edit(b):
    b = bytearray(b)
    for at in range(100_000, len(b), 700_000):
        b[at:at+6] = b'EDITED'
    mid = len(b) // 2
    return bytes(b[:mid]) + b'a line inserted in version 2\n' + bytes(b[mid:])
for v, files in ((1, v1), (2, {k: edit(b) for k, b in v1.items()})):
    os.makedirs(f'src{v}', exist_ok=True)
    for k, b in files.items():
        open(f'src{v}/{k}', 'wb').write(b)
    key = {0: "KeyPath='yes'"}
    comps = ''.join(f"<File Id='F{i}' Name='{k}' Source='src{v}/{k}' {key.get(i, '')}/>" for i, k in enumerate(sorted(files)))
    open(f'v{v}.wxs', 'w').write(f"""<?xml version='1.0' encoding='utf-8'?>
<Wix xmlns='http://schemas.microsoft.com/wix/2006/wi'>
<Product Name='Delta Bench' Id='9C0FFEE0-5678-4BBB-8CCC-000000000001' UpgradeCode='9C0FFEE0-5678-4BBB-8CCC-000000000002'
 Language='1033' Codepage='1252' Version='1.0.{v - 1}' Manufacturer='Bench Co'>
<Package InstallerVersion='300' Compressed='yes'/>
<Media Id='1' Cabinet='bench.cab' EmbedCab='yes'/>
<Directory Id='TARGETDIR' Name='SourceDir'><Directory Id='ProgramFilesFolder'><Directory Id='INSTALLDIR' Name='DeltaBench'>
<Component Id='C' Guid='9C0FFEE0-5678-4BBB-8CCC-000000000003'>{comps}</Component>
</Directory></Directory></Directory>
<Feature Id='Main' Level='1'><ComponentRef Id='C'/></Feature>
</Product></Wix>""")
PY
wixl -o v1.msi v1.wxs
wixl -o v2.msi v2.wxs
secs() { local s e; s=$(date +%s.%N); "$@" >/dev/null; e=$(date +%s.%N); echo "$e - $s" | bc; }
echo "== delta .msp vs whole-file .msp: 3 files, 10 MiB, small edits in each"
tw=$(secs "$BIN" patch create --target v1.msi --upgraded v2.msi -o whole.msp)
td=$(secs "$BIN" patch create --delta --target v1.msi --upgraded v2.msi -o delta.msp)
ws=$(stat -c %s whole.msp); ds=$(stat -c %s delta.msp)
printf 'patch create          %.3f s   whole-file .msp %d bytes\n' "$tw" "$ws"
printf 'patch create --delta  %.3f s   delta .msp      %d bytes\n' "$td" "$ds"
printf 'size ratio whole/delta %.1f (target >= 10)\n' "$(echo "$ws / $ds" | bc -l)"
if command -v zstd >/dev/null; then
	z=0
	for f in random.bin text.log other.log; do
		zstd -q -19 --long=27 --patch-from="src1/$f" "src2/$f" -o "$f.zst" -f 2>/dev/null
		z=$((z + $(stat -c %s "$f.zst")))
	done
	echo "zstd -19 --long=27 --patch-from, same three pairs: $z bytes of patches (no .msp around them)"
fi
for m in whole delta; do
	rm -rf "img-$m"
	"$BIN" admin create v1.msi -d "img-$m" >/dev/null
	printf 'admin patch (%s)     %.3f s\n' "$m" "$(secs "$BIN" admin patch "img-$m/v1.msi" "$m.msp")"
done
for f in random.bin text.log other.log; do cmp "img-whole/DeltaBench/$f" "img-delta/DeltaBench/$f"; done && echo "both images hold the same files"
