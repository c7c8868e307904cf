// Checks trawl::plainRun against its definition on random buffers: it must stop exactly at the
// first byte needing a look when one lies within the 16-byte blocks it scanned, never skip one,
// and never go past end.
#include "plain_run.h"  // native/, on the include path
#include <cstdio>
#include <cstdlib>
#include <algorithm>
#include <vector>
static bool special(uint8_t c) { return c == '"' || c == '\\' || c < 0x20 || c >= 0x80; }
int main() {
  uint64_t seed = 88172645463325252ull;
  auto rnd = [&]() { seed ^= seed << 13; seed ^= seed >> 7; seed ^= seed << 17; return seed; };
  std::vector<uint8_t> buf(256);
  long checks = 0;
  for (int iter = 0; iter < 2000000; iter++) {
    const size_t n = rnd() % 100;
    const int density = rnd() % 4;  // how often a special byte appears
    for (size_t i = 0; i < n; i++) {
      const uint64_t r = rnd();
      buf[i] = (density > 0 && r % (density * 23) == 0) ? static_cast<uint8_t>(rnd() % 256) : static_cast<uint8_t>(' ' + (r >> 8) % 95);
    }
    const uint8_t* p = buf.data();
    const uint8_t* end = p + n;
    const uint8_t* got = trawl::plainRun(p, end);
    size_t first = 0;
    while (first < n && !special(buf[first])) first++;
    const size_t at = got - p;
#if defined(TRAWL_PLAIN_RUN_SSE2) || defined(TRAWL_PLAIN_RUN_NEON)
    // Whole blocks while 16 bytes remain: the first special byte if it lies in one, else where
    // the tail of fewer than 16 bytes begins.
    const size_t block = first / 16 * 16;
    const size_t want = (first < n && block + 16 <= n) ? first : (n < 16 ? 0 : std::min(block, n - n % 16));
    const bool ok = at == want;
#else
    const bool ok = at == 0;
#endif
    if (!ok) {
      std::printf("FAIL n=%zu first=%zu at=%zu\n", n, first, at);
      return 1;
    }
    checks++;
  }
  std::printf("ok %ld checks (%s)\n", checks,
#if defined(TRAWL_PLAIN_RUN_SSE2)
              "sse2"
#elif defined(TRAWL_PLAIN_RUN_NEON)
              "neon"
#else
              "byte loop"
#endif
  );
  return 0;
}
