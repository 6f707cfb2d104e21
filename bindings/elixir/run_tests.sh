#!/bin/sh
# `make test-elixir`: builds the NIF and the modules, then runs the ExUnit
# tests (no Mix, no Hex: plain elixir with ebin on the code path).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
"$here/build.sh"
cd "$here"
files=$(ls test/*_test.exs)
exec elixir -pa ebin -r test/test_helper.exs $(for f in $files; do printf -- '-r %s ' "$f"; done)
