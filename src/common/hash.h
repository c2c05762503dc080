// Hashing of values a module chooses (constants, types): keyed by a
// per-process seed, so a module cannot pick values that all share a bucket.
#pragma once

#include <chrono>
#include <cstdint>

namespace wharf {

// A 64-bit finalizer (splitmix64's): every input bit affects every output bit.
constexpr uint64_t mix64(uint64_t x) {
  x ^= x >> 30;
  x *= 0xBF58476D1CE4E5B9ull;
  x ^= x >> 27;
  x *= 0x94D049BB133111EBull;
  return x ^ (x >> 31);
}

// Chosen once per process from the clock and the address of a static.
inline uint64_t processHashSeed() {
  static const uint64_t seed = mix64(uint64_t(std::chrono::steady_clock::now().time_since_epoch().count()) ^
                                     reinterpret_cast<uintptr_t>(&seed));
  return seed;
}

}  // namespace wharf
