#!/usr/bin/env bash
# Installs the Debian packages the tests and the demo use (peer tools we
# check our formats against, and Wine for the Windows Installer oracle).
# Run as root on Debian; elsewhere it only says what is missing, and the tests
# that need a missing tool skip with a message naming its package.
set -euo pipefail
want=(cabextract gcab 7zip msitools wixl time)
missing=()
for p in "${want[@]}"; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
	if [[ $(id -u) -eq 0 ]] && command -v apt-get >/dev/null; then
		echo "deps: installing ${missing[*]}"
		apt-get update -qq
		DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
	else
		echo "deps: missing Debian packages: ${missing[*]} (run: sudo apt-get install ${missing[*]}); tests that need them will skip" >&2
	fi
fi
if [[ "${OHOTFIX_NO_WINE:-}" != 1 && -x "$(dirname "$0")/../.ci/wine-setup.sh" ]]; then
	"$(dirname "$0")/../.ci/wine-setup.sh"
fi
