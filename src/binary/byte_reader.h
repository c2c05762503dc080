// A cursor over the module bytes shared by the decoder and InstrReader.
// Reads report failure by returning false and recording a static message and
// the offending offset, so the success path never builds a std::string.
#pragma once

#include <cstdint>
#include <cstring>

#include "binary/leb128.h"
#include "common/expected.h"
#include "common/types.h"

#define WHARF_ALWAYS_INLINE [[gnu::always_inline]] inline

namespace wharf {

// The reference interpreter's wording for running off the end of the input
// anywhere after the header.
inline constexpr const char* kUnexpectedEndInSection = "unexpected end of section or function";

class ByteReader {
 public:
  ByteReader(const uint8_t* data, uint32_t pos, uint32_t end) : data_(data), pos_(pos), end_(end) {}

  uint32_t pos() const { return pos_; }
  uint32_t end() const { return end_; }
  void setPos(uint32_t p) { pos_ = p; }
  uint32_t remaining() const { return pos_ < end_ ? end_ - pos_ : 0; }
  bool atEnd() const { return pos_ >= end_; }
  const uint8_t* data() const { return data_; }

  // Message used when a read runs past `end`.
  void setEndMessage(const char* m) { endMessage_ = m; }

  bool fail(const char* message, uint32_t offset) {
    errMessage_ = message;
    errOffset_ = offset;
    return false;
  }
  bool failEnd() { return fail(endMessage_, end_); }
  const char* errorMessage() const { return errMessage_; }
  uint32_t errorOffset() const { return errOffset_; }
  Error error() const { return makeError(errMessage_ ? errMessage_ : "malformed module", errOffset_); }

  bool peek(uint8_t& b) const {
    if (pos_ >= end_) return false;
    b = data_[pos_];
    return true;
  }
  WHARF_ALWAYS_INLINE bool u8(uint8_t& b) {
    if (pos_ >= end_) [[unlikely]]
      return failEnd();
    b = data_[pos_++];
    return true;
  }
  // Skips n raw bytes.
  bool skip(uint64_t n) {
    if (n > remaining()) return failEnd();
    pos_ += uint32_t(n);
    return true;
  }
  bool fixed32(uint32_t& v) {
    if (remaining() < 4) return failEnd();
    std::memcpy(&v, data_ + pos_, 4);  // the format is little-endian, like every host we target
    pos_ += 4;
    return true;
  }
  bool fixed64(uint64_t& v) {
    if (remaining() < 8) return failEnd();
    std::memcpy(&v, data_ + pos_, 8);
    pos_ += 8;
    return true;
  }
  bool bytes(uint8_t* out, uint32_t n) {
    if (remaining() < n) return failEnd();
    std::memcpy(out, data_ + pos_, n);
    pos_ += n;
    return true;
  }

  WHARF_ALWAYS_INLINE bool varU32(uint32_t& v) { return leb(readVarU32(data_, pos_, end_, v)); }
  WHARF_ALWAYS_INLINE bool varU64(uint64_t& v) { return leb(readVarU64(data_, pos_, end_, v)); }
  WHARF_ALWAYS_INLINE bool varS32(int32_t& v) { return leb(readVarS32(data_, pos_, end_, v)); }
  WHARF_ALWAYS_INLINE bool varS33(int64_t& v) { return leb(readVarS33(data_, pos_, end_, v)); }
  WHARF_ALWAYS_INLINE bool varS64(int64_t& v) { return leb(readVarS64(data_, pos_, end_, v)); }
  // A 1-bit unsigned LEB (limits flags in 2.0): 0x02.. is "integer too large".
  bool varU1(bool& v) {
    uint64_t x;
    if (!leb(decodeLeb<1, false>(data_, pos_, end_, x))) return false;
    v = x != 0;
    return true;
  }

  // A length prefix (vector count, string or section size). Like the
  // reference interpreter, a length that exceeds the rest of the input is
  // "length out of bounds" even before anything is read. The bound counts
  // from the start of the prefix itself, so it may exceed what follows by the
  // prefix's length; the reads that follow catch that. (Every element of a
  // vector takes at least a byte, so this also bounds allocations.)
  bool length(uint32_t& n) {
    uint32_t start = pos_;
    if (!varU32(n)) return false;
    if (n > end_ - start) return fail("length out of bounds", start);
    return true;
  }

  // A value type. Bytes are classified the way the reference interpreter does
  // (number / vector / reference range), which fixes the error wording.
  bool valType(ValType& t) {
    uint32_t at = pos_;
    uint8_t b;
    if (!u8(b)) return false;
    switch (b) {
      case 0x7F: t = ValType::i32(); return true;
      case 0x7E: t = ValType::i64(); return true;
      case 0x7D: t = ValType::f32(); return true;
      case 0x7C: t = ValType::f64(); return true;
      case 0x7B: t = ValType::v128(); return true;
      case 0x70: t = ValType::funcref(); return true;
      case 0x6F: t = ValType::externref(); return true;
      default: break;
    }
    if (b & 0x80) return fail("integer representation too long", at + 1);
    if (b >= 0x71) return fail("malformed vector type", at);
    return fail("malformed reference type", at);
  }
  bool refType(ValType& t) {
    uint32_t at = pos_;
    uint8_t b;
    if (!u8(b)) return false;
    if (b == 0x70) {
      t = ValType::funcref();
      return true;
    }
    if (b == 0x6F) {
      t = ValType::externref();
      return true;
    }
    return fail("malformed reference type", at);
  }

 private:
  WHARF_ALWAYS_INLINE bool leb(LebStatus s) {
    if (s == LebStatus::Ok) [[likely]]
      return true;
    if (s == LebStatus::End) return failEnd();
    return fail(lebStatusMessage(s), pos_);
  }

  const uint8_t* data_;
  uint32_t pos_;
  uint32_t end_;
  const char* endMessage_ = kUnexpectedEndInSection;
  const char* errMessage_ = nullptr;
  uint32_t errOffset_ = 0;
};

}  // namespace wharf
