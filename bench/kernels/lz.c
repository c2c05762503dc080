// LZ77-style compressor (hash chains over a 64 KiB window, LZ4-like sequence
// format) plus decompressor, run over text-like generated data; every round
// decompresses and verifies the round trip.
#include "common.h"

#define BLOCK (1 << 20)
#define ROUNDS BENCH_SIZE(30, 3)
#define WINDOW (1 << 16)
#define HASH_BITS 15
#define MIN_MATCH 4
#define MAX_CHAIN 48

static uint8_t input[BLOCK];
static uint8_t packed[BLOCK + BLOCK / 8 + 64];
static uint8_t output[BLOCK];
static int32_t head[1 << HASH_BITS];
static int32_t prev_pos[WINDOW];

static inline uint32_t load32(const uint8_t* p) {
  return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24;
}

static inline uint32_t hash4(const uint8_t* p) { return (load32(p) * 2654435761u) >> (32 - HASH_BITS); }

// Text-like input: words drawn with a skewed distribution from a generated
// vocabulary, separators, and occasional random noise bytes.
static void generate(Rng* rng) {
  static uint8_t vocab[256][12];
  static uint8_t vlen[256];
  for (int w = 0; w < 256; ++w) {
    vlen[w] = (uint8_t)(2 + rng_u32(rng) % 10);
    for (int i = 0; i < vlen[w]; ++i) vocab[w][i] = (uint8_t)('a' + rng_u32(rng) % 26);
  }
  size_t n = 0;
  while (n < BLOCK) {
    uint32_t r = rng_u32(rng);
    if ((r & 63) == 0) {
      input[n++] = (uint8_t)(r >> 8);  // noise
      continue;
    }
    // Squaring a uniform index favours low word numbers, like natural text.
    uint32_t u = (r >> 8) & 255;
    int w = (int)((u * u) >> 8);
    for (int i = 0; i < vlen[w] && n < BLOCK; ++i) input[n++] = vocab[w][i];
    if (n < BLOCK) input[n++] = (r >> 16) % 11 == 0 ? '\n' : ' ';
  }
}

static uint8_t* put_length(uint8_t* op, size_t extra) {
  while (extra >= 255) {
    *op++ = 255;
    extra -= 255;
  }
  *op++ = (uint8_t)extra;
  return op;
}

static uint8_t* emit(uint8_t* op, const uint8_t* lit, size_t nlit, size_t offset, size_t mlen) {
  uint8_t* token = op++;
  size_t ml = mlen ? mlen - MIN_MATCH : 0;
  *token = (uint8_t)((nlit < 15 ? nlit : 15) << 4 | (ml < 15 ? ml : 15));
  if (nlit >= 15) op = put_length(op, nlit - 15);
  for (size_t i = 0; i < nlit; ++i) *op++ = lit[i];
  if (mlen) {
    *op++ = (uint8_t)offset;
    *op++ = (uint8_t)(offset >> 8);
    if (ml >= 15) op = put_length(op, ml - 15);
  }
  return op;
}

static size_t compress(const uint8_t* in, size_t n, uint8_t* out) {
  for (int i = 0; i < (1 << HASH_BITS); ++i) head[i] = -1;
  uint8_t* op = out;
  size_t anchor = 0, pos = 0;
  while (pos + MIN_MATCH <= n) {
    uint32_t hv = hash4(in + pos);
    int32_t cand = head[hv];
    prev_pos[pos & (WINDOW - 1)] = cand;
    head[hv] = (int32_t)pos;
    size_t best_len = 0, best_off = 0;
    for (int chain = 0; cand >= 0 && chain < MAX_CHAIN; ++chain) {
      size_t off = pos - (size_t)cand;
      if (off >= WINDOW) break;
      if (in[cand + best_len] == in[pos + best_len]) {
        size_t len = 0;
        while (pos + len < n && in[cand + len] == in[pos + len]) ++len;
        if (len > best_len) {
          best_len = len;
          best_off = off;
        }
      }
      cand = prev_pos[cand & (WINDOW - 1)];
    }
    if (best_len >= MIN_MATCH) {
      op = emit(op, in + anchor, pos - anchor, best_off, best_len);
      // Index the covered positions so later matches can reference them.
      size_t end = pos + best_len;
      for (++pos; pos < end && pos + MIN_MATCH <= n; ++pos) {
        uint32_t h2 = hash4(in + pos);
        prev_pos[pos & (WINDOW - 1)] = head[h2];
        head[h2] = (int32_t)pos;
      }
      pos = end;
      anchor = pos;
    } else {
      ++pos;
    }
  }
  op = emit(op, in + anchor, n - anchor, 0, 0);
  return (size_t)(op - out);
}

static size_t get_length(const uint8_t** ip, size_t base) {
  if (base != 15) return base;
  uint8_t b;
  do {
    b = *(*ip)++;
    base += b;
  } while (b == 255);
  return base;
}

// Returns the decoded size, or (size_t)-1 on malformed input.
static size_t decompress(const uint8_t* in, size_t n, uint8_t* out, size_t cap) {
  const uint8_t* ip = in;
  const uint8_t* end = in + n;
  size_t o = 0;
  while (ip < end) {
    uint8_t token = *ip++;
    size_t nlit = get_length(&ip, token >> 4);
    if (o + nlit > cap || ip + nlit > end) return (size_t)-1;
    for (size_t i = 0; i < nlit; ++i) out[o++] = *ip++;
    if (ip >= end) break;  // final sequence carries literals only
    size_t off = (size_t)ip[0] | (size_t)ip[1] << 8;
    ip += 2;
    size_t mlen = get_length(&ip, token & 15) + MIN_MATCH;
    if (off == 0 || off > o || o + mlen > cap) return (size_t)-1;
    // Byte-wise copy: overlapping matches replicate recent bytes (RLE).
    for (size_t i = 0; i < mlen; ++i, ++o) out[o] = out[o - off];
  }
  return o;
}

EXPORT int64_t run(void) {
  Rng rng = {0x5EEDULL};
  uint64_t h = 0;
  for (int r = 0; r < ROUNDS; ++r) {
    generate(&rng);
    size_t csize = compress(input, BLOCK, packed);
    size_t dsize = decompress(packed, csize, output, BLOCK);
    int ok = dsize == BLOCK;
    for (size_t i = 0; ok && i < BLOCK; ++i) ok = output[i] == input[i];
    if (!ok) return -1 - r;
    uint64_t fnv = 0xcbf29ce484222325ULL;
    for (size_t i = 0; i < csize; ++i) fnv = (fnv ^ packed[i]) * 0x100000001b3ULL;
    h = mix64(h, csize);
    h = mix64(h, fnv);
  }
  return (int64_t)h;
}
