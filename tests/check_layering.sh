#!/bin/sh
# The pipeline stages may include only the stages they depend on (the DEPS
# of wharf_stage in CMakeLists.txt, transitively). Prints each violation.
set -eu
cd "$(dirname "$0")/.."
allowed() {
  case $1 in
    common) echo "common" ;;
    binary) echo "common binary" ;;
    validate) echo "common binary validate" ;;
    text) echo "common text" ;;
    runtime) echo "common binary runtime" ;;
    interp) echo "common binary validate runtime interp" ;;
    engine) echo "common binary validate runtime interp engine" ;;
    wast) echo "common binary validate runtime interp engine text wast" ;;
    wasi) echo "common binary validate runtime interp engine wasi" ;;
    host) echo "common binary validate runtime interp engine text wasi host" ;;
    oci) echo "common oci" ;;
    registry) echo "common oci registry" ;;
    cli) echo "common binary validate runtime interp engine text wast wasi host oci registry cli" ;;
    *) echo "" ;;
  esac
}
bad=0
for dir in src/*/; do
  stage=$(basename "$dir")
  ok=$(allowed "$stage")
  if [ -z "$ok" ]; then
    echo "unknown stage folder $dir (add it to tests/check_layering.sh)"
    bad=1
    continue
  fi
  for used in $(grep -ho '#include "[a-z_]*/' "$dir"* | sed 's/#include "//; s,/,,' | sort -u); do
    case " $ok " in
      *" $used "*) ;;
      *)
        echo "layering: src/$stage includes $used/:"
        grep -n "#include \"$used/" "$dir"* | sed 's/^/  /'
        bad=1
        ;;
    esac
  done
done
[ $bad = 0 ] && echo "layering ok"
exit $bad
