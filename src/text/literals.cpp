#include "text/literals.h"

#include <algorithm>
#include <bit>
#include <cstring>
#include <string>
#include <vector>

namespace wharf::text {
namespace {

int hexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool isDigit(char c, bool hex) { return hex ? hexValue(c) >= 0 : (c >= '0' && c <= '9'); }

// Length of the longest prefix of `s` that is `digit ('_'? digit)*`; 0 if none.
size_t scanDigits(std::string_view s, bool hex) {
  size_t i = 0;
  if (s.empty() || !isDigit(s[0], hex)) return 0;
  ++i;
  while (i < s.size()) {
    if (isDigit(s[i], hex)) {
      ++i;
    } else if (s[i] == '_' && i + 1 < s.size() && isDigit(s[i + 1], hex)) {
      i += 2;
    } else {
      break;
    }
  }
  return i;
}

// Parses a complete digit string (underscores allowed) into a u64.
LitStatus digitsToU64(std::string_view s, bool hex, uint64_t* out) {
  if (s.empty() || scanDigits(s, hex) != s.size()) return LitStatus::Malformed;
  uint64_t v = 0;
  bool overflow = false;
  const unsigned base = hex ? 16 : 10;
  for (char c : s) {
    if (c == '_') continue;
    unsigned d = unsigned(hexValue(c));
    if (v > (UINT64_MAX - d) / base) overflow = true;
    v = v * base + d;
  }
  if (overflow) return LitStatus::OutOfRange;
  *out = v;
  return LitStatus::Ok;
}

LitStatus parseNat(std::string_view s, uint64_t* out) {
  if (s.size() >= 2 && s[0] == '0' && s[1] == 'x') return digitsToU64(s.substr(2), true, out);
  return digitsToU64(s, false, out);
}

// ---------------------------------------------------------------------------
// Float rounding.

struct FloatFormat {
  int mantBits;  // explicit significand bits (23 / 52)
  int expBits;   // 8 / 11
  int bias() const { return (1 << (expBits - 1)) - 1; }
};
constexpr FloatFormat kF32{23, 8};
constexpr FloatFormat kF64{52, 11};

// Rounds mant * 2^exp2 (plus a nonzero fraction below mant's last bit when
// `sticky`) to the nearest representable value, ties to even. Returns
// OutOfRange when the result would be infinite.
LitStatus roundToFormat(uint64_t mant, int64_t exp2, bool sticky, bool negative, FloatFormat f,
                        uint64_t* out) {
  const uint64_t signBit = negative ? uint64_t{1} << (f.mantBits + f.expBits) : 0;
  if (mant == 0) {  // callers never pass a lone sticky bit
    *out = signBit;
    return LitStatus::Ok;
  }
  int lz = std::countl_zero(mant);
  mant <<= lz;
  exp2 -= lz;
  const int64_t lead = exp2 + 63;  // exponent of the leading 1 bit
  const int p = f.mantBits + 1;
  const int64_t emin = 1 - f.bias();
  const int64_t emax = f.bias();
  if (lead > emax + 1) return LitStatus::OutOfRange;
  int64_t keep = p;  // significant bits that fit at this magnitude
  if (lead < emin) keep = p - (emin - lead);
  const int64_t shift = 64 - keep;  // low bits to round away (>= 11)
  uint64_t r;
  bool half;
  bool rest;
  if (shift >= 65) {
    r = 0;
    half = false;
    rest = true;
  } else if (shift == 64) {
    r = 0;
    half = (mant >> 63) != 0;
    rest = (mant << 1) != 0 || sticky;
  } else {
    r = mant >> shift;
    half = ((mant >> (shift - 1)) & 1) != 0;
    rest = (mant & ((uint64_t{1} << (shift - 1)) - 1)) != 0 || sticky;
  }
  if (half && (rest || (r & 1))) ++r;
  uint64_t bits;
  if (lead >= emin) {
    int64_t e = lead;
    if (r == (uint64_t{1} << p)) {
      r >>= 1;
      ++e;
    }
    if (e > emax) return LitStatus::OutOfRange;
    bits = (uint64_t(e + f.bias()) << f.mantBits) | (r & ((uint64_t{1} << f.mantBits) - 1));
  } else {
    // Subnormal: the encoding is the significand itself; a carry into bit
    // mantBits yields the smallest normal number, which is also correct.
    bits = r;
  }
  *out = bits | signBit;
  return LitStatus::Ok;
}

// Minimal arbitrary-precision unsigned integer for the slow decimal path.
class BigUint {
 public:
  explicit BigUint(uint64_t v = 0) {
    while (v) {
      limbs_.push_back(uint32_t(v));
      v >>= 32;
    }
  }
  bool isZero() const { return limbs_.empty(); }
  void mulAdd(uint32_t m, uint32_t a) {
    uint64_t carry = a;
    for (auto& l : limbs_) {
      uint64_t t = uint64_t(l) * m + carry;
      l = uint32_t(t);
      carry = t >> 32;
    }
    if (carry) limbs_.push_back(uint32_t(carry));
  }
  void mulPow5(int64_t n) {
    while (n >= 13) {
      mulAdd(1220703125u, 0);  // 5^13
      n -= 13;
    }
    uint32_t m = 1;
    while (n-- > 0) m *= 5;
    mulAdd(m, 0);
  }
  void shiftLeft(int64_t n) {
    if (isZero() || n == 0) return;
    size_t words = size_t(n / 32);
    int bits = int(n % 32);
    if (bits) {
      uint32_t carry = 0;
      for (auto& l : limbs_) {
        uint32_t next = l >> (32 - bits);
        l = (l << bits) | carry;
        carry = next;
      }
      if (carry) limbs_.push_back(carry);
    }
    limbs_.insert(limbs_.begin(), words, 0);
  }
  void shiftRight1() {
    for (size_t i = 0; i < limbs_.size(); ++i) {
      limbs_[i] = (limbs_[i] >> 1) | (i + 1 < limbs_.size() ? limbs_[i + 1] << 31 : 0);
    }
    trim();
  }
  int64_t bitLength() const {
    if (isZero()) return 0;
    return int64_t(limbs_.size() - 1) * 32 + (32 - std::countl_zero(limbs_.back()));
  }
  int compare(const BigUint& o) const {
    if (limbs_.size() != o.limbs_.size()) return limbs_.size() < o.limbs_.size() ? -1 : 1;
    for (size_t i = limbs_.size(); i-- > 0;) {
      if (limbs_[i] != o.limbs_[i]) return limbs_[i] < o.limbs_[i] ? -1 : 1;
    }
    return 0;
  }
  void subtract(const BigUint& o) {  // requires *this >= o
    int64_t borrow = 0;
    for (size_t i = 0; i < limbs_.size(); ++i) {
      int64_t t = int64_t(limbs_[i]) - borrow - (i < o.limbs_.size() ? int64_t(o.limbs_[i]) : 0);
      borrow = t < 0;
      limbs_[i] = uint32_t(t + (borrow << 32));
    }
    trim();
  }
  // The top 64 bits (shifted so the leading bit is bit 63 when bitLength >= 64),
  // the exponent of the lowest kept bit, and whether any dropped bit is set.
  void top64(uint64_t* mant, int64_t* exp2, bool* sticky) const {
    int64_t len = bitLength();
    int64_t drop = std::max<int64_t>(0, len - 64);
    uint64_t m = 0;
    for (int64_t b = len - 1; b >= drop; --b) m = (m << 1) | bit(b);
    bool s = false;
    for (int64_t b = 0; b < drop && !s; ++b) s = bit(b);
    *mant = m;
    *exp2 = drop;
    *sticky = s;
  }

