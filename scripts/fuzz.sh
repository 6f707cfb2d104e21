#!/usr/bin/env bash
# Runs every fuzz target (func FuzzXxx) of every package in the module, one
# after another, for FUZZTIME each.
#
#   scripts/fuzz.sh                  the full run, 60 s per target (make fuzz)
#   FUZZTIME=5s scripts/fuzz.sh      the CI smoke
#   FUZZFLAGS='-parallel=1' scripts/fuzz.sh
#                                    extra `go test` flags for every target
#
# Stops at the first target that fails and names it. `go test` saves the
# failing input under <package>/testdata/fuzz/<target>/; rerun it with
# `go test -run '<target>/<file>' <package>`.
set -euo pipefail
cd "$(dirname "$0")/.."

GO=${GO:-go}
export GOTOOLCHAIN=${GOTOOLCHAIN:-go1.27.3} # go.mod needs Go 1.27 (crypto/mldsa); the go command fetches it
FUZZTIME=${FUZZTIME:-60s}
read -r -a extra <<<"${FUZZFLAGS:-}"

log=$(mktemp)
trap 'rm -f "$log"' EXIT

pkgs=$("$GO" list ./...)
summary=()
for pkg in $pkgs; do
	if ! listing=$("$GO" test -list '^Fuzz' "$pkg" 2>&1); then
		echo "$listing" >&2
		echo "fuzz.sh: cannot list the fuzz targets of $pkg" >&2
		exit 1
	fi
	for name in $(grep -E '^Fuzz[[:alnum:]_]*$' <<<"$listing" || true); do
		echo "=== $pkg $name (fuzztime $FUZZTIME)"
		if ! "$GO" test -run '^$' -fuzz "^${name}\$" -fuzztime "$FUZZTIME" ${extra[@]+"${extra[@]}"} "$pkg" 2>&1 | tee "$log"; then
			echo "fuzz.sh: FAIL: fuzz target $name in $pkg failed" >&2
			exit 1
		fi
		last=$(grep -E '^fuzz: elapsed: .*execs: ' "$log" | tail -n 1 || true)
		summary+=("ok  $pkg $name  ${last#fuzz: }")
	done
done

if [ ${#summary[@]} -eq 0 ]; then
	echo "fuzz.sh: no fuzz targets found" >&2
	exit 1
fi
echo
echo "fuzz.sh: ${#summary[@]} targets, $FUZZTIME each, no failures:"
printf '%s\n' "${summary[@]}"
