#!/bin/sh
# wine-setup.sh: install what internal/winetest needs (Wine 8 64-bit, mingw-w64 C compiler,
# wixl/msitools for building fixtures). Idempotent: does nothing when everything is present.
# Only Debian apt is used; wine-mono/wine-gecko are never downloaded (winetest disables them).
set -eu

need=""
command -v wine >/dev/null 2>&1 || need="$need wine"
command -v wine64 >/dev/null 2>&1 || [ -x /usr/lib/wine/wine64 ] || need="$need wine64"
command -v x86_64-w64-mingw32-gcc >/dev/null 2>&1 || need="$need gcc-mingw-w64-x86-64"
command -v wixl >/dev/null 2>&1 || need="$need wixl"
command -v msidump >/dev/null 2>&1 || need="$need msitools"

if [ -z "$need" ]; then
	echo "wine-setup: wine, mingw-w64, wixl and msitools already installed"
	exit 0
fi

SUDO=""
if [ "$(id -u)" != 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
echo "wine-setup: installing$need"
$SUDO apt-get update -qq
# shellcheck disable=SC2086 # word splitting of the package list is intended
$SUDO apt-get install -y -qq --no-install-recommends $need >/dev/null
command -v wine >/dev/null && wine --version
