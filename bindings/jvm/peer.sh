#!/usr/bin/env bash
# The JVM's cross-target peer (issue 16): JSON lines on stdin, one JSON line
# per request on stdout (dev.sealkit.Peer documents the protocol and the
# bundles). Needs build/lib/libsealkit.so (make lib); compiles the binding
# into build/jvm/peer-classes when a source is newer than the last compile.
set -euo pipefail
root=$(cd "$(dirname "$0")/../.." && pwd)
jna=${JNA_JAR:-/usr/share/java/jna.jar}
lib=${SEALKIT_LIB:-$root/build/lib/libsealkit.so}
classes=$root/build/jvm/peer-classes
[ -f "$lib" ] || { echo "peer.sh: $lib is missing; run make lib" >&2; exit 1; }
[ -f "$jna" ] || { echo "peer.sh: $jna is missing; apt-get install libjna-java" >&2; exit 1; }
stamp=$classes/.stamp
if [ ! -f "$stamp" ] || [ -n "$(find "$root/bindings/jvm/src" -name '*.java' -newer "$stamp")" ]; then
  rm -rf "$classes" && mkdir -p "$classes"
  javac -d "$classes" -cp "$jna" "$root"/bindings/jvm/src/dev/sealkit/*.java >&2
  touch "$stamp"
fi
exec java -cp "$classes:$jna" -Dsealkit.lib="$lib" dev.sealkit.Peer
