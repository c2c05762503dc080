// Human-readable summary of a decoded module, for `wharf inspect`.
#pragma once

#include <string>

#include "binary/module.h"

namespace wharf {

// "type", "import", ..., "datacount"; "custom" for id 0.
const char* sectionName(SectionId id);

// Lists the sections (id, name, offset, size), types, imports, exports,
// index-space counts, the start function, segments and function names.
std::string describeModule(const Module& m);

}  // namespace wharf
