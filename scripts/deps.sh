#!/usr/bin/env bash
# Installs the Debian packages that provide the commands the tests, the
# benchmarks and the demo run (peer tools we check our formats against, Wine
# and mingw-w64 for the Windows Installer oracle). The list is
# scripts/test-commands.tsv: command, Debian package, group.
#
# A package counts as present only when its command is on PATH: a package can
# be installed and still not provide the command (Debian 12's 7zip installs
# 7zz, not 7z). After installing, every command is checked again.
#
# Run as root on Debian (apt-get); elsewhere it only says what is missing, and
# the tests that need a missing command skip with a message naming its
# package (under CI=true they fail).
#   OHOTFIX_NO_WINE=1       leave out the Wine group (benchmarks, demo)
#   OHOTFIX_DEPS_DRY_RUN=1  print what is missing and would be installed; change nothing
set -euo pipefail
# No dirname: on a bare machine deps.sh may run before coreutils is on PATH.
here=.
[[ $0 == */* ]] && here=${0%/*}
table="$here/test-commands.tsv"

# have NAMES: one of the |-separated alternatives is an executable command
# (an absolute path: a file that exists, e.g. an Ansible collection's).
have() {
	local alts c
	IFS='|' read -ra alts <<<"$1"
	for c in "${alts[@]}"; do
		if [[ $c == /* ]]; then
			[[ -e $c ]] && return 0
		else
			command -v "$c" >/dev/null 2>&1 && return 0
		fi
	done
	return 1
}

rows=()      # "names<TAB>package" of every row deps.sh is responsible for
missing=()   # "names (package)" of the commands not found
pkgs=()      # packages to install with their recommends
winepkgs=()  # Wine group: without recommends (as .ci/wine-setup.sh does)
declare -A queued=()
while IFS=$'\t' read -r names pkg group _ || [[ -n ${names:-} ]]; do
	[[ -z $names || $names == \#* ]] && continue
	[[ $pkg == - ]] && continue # not a Debian package (the Go toolchain)
	[[ $group == wine && ${OHOTFIX_NO_WINE:-} == 1 ]] && continue
	rows+=("$names"$'\t'"$pkg")
	have "$names" && continue
	missing+=("$names ($pkg)")
	[[ -n ${queued[$pkg]:-} ]] && continue
	queued[$pkg]=1
	if [[ $group == wine ]]; then winepkgs+=("$pkg"); else pkgs+=("$pkg"); fi
done <"$table"

if ((${#missing[@]} == 0)); then
	exit 0
fi
all=("${pkgs[@]}" "${winepkgs[@]}")
if [[ ${OHOTFIX_DEPS_DRY_RUN:-} == 1 ]]; then
	echo "deps: missing commands: ${missing[*]}"
	echo "deps: would install: ${all[*]}"
	exit 0
fi
if [[ $(id -u) -ne 0 ]] || ! command -v apt-get >/dev/null; then
	echo "deps: missing commands: ${missing[*]} (run: sudo apt-get install ${all[*]}); tests that need them will skip" >&2
	exit 0
fi

echo "deps: missing commands: ${missing[*]}; installing ${all[*]}"
export DEBIAN_FRONTEND=noninteractive
apt-get update -qq
if ((${#pkgs[@]})); then
	apt-get install -y -qq "${pkgs[@]}" >/dev/null
fi
if ((${#winepkgs[@]})); then
	# Wine's recommends (wine32, fonts, ...) are not needed by internal/winetest.
	apt-get install -y -qq --no-install-recommends "${winepkgs[@]}" >/dev/null
fi
still=()
for row in "${rows[@]}"; do
	have "${row%%$'\t'*}" || still+=("${row%%$'\t'*} (${row#*$'\t'})")
done
if ((${#still[@]})); then
	echo "deps: installed, but these commands are still missing: ${still[*]}" >&2
	exit 1
fi
