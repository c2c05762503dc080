#!/bin/sh
# The fuzz_regressions test: replays every past finding in REGRESSIONS/<target>/
# through the replayer built from that target's source, then a sample of seeds
# from the spec testsuite (scripts for fuzz_text; their modules, made with
# make_corpus.sh, for the binary targets).
# fuzz_wasi (WASI) replays REGRESSIONS/wasi/; it needs no seeds.
# fuzz_diff replays REGRESSIONS/fuzz_diff/ and the same module sample.
# fuzz_oci replays REGRESSIONS/fuzz_oci/ (image documents, references, layers).
# Usage: replay.sh REGRESSIONS SUITE_2.0_DIR SEED_DIR DECODE_VALIDATE TEXT RUN [WASI [DIFF [OCI]]]
set -eu
regressions=$1 suite=$2 seeds=$3
decode_validate=$4 text=$5 run=$6 wasi=${7:-} diff=${8:-} oci=${9:-}
here=$(dirname "$0")

for exe in "$decode_validate" "$text" "$run" $diff $oci; do
  dir=$regressions/$(basename "$exe")
  if [ -d "$dir" ]; then "$exe" "$dir"; fi
done
if [ -n "$wasi" ] && [ -d "$regressions/wasi" ]; then "$wasi" "$regressions/wasi"; fi

if [ ! -d "$suite" ]; then
  echo "SKIPPED seed replay: no spec testsuite at $suite"
  exit 0
fi
"$text" "$suite"
if ! command -v wast2json >/dev/null; then
  echo "SKIPPED binary seed replay: wast2json (wabt) not installed"
  exit 0
fi
if [ ! -d "$seeds/binary" ]; then
  rm -rf "$seeds.tmp"
  WHARF_CORPUS_BINARY_ONLY=1 "$here/make_corpus.sh" "$seeds.tmp" "$suite"
  mv "$seeds.tmp" "$seeds"
fi
# Every 8th module: a few hundred inputs spread over all scripts.
sample=$(ls "$seeds/binary" | awk 'NR % 8 == 1' | sed "s|^|$seeds/binary/|")
# shellcheck disable=SC2086
"$decode_validate" $sample
# shellcheck disable=SC2086
"$run" $sample
if [ -n "$diff" ]; then
  # shellcheck disable=SC2086
  "$diff" $sample
fi
