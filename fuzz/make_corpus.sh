#!/bin/sh
# Builds seed corpora from the WebAssembly 2.0 spec testsuite (read in place;
# the output is generated at run time and never committed):
#   OUTDIR/binary/  every module of every script, as .wasm (needs wabt's wast2json)
#   OUTDIR/text/    the .wast scripts, each of their top-level commands on its
#                   own (small inputs mutate faster), and the quoted modules
# Usage: fuzz/make_corpus.sh OUTDIR [TESTSUITE_2.0_DIR]
# With WHARF_CORPUS_BINARY_ONLY=1, text/ gets only the scripts (faster).
set -eu
out=${1:?usage: make_corpus.sh OUTDIR [TESTSUITE_2.0_DIR]}
suite=${2:-$(dirname "$0")/../../shared/wasm-testsuite/2.0}
[ -d "$suite" ] || { echo "make_corpus.sh: no testsuite at $suite" >&2; exit 1; }
command -v wast2json >/dev/null || { echo "make_corpus.sh: wast2json (wabt) not found" >&2; exit 1; }

# Writes each top-level form of script $1 that holds a module to $2.N.wast
# (the many invoke-only assertions add little), skipping comments and strings
# while counting parentheses.
split_commands() {
  LC_ALL=C awk -v prefix="$2" '
    BEGIN { RS = "\001"; n = 0 }
    {
      text = $0; len = length(text); depth = 0; block = 0; str = 0; start = 0
      for (i = 1; i <= len; i++) {
        c = substr(text, i, 1)
        if (str) { if (c == "\\") i++; else if (c == "\"") str = 0; continue }
        if (block) {
          two = substr(text, i, 2)
          if (two == "(;") { block++; i++ } else if (two == ";)") { block--; i++ }
          continue
        }
        two = substr(text, i, 2)
        if (two == ";;") { while (i <= len && substr(text, i, 1) != "\n") i++; continue }
        if (two == "(;") { block = 1; i++; continue }
        if (c == "\"") { str = 1; continue }
        if (c == "(") { if (depth++ == 0) start = i }
        else if (c == ")" && depth > 0 && --depth == 0) {
          form = substr(text, start, i - start + 1)
          if (form !~ /module/) continue
          file = prefix "." n++ ".wast"
          printf "%s\n", form > file
          close(file)
        }
      }
    }' "$1"
}

mkdir -p "$out/binary" "$out/text"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
failed=0
for wast in "$suite"/*.wast; do
  name=$(basename "$wast" .wast)
  cp "$wast" "$out/text/$name.wast"
  [ "${WHARF_CORPUS_BINARY_ONLY:-0}" = 1 ] || split_commands "$wast" "$out/text/$name"
  # wabt 1.0.32 cannot read a few 2.0 scripts; they still seed the text fuzzer.
  if ! wast2json "$wast" -o "$tmp/$name.json" >/dev/null 2>&1; then
    failed=$((failed + 1))
    continue
  fi
done
for f in "$tmp"/*.wasm; do mv "$f" "$out/binary/"; done
for f in "$tmp"/*.wat; do [ -e "$f" ] && mv "$f" "$out/text/"; done
echo "make_corpus.sh: $(ls "$out/binary" | wc -l) binary and $(ls "$out/text" | wc -l) text seeds" \
  "in $out ($failed scripts wast2json could not read)"
