#!/usr/bin/env bash
# Builds every kernel in bench/kernels/ twice with identical optimisation flags:
#   bench/out[/quick]/NAME.native  -- native executable printing run()'s checksum
#   bench/out[/quick]/NAME.wasm    -- wasm32 module exporting run, with no imports
# Usage: bench/build.sh [--quick]      (--quick adds -DQUICK: ~10x less work)
# Env:   CC (default clang-19), OPT (default -O2)
set -euo pipefail

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
cc=${CC:-clang-19}
opt=${OPT:--O2}
out=$here/out
defs=()
if [[ ${1:-} == --quick ]]; then
  out=$here/out/quick
  defs=(-DQUICK)
elif [[ -n ${1:-} ]]; then
  echo "usage: $0 [--quick]" >&2
  exit 2
fi
mkdir -p "$out"

# True if the module has an import section. wasm-objdump is preferred; node's
# WebAssembly API is the fallback so the check never silently disappears.
has_imports() {
  if command -v wasm-objdump >/dev/null; then
    wasm-objdump -h "$1" | grep -qE '^ *Import '
  else
    node -e 'const fs=require("fs");
      const m=new WebAssembly.Module(fs.readFileSync(process.argv[1]));
      process.exit(WebAssembly.Module.imports(m).length ? 0 : 1)' "$1"
  fi
}

status=0
for src in "$here"/kernels/*.c; do
  name=$(basename "$src" .c)
  "$cc" "$opt" "${defs[@]}" -Wall -Wextra -o "$out/$name.native" "$src" "$here/native_main.c"
  "$cc" --target=wasm32-wasi "$opt" "${defs[@]}" -Wall -Wextra -nostartfiles -Wl,--no-entry \
    -Wl,--export=run -Wl,--strip-debug -o "$out/$name.wasm" "$src"
  if has_imports "$out/$name.wasm"; then
    echo "error: $name.wasm has imports (the kernel must not call into the host):" >&2
    wasm-objdump -x -j Import "$out/$name.wasm" >&2 || true
    status=1
  fi
  echo "built $name ($(stat -c %s "$out/$name.wasm") bytes wasm)"
done
exit $status
