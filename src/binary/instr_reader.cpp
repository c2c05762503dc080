#include "binary/instr_reader.h"

#include "binary/byte_reader.h"

namespace wharf {
namespace {

WHARF_ALWAYS_INLINE bool zeroByte(ByteReader& r) {
  uint32_t at = r.pos();
  uint8_t b;
  if (!r.u8(b)) return false;
  if (b != 0) return r.fail("zero byte expected", at);
  return true;
}

WHARF_ALWAYS_INLINE bool memArg(ByteReader& r, MemArg& m) {
  uint32_t at = r.pos();
  uint32_t flags;
  if (!r.varU32(flags)) return false;
  // Alignment is a log2 exponent below 32. Bit 6 would introduce a memory
  // index (multi-memory), which is not part of 2.0, so it is malformed too.
  if (flags >= 32) return r.fail("malformed memop flags", at);
  m.alignLog2 = flags;
  m.memory = 0;
  uint32_t offset;
  if (!r.varU32(offset)) return false;
  m.offset = offset;
  return true;
}

bool blockType(ByteReader& r, BlockType& bt) {
  uint8_t b;
  if (!r.peek(b)) return r.failEnd();
  if (b == 0x40) {
    r.setPos(r.pos() + 1);
    bt.kind = BlockType::Empty;
    return true;
  }
  if ((b & 0xC0) == 0x40) {  // a one-byte negative s33: a value type
    bt.kind = BlockType::Value;
    return r.valType(bt.type);
  }
  int64_t idx;
  if (!r.varS33(idx)) return false;
  bt.kind = BlockType::TypeIndex;
  // A negative multi-byte s33 names no type; keep it decodable and let the
  // validator report it as an unknown type.
  bt.index = idx < 0 ? UINT32_MAX : uint32_t(idx);
  return true;
}

}  // namespace

// The opcode at pos_ when it is not a plain single-byte one (a prefixed
// opcode, an illegal byte, or the end of the input).
bool InstrReader::readOpcodeSlow(Instr& in) {
  ByteReader r(bytes_.data(), pos_, end_);
  in.offset = pos_;
  auto failed = [&] {
    errMessage_ = r.errorMessage();
    errOffset_ = r.errorOffset();
    return false;
  };
  uint8_t b;
  if (!r.u8(b)) return failed();
  int16_t code = instr_detail::kByteTable.op[b];
  if (code >= 0) {
    in.op = Opcode(code);
  } else if (b == 0xFC || b == 0xFD) {  // a prefix; a u32 LEB sub-opcode follows
    uint32_t sub;
    if (!r.varU32(sub)) return failed();
    auto op = lookupOpcode(b, sub);
    if (!op) return r.fail("illegal opcode", in.offset), failed();
    in.op = *op;
  } else {
    return r.fail("illegal opcode", in.offset), failed();
  }
  pos_ = r.pos();
  return true;
}

// The immediates of in.op at pos_, with every check and error.
bool InstrReader::readImmediatesSlow(Instr& in) {
  ByteReader r(bytes_.data(), pos_, end_);
  auto failed = [&] {
    errMessage_ = r.errorMessage();
    errOffset_ = r.errorOffset();
    return false;
  };
  bool ok = true;
  switch (instr_detail::kImmTable.imm[uint16_t(in.op)]) {
    case ImmKind::None: break;
    case ImmKind::BlockType: ok = blockType(r, in.block); break;
    case ImmKind::Label:
    case ImmKind::Func:
    case ImmKind::Local:
    case ImmKind::Global:
    case ImmKind::Table:
    case ImmKind::Data:
    case ImmKind::Elem: ok = r.varU32(in.index); break;
    case ImmKind::BrTable: {
      uint32_t n;
      if (!r.length(n)) return failed();
      if (brScratch_.size() < n) brScratch_.resize(n);
      for (uint32_t i = 0; i < n; ++i)
        if (!r.varU32(brScratch_[i])) return failed();
      ok = r.varU32(in.brDefault);
      in.brTargets = std::span<const uint32_t>(brScratch_.data(), n);
      break;
    }
    case ImmKind::CallIndirect: ok = r.varU32(in.index) && r.varU32(in.index2); break;
    case ImmKind::MemArg: ok = memArg(r, in.mem); break;
    case ImmKind::Memory:
      ok = zeroByte(r);
      in.index = 0;
      break;
    case ImmKind::I32: ok = r.varS32(in.i32); break;
    case ImmKind::I64: ok = r.varS64(in.i64); break;
    case ImmKind::F32: ok = r.fixed32(in.f32bits); break;
    case ImmKind::F64: ok = r.fixed64(in.f64bits); break;
    case ImmKind::V128:
    case ImmKind::Shuffle: ok = r.bytes(in.v128.bytes.data(), 16); break;
    case ImmKind::Lane: ok = r.u8(in.lane); break;
    case ImmKind::MemArgLane: ok = memArg(r, in.mem) && r.u8(in.lane); break;
    case ImmKind::HeapType: ok = r.refType(in.type); break;
    case ImmKind::SelectT: {
      uint32_t n;
      if (!r.length(n)) return failed();
      in.index = n;
      for (uint32_t i = 0; i < n; ++i) {
        ValType t;
        if (!r.valType(t)) return failed();
        if (i == 0) in.type = t;
      }
      break;
    }
    case ImmKind::MemoryInit:
      ok = r.varU32(in.index) && zeroByte(r);
      in.index2 = 0;
      break;
    case ImmKind::MemoryCopy:
      ok = zeroByte(r) && zeroByte(r);
      in.index = in.index2 = 0;
      break;
    case ImmKind::TableInit: ok = r.varU32(in.index) && r.varU32(in.index2); break;
    case ImmKind::TableCopy: ok = r.varU32(in.index) && r.varU32(in.index2); break;
  }
  if (!ok) return failed();
  pos_ = r.pos();
  return true;
}

Expected<Instr> InstrReader::next() {
  Instr in;
  if (!read(in)) return error();
  return in;
}

}  // namespace wharf
