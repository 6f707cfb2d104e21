#!/bin/sh
# Builds the Elixir binding: the NIF (priv/sealkit_nif.so, linked with
# libsealkit.so from `make lib`) and the Elixir modules (ebin/).
# SEALKIT_LIB_DIR / SEALKIT_INCLUDE_DIR override build/lib and build/include.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
lib=${SEALKIT_LIB_DIR:-$root/build/lib}
inc=${SEALKIT_INCLUDE_DIR:-$root/build/include}
erts=$(erl -noshell -eval 'io:format("~s/erts-~s/include", [code:root_dir(), erlang:system_info(version)]), halt().')
mkdir -p "$here/priv" "$here/ebin"
# -Wl,-rpath: the BEAM dlopens the NIF, which then finds libsealkit.so
# where `make lib` put it, without LD_LIBRARY_PATH.
${CC:-gcc} -O2 -std=c11 -Wall -Wextra -Werror -fPIC -shared \
  -I"$erts" -I"$inc" "$here/c_src/sealkit_nif.c" \
  -L"$lib" -lsealkit -Wl,-rpath,"$lib" -o "$here/priv/sealkit_nif.so"
elixirc --warnings-as-errors -o "$here/ebin" "$here"/lib/*.ex "$here"/lib/metamorphic_crypto/*.ex "$here"/support/*.ex