 private:
  uint64_t bit(int64_t b) const { return (limbs_[size_t(b / 32)] >> (b % 32)) & 1; }
  void trim() {
    while (!limbs_.empty() && limbs_.back() == 0) limbs_.pop_back();
  }
  std::vector<uint32_t> limbs_;
};

// Decimal significand digits (no leading zeros) and a power-of-ten exponent.
LitStatus decimalToFloat(std::string_view digits, int64_t exp10, bool negative, FloatFormat f,
                         uint64_t* out) {
  if (digits.empty()) return roundToFormat(0, 0, false, negative, f, out);
  const int64_t nd = int64_t(digits.size());
  // value >= 10^(nd + exp10 - 1): beyond any finite f64 (and so f32).
  if (nd + exp10 > 310) return LitStatus::OutOfRange;
  // value < 10^(nd + exp10) <= 10^-330: below half the smallest f64 subnormal.
  if (nd + exp10 < -330) return roundToFormat(0, 0, false, negative, f, out);

  // Fast path: the significand and the power of ten are both exact in the
  // target type, so one IEEE operation rounds correctly.
  if (nd <= 19) {
    uint64_t d = 0;
    for (char c : digits) d = d * 10 + uint64_t(c - '0');
    if (f.mantBits == 52 && d < (uint64_t{1} << 53) && exp10 >= -22 && exp10 <= 22) {
      static constexpr double kPow[] = {1e0,  1e1,  1e2,  1e3,  1e4,  1e5,  1e6,  1e7,
                                        1e8,  1e9,  1e10, 1e11, 1e12, 1e13, 1e14, 1e15,
                                        1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
      double v = double(d);
      v = exp10 >= 0 ? v * kPow[exp10] : v / kPow[-exp10];
      if (negative) v = -v;
      *out = std::bit_cast<uint64_t>(v);
      return LitStatus::Ok;
    }
    if (f.mantBits == 23 && d < (uint64_t{1} << 24) && exp10 >= -10 && exp10 <= 10) {
      static constexpr float kPow[] = {1e0f, 1e1f, 1e2f, 1e3f, 1e4f, 1e5f, 1e6f, 1e7f, 1e8f, 1e9f, 1e10f};
      float v = float(d);
      v = exp10 >= 0 ? v * kPow[exp10] : v / kPow[-exp10];
      if (negative) v = -v;
      *out = std::bit_cast<uint32_t>(v);
      return LitStatus::Ok;
    }
  }

  BigUint d;
  for (char c : digits) d.mulAdd(10, uint32_t(c - '0'));
  uint64_t mant;
  int64_t exp2;
  bool sticky;
  if (exp10 >= 0) {
    // d * 10^e = (d * 5^e) * 2^e, an integer.
    d.mulPow5(exp10);
    d.top64(&mant, &exp2, &sticky);
    return roundToFormat(mant, exp2 + exp10, sticky, negative, f, out);
  }
  // d / 10^q = d / 5^q * 2^-q. Scale so the quotient has 66..69 bits.
  const int64_t q = -exp10;
  BigUint divisor(1);
  divisor.mulPow5(q);
  int64_t k = 68 - (d.bitLength() - divisor.bitLength());
  if (k >= 0) {
    d.shiftLeft(k);
  } else {
    divisor.shiftLeft(-k);
  }
  // Binary long division: quotient < 2^70.
  const int kQuotBits = 70;
  divisor.shiftLeft(kQuotBits - 1);
  uint64_t quotHi = 0;  // bits 64..69
  uint64_t quotLo = 0;
  for (int i = kQuotBits - 1; i >= 0; --i) {
    if (d.compare(divisor) >= 0) {
      d.subtract(divisor);
      if (i >= 64) {
        quotHi |= uint64_t{1} << (i - 64);
      } else {
        quotLo |= uint64_t{1} << i;
      }
    }
    divisor.shiftRight1();
  }
  sticky = !d.isZero();
  // Fold the quotient (up to 70 bits) into 64 bits + sticky.
  int hiBits = quotHi ? 64 - std::countl_zero(quotHi) : 0;
  if (hiBits > 0) {
    sticky = sticky || (quotLo & ((uint64_t{1} << hiBits) - 1)) != 0;
    mant = (quotHi << (64 - hiBits)) | (quotLo >> hiBits);
    exp2 = hiBits;
  } else {
    mant = quotLo;
    exp2 = 0;
  }
  return roundToFormat(mant, exp2 - k - q, sticky, negative, f, out);
}

// Saturating decimal exponent (with optional sign).
bool parseExponent(std::string_view s, int64_t* out) {
  bool neg = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    neg = s[0] == '-';
    s.remove_prefix(1);
  }
  if (s.empty() || scanDigits(s, false) != s.size()) return false;
  int64_t v = 0;
  for (char c : s) {
    if (c == '_') continue;
    v = std::min<int64_t>(v * 10 + (c - '0'), int64_t{1} << 40);
  }
  *out = neg ? -v : v;
  return true;
}

LitStatus parseFloat(std::string_view s, FloatFormat f, uint64_t* out) {
  bool negative = false;
  if (!s.empty() && (s[0] == '+' || s[0] == '-')) {
    negative = s[0] == '-';
    s.remove_prefix(1);
  }
  const uint64_t signBit = negative ? uint64_t{1} << (f.mantBits + f.expBits) : 0;
  const uint64_t expAll = ((uint64_t{1} << f.expBits) - 1) << f.mantBits;
  if (s == "inf") {
    *out = signBit | expAll;
    return LitStatus::Ok;
  }
  if (s == "nan") {
    *out = signBit | expAll | (uint64_t{1} << (f.mantBits - 1));
    return LitStatus::Ok;
  }
  if (s.starts_with("nan:0x")) {
    uint64_t payload;
    LitStatus st = digitsToU64(s.substr(6), true, &payload);
    if (st == LitStatus::Malformed) return st;
    if (st == LitStatus::OutOfRange || payload == 0 || payload >= (uint64_t{1} << f.mantBits)) {
      return LitStatus::OutOfRange;
    }
    *out = signBit | expAll | payload;
    return LitStatus::Ok;
  }

  const bool hex = s.size() >= 2 && s[0] == '0' && s[1] == 'x';
  if (hex) s.remove_prefix(2);
  size_t intLen = scanDigits(s, hex);
  if (intLen == 0) return LitStatus::Malformed;
  std::string_view intPart = s.substr(0, intLen);
  std::string_view fracPart;
  s.remove_prefix(intLen);
  if (!s.empty() && s[0] == '.') {
    s.remove_prefix(1);
    size_t fracLen = scanDigits(s, hex);
    fracPart = s.substr(0, fracLen);
    s.remove_prefix(fracLen);
  }
  int64_t exp = 0;
  if (!s.empty()) {
    char e = s[0];
    if (hex ? (e != 'p' && e != 'P') : (e != 'e' && e != 'E')) return LitStatus::Malformed;
    if (!parseExponent(s.substr(1), &exp)) return LitStatus::Malformed;
  }

  if (hex) {
    // Keep the first 16 significant hex digits; later nonzero digits are sticky.
    uint64_t mant = 0;
    int kept = 0;
    bool sticky = false;
    int64_t exp2 = exp;
    auto feed = [&](char c, bool fractional) {
      if (c == '_') return;
      unsigned d = unsigned(hexValue(c));
      if (kept == 0 && d == 0) {
        if (fractional) exp2 -= 4;
        return;
      }
      if (kept < 16) {
        mant = (mant << 4) | d;
        ++kept;
        if (fractional) exp2 -= 4;
      } else {
        if (d) sticky = true;
        if (!fractional) exp2 += 4;
      }
    };
    for (char c : intPart) feed(c, false);
    for (char c : fracPart) feed(c, true);
    if (mant == 0) return roundToFormat(0, 0, false, negative, f, out);
    // Keep the exponent finite for the rounding arithmetic.
    exp2 = std::clamp<int64_t>(exp2, -(int64_t{1} << 42), int64_t{1} << 42);
    return roundToFormat(mant, exp2, sticky, negative, f, out);
  }

  // Decimal: collect significant digits, dropping leading and trailing zeros.
  constexpr size_t kMaxDigits = 800;  // more never changes the rounding, beyond a sticky digit
  std::string digits;
  digits.reserve(std::min(intPart.size() + fracPart.size(), kMaxDigits + 1));
  int64_t exp10 = exp;
  bool truncatedNonZero = false;
  auto feed = [&](char c, bool fractional) {
    if (c == '_') return;
    if (fractional) --exp10;
    if (digits.empty() && c == '0') return;
    if (digits.size() < kMaxDigits) {
      digits.push_back(c);
    } else {
      ++exp10;  // dropped digit
      if (c != '0') truncatedNonZero = true;
    }
  };
  for (char c : intPart) feed(c, false);
  for (char c : fracPart) feed(c, true);
  if (truncatedNonZero) {
    // A trailing nonzero digit below all kept ones stands in for the dropped tail.
    digits.push_back('1');
    --exp10;
  }
  size_t last = digits.find_last_not_of('0');
  if (last == std::string::npos) {
    digits.clear();
  } else {
    exp10 += int64_t(digits.size() - 1 - last);
    digits.resize(last + 1);
  }
  return decimalToFloat(digits, exp10, negative, f, out);
}

}  // namespace

LitStatus parseUnsigned(std::string_view text, uint64_t max, uint64_t* out) {
  uint64_t v;
  LitStatus st = parseNat(text, &v);
  if (st != LitStatus::Ok) return st;
  if (v > max) return LitStatus::OutOfRange;
  *out = v;
  return LitStatus::Ok;
}

LitStatus parseInteger(std::string_view text, unsigned bits, uint64_t* out) {
  bool negative = false;
  if (!text.empty() && (text[0] == '+' || text[0] == '-')) {
    negative = text[0] == '-';
    text.remove_prefix(1);
  }
  uint64_t v;
  LitStatus st = parseNat(text, &v);
  if (st != LitStatus::Ok) return st;
  const uint64_t mask = bits == 64 ? ~uint64_t{0} : (uint64_t{1} << bits) - 1;
  if (negative) {
    if (v > (uint64_t{1} << (bits - 1))) return LitStatus::OutOfRange;
    *out = (~v + 1) & mask;
  } else {
    if (v > mask) return LitStatus::OutOfRange;
    *out = v;
  }
  return LitStatus::Ok;
}

LitStatus parseF32(std::string_view text, uint32_t* out) {
  uint64_t bits;
  LitStatus st = parseFloat(text, kF32, &bits);
  if (st == LitStatus::Ok) *out = uint32_t(bits);
  return st;
}

LitStatus parseF64(std::string_view text, uint64_t* out) { return parseFloat(text, kF64, out); }

NumberShape classifyNumber(std::string_view p) {
  bool sign = false;
  if (!p.empty() && (p[0] == '+' || p[0] == '-')) {
    sign = true;
    p.remove_prefix(1);
  }
  if (p == "inf" || p == "nan") return NumberShape::Float;
  if (p.starts_with("nan:0x")) {
    std::string_view h = p.substr(6);
    return !h.empty() && scanDigits(h, true) == h.size() ? NumberShape::Float : NumberShape::None;
  }
  const bool hex = p.size() >= 2 && p[0] == '0' && p[1] == 'x';
  if (hex) p.remove_prefix(2);
  size_t n = scanDigits(p, hex);
  if (n == 0) return NumberShape::None;
  p.remove_prefix(n);
  bool isFloat = false;
  if (!p.empty() && p[0] == '.') {
    isFloat = true;
    p.remove_prefix(1);
    p.remove_prefix(scanDigits(p, hex));
  }
  if (!p.empty() && (hex ? (p[0] == 'p' || p[0] == 'P') : (p[0] == 'e' || p[0] == 'E'))) {
    isFloat = true;
    p.remove_prefix(1);
    if (!p.empty() && (p[0] == '+' || p[0] == '-')) p.remove_prefix(1);
    n = scanDigits(p, false);
    if (n == 0) return NumberShape::None;
    p.remove_prefix(n);
  }
  if (!p.empty()) return NumberShape::None;
  if (isFloat) return NumberShape::Float;
  return sign ? NumberShape::Int : NumberShape::Nat;
}

}  // namespace wharf::text
