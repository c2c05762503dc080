// LEB128 decoding with the binary format's exact acceptance rules: an
// encoding of an N-bit integer may use at most ceil(N/7) bytes (non-minimal
// encodings within that bound are allowed), and the bits of the last byte
// beyond N must be zero (unsigned) or copies of the sign bit (signed).
#pragma once

#include <cstdint>

namespace wharf {

enum class LebStatus : uint8_t { Ok, End, TooLong, TooLarge };

// Spec testsuite wording for a LebStatus other than Ok/End (End's wording
// depends on where the integer is, so callers choose it).
constexpr const char* lebStatusMessage(LebStatus s) {
  switch (s) {
    case LebStatus::TooLong: return "integer representation too long";
    case LebStatus::TooLarge: return "integer too large";
    case LebStatus::End: return "unexpected end";
    case LebStatus::Ok: break;
  }
  return "";
}

// Decodes an N-bit (un)signed LEB128 integer at data[pos], not reading at or
// past `end`. On success advances `pos` and stores the value (sign-extended
// to 64 bits when Signed). On failure `pos` is left at the offending byte.
template <unsigned Bits, bool Signed>
inline LebStatus decodeLeb(const uint8_t* data, uint32_t& pos, uint32_t end, uint64_t& out) {
  static_assert(Bits >= 1 && Bits <= 64);
  uint32_t p = pos;
  if (p < end && data[p] < 0x80) [[likely]] {  // one-byte fast path
    uint64_t v = data[p];
    if constexpr (Bits < 7) {
      if constexpr (Signed) {
        constexpr uint8_t mask = (0xFFu << (Bits - 1)) & 0x7F;
        if ((v & mask) != 0 && (v & mask) != mask) return LebStatus::TooLarge;
      } else {
        if (v >= (1u << Bits)) return LebStatus::TooLarge;
      }
    }
    if constexpr (Signed) {
      if (v & 0x40) v |= ~uint64_t{0x7F};
    }
    out = v;
    pos = p + 1;
    return LebStatus::Ok;
  }
  uint64_t result = 0;
  unsigned shift = 0;
  for (int remaining = int(Bits);; remaining -= 7) {
    if (remaining <= 0) {
      pos = p;
      return LebStatus::TooLong;
    }
    if (p >= end) {
      pos = p;
      return LebStatus::End;
    }
    uint8_t b = data[p];
    if (remaining < 7) {
      // Only `remaining` payload bits are left; the rest must be zero/sign bits.
      if constexpr (Signed) {
        uint8_t mask = (0xFFu << (remaining - 1)) & 0x7F;
        if ((b & mask) != 0 && (b & mask) != mask) {
          pos = p;
          return LebStatus::TooLarge;
        }
      } else {
        if ((b & 0x7F) >= (1u << remaining)) {
          pos = p;
          return LebStatus::TooLarge;
        }
      }
    }
    ++p;
    result |= uint64_t(b & 0x7F) << shift;
    shift += 7;
    if (!(b & 0x80)) {
      if constexpr (Signed) {
        if (shift < 64 && (b & 0x40)) result |= ~uint64_t{0} << shift;
      }
      out = result;
      pos = p;
      return LebStatus::Ok;
    }
  }
}

inline LebStatus readVarU32(const uint8_t* data, uint32_t& pos, uint32_t end, uint32_t& out) {
  uint64_t v;
  LebStatus s = decodeLeb<32, false>(data, pos, end, v);
  out = uint32_t(v);
  return s;
}
inline LebStatus readVarU64(const uint8_t* data, uint32_t& pos, uint32_t end, uint64_t& out) {
  return decodeLeb<64, false>(data, pos, end, out);
}
inline LebStatus readVarS32(const uint8_t* data, uint32_t& pos, uint32_t end, int32_t& out) {
  uint64_t v;
  LebStatus s = decodeLeb<32, true>(data, pos, end, v);
  out = int32_t(uint32_t(v));
  return s;
}
// s33 is only used for block types: a non-negative value is a type index.
inline LebStatus readVarS33(const uint8_t* data, uint32_t& pos, uint32_t end, int64_t& out) {
  uint64_t v;
  LebStatus s = decodeLeb<33, true>(data, pos, end, v);
  out = int64_t(v);
  return s;
}
inline LebStatus readVarS64(const uint8_t* data, uint32_t& pos, uint32_t end, int64_t& out) {
  uint64_t v;
  LebStatus s = decodeLeb<64, true>(data, pos, end, v);
  out = int64_t(v);
  return s;
}

}  // namespace wharf
