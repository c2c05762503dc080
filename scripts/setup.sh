#!/bin/sh
# Fresh Debian 12 machine -> built wharf + a demo run.
#   scripts/setup.sh            install packages, build (build/), run the demo
#   scripts/setup.sh --deps     install packages only
set -eu
cd "$(dirname "$0")/.."

PACKAGES="clang-19 lld-19 libclang-rt-19-dev libclang-rt-19-dev-wasm32 wasi-libc \
  cmake ninja-build libgtest-dev libcli11-dev nlohmann-json3-dev clang-format-19 \
  wabt binaryen nodejs hyperfine git ca-certificates time python3 \
  libarchive-dev libssl-dev skopeo libcurl4-openssl-dev docker-registry apache2-utils openssl curl"

missing=""
for p in $PACKAGES; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" || missing="$missing $p"
done
# npm ships inside some nodejs builds (e.g. NodeSource's); Debian packages it apart.
command -v npm >/dev/null || missing="$missing npm"
if [ -n "$missing" ]; then
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO=sudo
  $SUDO apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq $missing
fi
# The real programs tests/programs runs (CPython, QuickJS, Yosys), from the npm
# registry into build/programs; the test retries the install if this fails.
tests/programs/install.sh build/programs ||
  echo "setup.sh: warning: tests/programs/install.sh failed; the programs test will retry" >&2
[ "${1:-}" = "--deps" ] && exit 0

scripts/build.sh build
echo "--- demo: examples/demo.wat"
build/wharf run --invoke fac examples/demo.wat 20
build/wharf run --invoke sum_squares examples/demo.wat 1000
echo "--- demo: an image (examples/hello.wat), in a store under build/demo-store"
wat2wasm examples/hello.wat -o build/hello.wasm
WHARF_STORE=build/demo-store build/wharf build -t hello build/hello.wasm
WHARF_STORE=build/demo-store build/wharf run hello from an image
