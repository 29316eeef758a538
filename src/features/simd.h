// Float vectors for the front end's inner loops.
//
// GCC's and Clang's vector extension rather than intrinsics: the same
// source compiles to SSE2, which every x86-64 CPU has, and elsewhere to
// that machine's vectors. A kernel is written once as a template over the
// vector type and built twice: with F4 (four lanes) for any CPU, and with
// F8 (eight lanes) inside a function marked EARSHOT_AVX2, called when
// HasAvx2() says the CPU runs it. No -march flag is needed, and the binary
// runs on any x86-64 machine.
//
// Every operation works lane by lane with the rounding of the same scalar
// operation (target "avx2" does not enable FMA, so nothing is fused), so a
// value comes out the same whichever lane, vector width or remainder loop
// it went through: these kernels give the same bits on every x86-64 CPU,
// and a clip gives the same features alone or in a batch.
//
// F8 values never cross a call that is not inlined (the kernels and these
// helpers are always inlined into their entry points), so the build
// silences GCC's note that AVX changes the ABI of passing them (-Wpsabi).
#pragma once

#include <cstdint>
#include <cstring>

#define EARSHOT_INLINE inline __attribute__((always_inline))

#if defined(__x86_64__)
#define EARSHOT_AVX2 __attribute__((target("avx2")))
#else
#define EARSHOT_AVX2
#endif

namespace earshot::simd {

typedef float F4 __attribute__((vector_size(16)));
typedef float F8 __attribute__((vector_size(32)));

template <typename V>
constexpr int kLanes = sizeof(V) / sizeof(float);

// The integer vector a comparison of two V gives: -1 where true, 0 where
// false.
template <typename V>
using Mask = decltype(V{} < V{});

// Asked once; __builtin_cpu_init makes the answer right even when the
// first call comes from another static initialiser.
inline bool HasAvx2() {
#if defined(__x86_64__)
  static const bool has = (__builtin_cpu_init(), __builtin_cpu_supports("avx2"));
  return has;
#else
  return false;
#endif
}

// Unaligned load and store (memcpy compiles to one movups).
template <typename V>
EARSHOT_INLINE V Load(const float* p) {
  V v;
  std::memcpy(&v, p, sizeof v);
  return v;
}

template <typename V>
EARSHOT_INLINE void Store(float* p, V v) {
  std::memcpy(p, &v, sizeof v);
}

// x in every lane. A shuffle, not V{x, x, ...}: GCC builds such an F8
// lane by lane when the code was written outside an AVX2 function, where a
// shuffle still becomes one broadcast once inlined.
template <typename V>
EARSHOT_INLINE V Splat(float x) {
  const F4 one{x};
  if constexpr (kLanes<V> == 4) {
    return __builtin_shufflevector(one, one, 0, 0, 0, 0);
  } else {
    return __builtin_shufflevector(one, one, 0, 0, 0, 0, 0, 0, 0, 0);
  }
}

// The bits of a float vector as integers, and back.
template <typename V>
EARSHOT_INLINE Mask<V> Bits(V x) {
  Mask<V> b;
  std::memcpy(&b, &x, sizeof b);
  return b;
}

template <typename V>
EARSHOT_INLINE V FromBits(Mask<V> b) {
  V x;
  std::memcpy(&x, &b, sizeof x);
  return x;
}

// Whether every lane of a comparison's result is true.
template <typename M>
EARSHOT_INLINE bool AllTrue(M mask) {
  uint64_t words[sizeof(M) / 8];
  std::memcpy(words, &mask, sizeof words);
  uint64_t all = ~uint64_t{0};
  for (uint64_t w : words) all &= w;
  return all == ~uint64_t{0};
}

// Two F4 side by side, and the halves of an F8.
EARSHOT_INLINE F8 Concat(F4 low, F4 high) {
  return __builtin_shufflevector(low, high, 0, 1, 2, 3, 4, 5, 6, 7);
}

EARSHOT_INLINE F4 Low(F8 v) { return __builtin_shufflevector(v, v, 0, 1, 2, 3); }

EARSHOT_INLINE F4 High(F8 v) { return __builtin_shufflevector(v, v, 4, 5, 6, 7); }

// Rows a, b, c, d of a 4x4 matrix become its columns.
EARSHOT_INLINE void Transpose(F4& a, F4& b, F4& c, F4& d) {
  const F4 ab_lo = __builtin_shufflevector(a, b, 0, 4, 1, 5);  // a0 b0 a1 b1
  const F4 ab_hi = __builtin_shufflevector(a, b, 2, 6, 3, 7);  // a2 b2 a3 b3
  const F4 cd_lo = __builtin_shufflevector(c, d, 0, 4, 1, 5);  // c0 d0 c1 d1
  const F4 cd_hi = __builtin_shufflevector(c, d, 2, 6, 3, 7);  // c2 d2 c3 d3
  a = __builtin_shufflevector(ab_lo, cd_lo, 0, 1, 4, 5);       // a0 b0 c0 d0
  b = __builtin_shufflevector(ab_lo, cd_lo, 2, 3, 6, 7);       // a1 b1 c1 d1
  c = __builtin_shufflevector(ab_hi, cd_hi, 0, 1, 4, 5);       // a2 b2 c2 d2
  d = __builtin_shufflevector(ab_hi, cd_hi, 2, 3, 6, 7);       // a3 b3 c3 d3
}

}  // namespace earshot::simd
