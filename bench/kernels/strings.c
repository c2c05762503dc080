// String processing over generated prose: tokenizing, case folding, parsing
// numbers, word counting in an open-addressing hash table, and substring
// search.
#include "common.h"

#define TEXT_BYTES (1 << 21)
#define ROUNDS BENCH_SIZE(60, 6)
#define TABLE_BITS 16
#define TABLE_SIZE (1 << TABLE_BITS)

static char text[TEXT_BYTES + 1];
static char lowered[TEXT_BYTES + 1];

typedef struct {
  uint32_t start, len, count, hash;
} Entry;
static Entry table[TABLE_SIZE];

static const char* const syllables[] = {"ka",  "lo",  "mi",  "ne",  "ru",  "sa", "ti", "vo", "zen", "qua",
                                        "str", "pho", "ble", "ing", "ter", "an", "or", "ex", "ul",  "y"};
#define NSYL (int)(sizeof(syllables) / sizeof(syllables[0]))

// Sentences of capitalised pseudo-words, numbers and punctuation.
static void generate(Rng* rng) {
  size_t n = 0;
  int start_of_sentence = 1;
  while (n + 64 < TEXT_BYTES) {
    uint32_t r = rng_u32(rng);
    if (r % 13 == 0) {
      uint32_t v = rng_u32(rng) % 100000;
      char digits[8];
      int d = 0;
      do {
        digits[d++] = (char)('0' + v % 10);
        v /= 10;
      } while (v);
      while (d) text[n++] = digits[--d];
    } else {
      // Skewed syllable count and choice make some words much more common.
      int nsyl = 1 + (int)((r >> 4) % 3) * (int)((r >> 6) & 1);
      for (int s = 0; s < nsyl; ++s) {
        uint32_t u = rng_u32(rng) % NSYL;
        const char* syl = syllables[(u * u) / NSYL];
        for (int i = 0; syl[i]; ++i) {
          char c = syl[i];
          if (start_of_sentence && s == 0 && i == 0) c = (char)(c - 'a' + 'A');
          text[n++] = c;
        }
      }
    }
    start_of_sentence = 0;
    uint32_t p = (r >> 12) % 20;
    if (p == 0) {
      text[n++] = '.';
      start_of_sentence = 1;
    } else if (p == 1) {
      text[n++] = ',';
    } else if (p == 2) {
      text[n++] = '\n';
      continue;
    }
    text[n++] = ' ';
  }
  while (n < TEXT_BYTES) text[n++] = ' ';
  text[n] = 0;
}

static int is_alpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
static int is_digit(char c) { return c >= '0' && c <= '9'; }

static int bytes_equal(const char* a, const char* b, uint32_t len) {
  for (uint32_t i = 0; i < len; ++i)
    if (a[i] != b[i]) return 0;
  return 1;
}

static void count_word(uint32_t start, uint32_t len, uint32_t hash) {
  uint32_t slot = hash & (TABLE_SIZE - 1);
  for (;;) {
    Entry* e = &table[slot];
    if (e->len == 0) {
      e->start = start;
      e->len = len;
      e->count = 1;
      e->hash = hash;
      return;
    }
    if (e->hash == hash && e->len == len && bytes_equal(lowered + e->start, lowered + start, len)) {
      ++e->count;
      return;
    }
    slot = (slot + 1) & (TABLE_SIZE - 1);
  }
}

static uint32_t count_occurrences(const char* hay, size_t n, const char* needle) {
  size_t m = 0;
  while (needle[m]) ++m;
  uint32_t hits = 0;
  for (size_t i = 0; i + m <= n; ++i) {
    if (hay[i] != needle[0]) continue;
    if (bytes_equal(hay + i, needle, (uint32_t)m)) ++hits;
  }
  return hits;
}

EXPORT int64_t run(void) {
  Rng rng = {0x7E57ULL};
  uint64_t h = 0;
  for (int r = 0; r < ROUNDS; ++r) {
    generate(&rng);
    for (int i = 0; i < TABLE_SIZE; ++i) table[i].len = 0;
    for (size_t i = 0; i < TEXT_BYTES; ++i) {
      char c = text[i];
      lowered[i] = (c >= 'A' && c <= 'Z') ? (char)(c + 32) : c;
    }
    uint64_t number_sum = 0, words = 0, numbers = 0, sentences = 0;
    size_t i = 0;
    while (i < TEXT_BYTES) {
      char c = lowered[i];
      if (is_alpha(c)) {
        uint32_t start = (uint32_t)i, hash = 2166136261u;
        while (i < TEXT_BYTES && is_alpha(lowered[i])) hash = (hash ^ (uint8_t)lowered[i++]) * 16777619u;
        count_word(start, (uint32_t)i - start, hash);
        ++words;
      } else if (is_digit(c)) {
        uint64_t v = 0;
        while (i < TEXT_BYTES && is_digit(lowered[i])) v = v * 10 + (uint64_t)(lowered[i++] - '0');
        number_sum += v;
        ++numbers;
      } else {
        sentences += c == '.';
        ++i;
      }
    }
    uint32_t distinct = 0, best = 0, best_slot = 0;
    uint64_t table_hash = 0;
    for (uint32_t s = 0; s < TABLE_SIZE; ++s) {
      if (!table[s].len) continue;
      ++distinct;
      table_hash += (uint64_t)table[s].hash * table[s].count;
      if (table[s].count > best) {
        best = table[s].count;
        best_slot = s;
      }
    }
    h = mix64(h, words);
    h = mix64(h, numbers);
    h = mix64(h, sentences);
    h = mix64(h, number_sum);
    h = mix64(h, distinct);
    h = mix64(h, table_hash);
    h = mix64(h, (uint64_t)best << 32 | table[best_slot].hash);
    h = mix64(h, count_occurrences(text, TEXT_BYTES, "zenka"));
    h = mix64(h, count_occurrences(lowered, TEXT_BYTES, "ter, "));
    h = mix64(h, count_occurrences(text, TEXT_BYTES, ". Qua"));
  }
  return (int64_t)h;
}
