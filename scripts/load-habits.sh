#!/usr/bin/env bash
# Load measurement of the habits dashboard (internal/webapp/load_test.go,
# TestLoadHabits), not run in CI: on SQLite and the local PostgreSQL, one
# account gets HABITS habits (default 1000) through the API with real
# crypto; then GET /api/habits is timed REQUESTS times (default 200) and
# the dashboard is loaded five times in headless Chromium. Writes the
# section between <!-- load-habits:start --> and <!-- load-habits:end -->
# of docs/BENCHMARKS.md (OUT=file for another), leaving the rest as it is.
# `make load-habits`; a few minutes.
set -euo pipefail
cd "$(dirname "$0")/.."
GO=${GO:-go}
export GOTOOLCHAIN=${GOTOOLCHAIN:-go1.27.3} # go.mod needs Go 1.27 (crypto/mldsa); the go command fetches it
out=${OUT:-docs/BENCHMARKS.md}
case "$out" in /*) ;; *) out="$PWD/$out" ;; esac
SEALKIT_LOAD=1 SEALKIT_LOAD_HABITS="${HABITS:-1000}" SEALKIT_LOAD_REQUESTS="${REQUESTS:-200}" SEALKIT_LOAD_OUT="$out" \
  "$GO" test -run '^TestLoadHabits$' -count=1 -timeout 30m -v ./internal/webapp
echo "wrote the load-habits section of $out"
