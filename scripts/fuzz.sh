#!/usr/bin/env bash
# Runs every Fuzz* target of the module for a bounded time each (input
# minimisation capped at 2 s, or it eats the whole budget on large seeds).
set -euo pipefail
t=${1:-10s}
cd "$(dirname "$0")/.."
log=$(mktemp)
trap 'rm -f "$log"' EXIT
for pkg in $(go list ./...); do
	dir=$(go list -f '{{.Dir}}' "$pkg")
	for f in $(grep -ho '^func Fuzz[A-Za-z0-9_]*' "$dir"/*_test.go 2>/dev/null | sed 's/^func //' | sort -u); do
		echo "fuzz: $pkg $f ($t)"
		# Go's fuzzing coordinator sometimes ends a run with "context deadline
		# exceeded" and no failing input when a worker answers late on a
		# loaded machine: that is the engine, not a finding, so such a run
		# (and only such a run) is repeated once. A real finding writes its
		# input ("Failing input written to") and fails at once.
		for attempt in 1 2; do
			if go test -run '^$' -fuzz "^$f\$" -fuzztime "$t" -fuzzminimizetime 2s "$pkg" >"$log" 2>&1; then
				break
			fi
			if ((attempt == 1)) && grep -q 'context deadline exceeded' "$log" && ! grep -q 'Failing input written' "$log"; then
				echo "fuzz: $f: the fuzzing engine timed out without a finding; running it again"
				continue
			fi
			cat "$log"
			exit 1
		done
	done
done
