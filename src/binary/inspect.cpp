#include "binary/inspect.h"

#include <algorithm>
#include <cstdio>
#include <vector>

namespace wharf {
namespace {

void appendf(std::string& out, const char* fmt, auto... args) {
  char buf[256];
  int n = std::snprintf(buf, sizeof buf, fmt, args...);
  if (n > 0) out.append(buf, std::min<size_t>(size_t(n), sizeof buf - 1));
}

// Names come from the module and may hold any valid UTF-8; only control
// characters and quotes are escaped so the output stays one line per entry.
std::string quoted(const std::string& s) {
  std::string out = "\"";
  for (unsigned char c : s) {
    if (c == '"' || c == '\\') {
      out += '\\';
      out += char(c);
    } else if (c < 0x20 || c == 0x7F) {
      char buf[8];
      std::snprintf(buf, sizeof buf, "\\%02x", c);
      out += buf;
    } else {
      out += char(c);
    }
  }
  return out + "\"";
}

std::string limitsText(const Limits& l) {
  std::string s = std::to_string(l.min);
  if (l.max) s += ".." + std::to_string(*l.max);
  return s;
}

const char* modeName(SegmentMode m) {
  switch (m) {
    case SegmentMode::Active: return "active";
    case SegmentMode::Passive: return "passive";
    case SegmentMode::Declarative: return "declarative";
  }
  return "?";
}

}  // namespace

const char* sectionName(SectionId id) {
  switch (id) {
    case SectionId::Custom: return "custom";
    case SectionId::Type: return "type";
    case SectionId::Import: return "import";
    case SectionId::Function: return "function";
    case SectionId::Table: return "table";
    case SectionId::Memory: return "memory";
    case SectionId::Global: return "global";
    case SectionId::Export: return "export";
    case SectionId::Start: return "start";
    case SectionId::Element: return "element";
    case SectionId::Code: return "code";
    case SectionId::Data: return "data";
    case SectionId::DataCount: return "datacount";
  }
  return "?";
}

std::string describeModule(const Module& m) {
  std::string out;
  appendf(out, "module%s%s (%zu bytes)\n", m.moduleName.empty() ? "" : " ",
          m.moduleName.empty() ? "" : quoted(m.moduleName).c_str(), m.bytes.size());

  appendf(out, "sections: %zu\n", m.sections.size());
  size_t custom = 0;
  for (const SectionInfo& s : m.sections) {
    appendf(out, "  %2u %-9s offset 0x%08x size %u", unsigned(s.id), sectionName(s.id), s.contents.offset,
            s.contents.size);
    if (s.id == SectionId::Custom && custom < m.customs.size()) out += " " + quoted(m.customs[custom++].name);
    out += "\n";
  }

  appendf(out, "types: %zu\n", m.types.size());
  for (size_t i = 0; i < m.types.size(); ++i) appendf(out, "  %zu: %s\n", i, m.types[i].toString().c_str());

  appendf(out, "imports: %zu\n", m.imports.size());
  for (const Import& im : m.imports) {
    out += "  " + quoted(im.module) + "." + quoted(im.name) + " " + externKindName(im.kind);
    switch (im.kind) {
      case ExternKind::Func: out += " type " + std::to_string(im.funcType); break;
      case ExternKind::Table: out += " " + im.table.elem.name() + " " + limitsText(im.table.limits); break;
      case ExternKind::Memory: out += " " + limitsText(im.memory.limits); break;
      case ExternKind::Global:
        out += std::string(im.global.mut == Mutability::Var ? " mut " : " ") + im.global.type.name();
        break;
    }
    out += "\n";
  }

  appendf(out, "exports: %zu\n", m.exports.size());
  for (const Export& e : m.exports)
    out += "  " + quoted(e.name) + " " + externKindName(e.kind) + " " + std::to_string(e.index) + "\n";

  appendf(out, "functions: %zu (%u imported)\n", m.funcs.size(), m.numImportedFuncs);
  appendf(out, "tables: %zu (%u imported)\n", m.tables.size(), m.numImportedTables);
  for (size_t i = m.numImportedTables; i < m.tables.size(); ++i)
    appendf(out, "  %zu: %s %s\n", i, m.tables[i].elem.name().c_str(),
            limitsText(m.tables[i].limits).c_str());
  appendf(out, "memories: %zu (%u imported)\n", m.memories.size(), m.numImportedMemories);
  for (size_t i = m.numImportedMemories; i < m.memories.size(); ++i)
    appendf(out, "  %zu: %s pages\n", i, limitsText(m.memories[i].limits).c_str());
  appendf(out, "globals: %zu (%u imported)\n", m.globals.size(), m.numImportedGlobals);
  if (m.start) appendf(out, "start: %u\n", *m.start);

  appendf(out, "elements: %zu\n", m.elems.size());
  for (size_t i = 0; i < m.elems.size(); ++i) {
    const ElemSegment& e = m.elems[i];
    appendf(out, "  %zu: %s %s, %u entries", i, modeName(e.mode), e.type.name().c_str(), e.size());
    if (e.mode == SegmentMode::Active) appendf(out, ", table %u", e.table);
    out += "\n";
  }
  appendf(out, "data: %zu", m.datas.size());
  if (m.dataCount) appendf(out, " (data count %u)", *m.dataCount);
  out += "\n";
  for (size_t i = 0; i < m.datas.size(); ++i) {
    const DataSegment& d = m.datas[i];
    appendf(out, "  %zu: %s, %u bytes", i, modeName(d.mode), d.init.size);
    if (d.mode == SegmentMode::Active) appendf(out, ", memory %u", d.memory);
    out += "\n";
  }

  appendf(out, "code: %zu bodies\n", m.functions.size());
  for (size_t i = 0; i < m.functions.size(); ++i) {
    const Function& f = m.functions[i];
    uint32_t index = m.numImportedFuncs + uint32_t(i);
    appendf(out, "  func %u: type %u, %u locals, body 0x%08x size %u", index, f.typeIndex, f.numLocals,
            f.body.offset, f.body.size);
    auto it = m.funcNames.find(index);
    if (it != m.funcNames.end()) out += " " + quoted(it->second);
    out += "\n";
  }
  // Names of imported functions are not covered by the loop above.
  std::vector<uint32_t> importedNamed;
  for (const auto& [index, name] : m.funcNames)
    if (index < m.numImportedFuncs) importedNamed.push_back(index);
  std::sort(importedNamed.begin(), importedNamed.end());
  for (uint32_t index : importedNamed)
    appendf(out, "  import func %u: %s\n", index, quoted(m.funcNames.at(index)).c_str());
  return out;
}

}  // namespace wharf
