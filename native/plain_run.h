// The string scanner's fast step, apart so that it can be checked on its own on every
// architecture it has a path for (x86-64 SSE2, arm64 NEON; others use the byte loop alone).
#ifndef TRAWL_PLAIN_RUN_H
#define TRAWL_PLAIN_RUN_H

#include <cstdint>

#if defined(__SSE2__) && (defined(__GNUC__) || defined(__clang__))
#include <emmintrin.h>
#define TRAWL_PLAIN_RUN_SSE2 1
#elif defined(__aarch64__) && defined(__ARM_NEON) && (defined(__GNUC__) || defined(__clang__))
#include <arm_neon.h>
#define TRAWL_PLAIN_RUN_NEON 1
#endif

namespace trawl {

// Past the bytes from p that a JSON string scan need not look at, sixteen at a time while
// sixteen remain: stops at the first quote, backslash, or byte under 0x20 or over 0x7f (one
// signed comparison finds both), or where fewer than sixteen bytes are left — the byte loop
// takes it from there. Never reads at or past end.
inline const uint8_t* plainRun(const uint8_t* p, const uint8_t* end) {
#if defined(TRAWL_PLAIN_RUN_SSE2)
  while (end - p >= 16) {
    const __m128i v = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p));
    const __m128i hit = _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(v, _mm_set1_epi8('"')), _mm_cmpeq_epi8(v, _mm_set1_epi8('\\'))),
                                     _mm_cmplt_epi8(v, _mm_set1_epi8(0x20)));
    const int m = _mm_movemask_epi8(hit);
    if (m != 0) return p + __builtin_ctz(static_cast<unsigned>(m));
    p += 16;
  }
#elif defined(TRAWL_PLAIN_RUN_NEON)
  while (end - p >= 16) {
    const uint8x16_t v = vld1q_u8(p);
    const uint8x16_t hit = vorrq_u8(vorrq_u8(vceqq_u8(v, vdupq_n_u8('"')), vceqq_u8(v, vdupq_n_u8('\\'))),
                                    vcltq_s8(vreinterpretq_s8_u8(v), vdupq_n_s8(0x20)));
    // Four bits per byte: the narrowing shift packs the 128-bit mask into 64.
    const uint64_t m = vget_lane_u64(vreinterpret_u64_u8(vshrn_n_u16(vreinterpretq_u16_u8(hit), 4)), 0);
    if (m != 0) return p + (__builtin_ctzll(m) >> 2);
    p += 16;
  }
#else
  (void)end;
#endif
  return p;
}

}  // namespace trawl

#endif
