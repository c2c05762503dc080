#!/bin/sh
# Runs every test: unit tests of each stage, CLI golden tests, the whole
# WebAssembly 2.0 spec testsuite (../shared/wasm-testsuite/2.0), then the
# same suite again in an AddressSanitizer + UndefinedBehaviorSanitizer build.
#   scripts/test.sh              normal + sanitizer builds
#   scripts/test.sh --fast       normal build only
set -eu
cd "$(dirname "$0")/.."
# Installs whatever the setup command would and is missing (a no-op otherwise).
scripts/setup.sh --deps

scripts/build.sh build
ctest --test-dir build -j"$(nproc)" --output-on-failure

if [ "${1:-}" != "--fast" ]; then
  # Debug info without optimisation keeps the sanitizer build quick to compile.
  scripts/build.sh build-asan -DCMAKE_BUILD_TYPE=Debug -DWHARF_SANITIZE=ON
  ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
    ctest --test-dir build-asan -j"$(nproc)" --output-on-failure
fi
