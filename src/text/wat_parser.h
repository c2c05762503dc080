// WebAssembly text format (2.0) to binary encoding, like wat2wasm.
//
// The parser does not build a module IR: it encodes the binary module
// directly, which the binary decoder then reads like any other .wasm. It
// checks only what the text grammar requires (syntax, literal ranges, symbolic
// names, label matching, inline type uses); everything else is left to the
// validator, so modules from `assert_invalid` still encode.
#pragma once

#include <cstdint>
#include <string_view>
#include <vector>

#include "common/expected.h"
#include "text/lexer.h"

namespace wharf {

// Parses `(module $id? field*)` or a bare sequence of module fields. Also
// accepts `(module $id? binary "..."*)`, returning the bytes as given.
// Errors carry the spec testsuite's wording first ("unknown operator",
// "unexpected token", "constant out of range", ...), then " at line:column";
// Error::offset is the byte offset in `text`.
// With `withNames`, a "name" section records the functions' $ids (as
// wat2wasm --debug-names does), so that trap backtraces name them.
Expected<std::vector<uint8_t>> parseWatModule(std::string_view text, bool withNames = false);

}  // namespace wharf

namespace wharf::text {

// Encodes the module fields in tokens [begin, end) of `ts` (the inside of a
// `(module $id? ...)` form, after the optional id). Used by the script parser.
Expected<std::vector<uint8_t>> encodeModuleFields(const TokenStream& ts, size_t begin, size_t end,
                                                  bool withNames = false);

}  // namespace wharf::text
