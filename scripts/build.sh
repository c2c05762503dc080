#!/bin/sh
# Configures (once) and builds a build directory.
#   scripts/build.sh DIR [CMAKE_ARGS...]
set -eu
cd "$(dirname "$0")/.."
dir=$1
shift
if [ ! -f "$dir/build.ninja" ]; then
  CC=clang-19 CXX=clang++-19 cmake -S . -B "$dir" -G Ninja -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
fi
ninja -C "$dir" -j"$(nproc)"
