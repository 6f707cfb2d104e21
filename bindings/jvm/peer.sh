#!/usr/bin/env bash
# The JVM's cross-target peer (issue 16): JSON lines on stdin, one JSON line
# per request on stdout (dev.sealkit.Peer documents the protocol and the
# bundles). Needs build/lib/libsealkit.so (make lib); compiles the binding
# on first use.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
jna=${JNA_JAR:-/usr/share/java/jna.jar}
lib=${SEALKIT_LIB:-$root/build/lib/libsealkit.so}
[ -f "$lib" ] || { echo "peer.sh: $lib is missing; run make lib" >&2; exit 1; }
[ -f "$jna" ] || { echo "peer.sh: $jna is missing; apt-get install libjna-java" >&2; exit 1; }
# One class directory per version of the sources, so peers started side by
# side never see a half-written compile: each compiles into its own
# temporary directory and the first to rename it into place wins.
src=("$root"/bindings/jvm/src/dev/sealkit/*.java)
classes=$root/build/jvm/peer-$(cat "${src[@]}" | sha256sum | cut -c1-16)
if [ ! -d "$classes" ]; then
  mkdir -p "$root/build/jvm"
  tmp=$(mktemp -d "$root/build/jvm/peer-tmp.XXXXXX")
  javac -d "$tmp" -cp "$jna" "${src[@]}" >&2
  mv -T "$tmp" "$classes" 2>/dev/null || rm -rf "$tmp"
fi
exec java -cp "$classes:$jna" -Dsealkit.lib="$lib" dev.sealkit.Peer
