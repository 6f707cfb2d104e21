#!/bin/sh
# Runs the Elixir peer (peer.exs) of the cross-target matrix; build first
# with build.sh (make test-elixir does).
here=$(cd "$(dirname "$0")" && pwd)
exec elixir -pa "$here/ebin" "$here/peer.exs"
