#!/usr/bin/env bash
# make demo: the main job on a built-in example, end to end, on this machine.
#   1. build a small product v1 and v2 (wixl, from examples/demo/product.wxs)
#   2. make a patch v1 → v2 with `ohotfix patch create`
#   3. make an administrative image of v1 with `ohotfix admin create`
#   4. run the bootstrapper in admin mode against it (as OHotfix did) and show
#      the plan, the before/after of the image, the logs and the exit code
#   5. run it again: the patch is already applied, nothing changes
set -euo pipefail
cd "$(dirname "$0")/.."
OHOTFIX_NO_WINE=1 ./scripts/deps.sh
bin=$PWD/bin/ohotfix
[[ -x $bin ]] || go build -o "$bin" ./cmd/ohotfix
command -v wixl >/dev/null || { echo "demo: wixl is missing (apt-get install wixl)" >&2; exit 1; }

work=${DEMO_DIR:-$(mktemp -d /tmp/ohotfix-demo.XXXXXX)}
mkdir -p "$work"
cd "$work"
rm -rf v1 v2 image updates ./*.msi
echo "== demo folder: $work"

mkdir -p v1 v2
printf 'Contoso Demo Suite 1.0.0\n' > v1/application.txt
head -c 200000 /dev/zero | tr '\0' 'a' > v1/engine.dat
printf 'Read me first.\n' > v1/readme.txt
printf 'License: demo.\n' > v1/license.txt
cp v1/readme.txt v1/license.txt v2/
printf 'Contoso Demo Suite 1.0.1 (security fix)\n' > v2/application.txt
head -c 200000 /dev/zero | tr '\0' 'b' > v2/engine.dat
wixl -D Version=1.0.0 -D Src=v1 -o v1.msi "$OLDPWD/examples/demo/product.wxs" 2>/dev/null
wixl -D Version=1.0.1 -D Src=v2 -o v2.msi "$OLDPWD/examples/demo/product.wxs" 2>/dev/null
echo "== built v1.msi and v2.msi with wixl"

mkdir -p updates
"$bin" patch create --target v1.msi --upgraded v2.msi -o updates/contoso-fix.msp \
	--display-name "Contoso Demo security fix" --classification Hotfix --sequence ContosoDemo:1.0.1
echo "== made updates/contoso-fix.msp:"
"$bin" patch inspect updates/contoso-fix.msp | sed 's/^/   /'

"$bin" admin create v1.msi -d image --short-names=false
echo "== administrative image of v1 in image/:"
(cd image && find . -type f ! -name '.ohotfix*' -print0 | sort -z | xargs -0 sha256sum | sed 's/^/   /')

cat > updates/ohotfix.ini <<INI
[OHotfix]
IsNormalUpdate=0
AdminPath=$work/image/v1.msi
AdminUsesShortFilenames=0
OHotfixUILevel=n
ShowSuccessDialog=0
INI
echo "== ohotfix check updates  (detect + plan, changes nothing)"
"$bin" check updates || true
echo "== ohotfix run updates --result-json result.json"
set +e
"$bin" run updates --result-json result.json
status=$?
set -e
echo "   process status $status; full code in result.json: $(grep -o '"exit_code": [0-9]*' result.json | tail -1)"
echo "== image after patching (compare with v2):"
(cd image && find . -type f ! -name '.ohotfix*' -print0 | sort -z | xargs -0 sha256sum | sed 's/^/   /')
for f in application.txt engine.dat; do
	p=$(find image -name "$f" | head -1)
	if cmp -s "$p" "v2/$f"; then echo "   $f now equals v2's"; else echo "   $f DIFFERS from v2's"; exit 1; fi
done
echo "== second run (already applied → nothing to do):"
"$bin" run updates
echo "== logs: $(ls -t "${TMPDIR:-/tmp}"/OHotfix/OHotfix*.log | head -4 | tr '\n' ' ')"
