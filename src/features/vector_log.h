// Natural logarithm of a vector of floats.
//
// glibc's logf is scalar and was about 15% of a log-mel clip. This is
// Cephes' logf (x = m 2^e with m in [sqrt(1/2), sqrt(2)), a polynomial in
// m - 1, ln 2 split in two for the exponent term). Over every 97th normal
// float it is within 0.8 ulp of the exact logarithm, as glibc's logf is
// (relative error 8e-8): the golden tests allow 2.3e-3 on log features.
// Only normal positive finite lanes are valid; the caller sends the others
// (0, subnormals, negatives, inf, NaN) to std::log, so each value's result
// depends only on the value.
#pragma once

#include <limits>

#include "simd.h"

namespace earshot::simd {

// The floats Log takes: normal, positive and finite.
constexpr float kLogMin = std::numeric_limits<float>::min();
constexpr float kLogMax = std::numeric_limits<float>::max();

// The lanes of x that Log takes (NaN fails both tests).
template <typename V>
EARSHOT_INLINE Mask<V> LogDomain(V x) {
  return (x >= kLogMin) & (x <= kLogMax);
}

template <typename V>
EARSHOT_INLINE V Log(V x) {
  const Mask<V> bits = Bits(x);
  // x = m * 2^e, m in [0.5, 1): the exponent field, and the mantissa with
  // the exponent of 0.5.
  Mask<V> e = ((bits >> 23) & 0xff) - 126;
  V m = FromBits<V>((bits & 0x007fffff) | 0x3f000000);
  // Below sqrt(1/2), take 2m and e - 1, so that m - 1 is in [-0.29, 0.41).
  const Mask<V> small = m < 0.707106781186547524f;  // -1 where true
  e += small;
  m = (m - 1.f) + FromBits<V>(Bits(m) & small);  // 2m - 1 or m - 1, both exact
  // Cephes' polynomial p(m) = c8 m^8 + ... + c0 in Estrin's scheme rather
  // than Horner's: four dependent steps instead of nine, so that the
  // evaluations of neighbouring vectors overlap.
  const V z = m * m, z2 = z * z;
  const V c01 = 3.3333331174e-1f + m * -2.4999993993e-1f;
  const V c23 = 2.0000714765e-1f + m * -1.6668057665e-1f;
  const V c45 = 1.4249322787e-1f + m * -1.2420140846e-1f;
  const V c67 = 1.1676998740e-1f + m * -1.1514610310e-1f;
  const V c03 = c01 + z * c23, c47 = c45 + z * c67;
  const V p = (c03 + z2 * c47) + (z2 * z2) * 7.0376836292e-2f;
  V y = p * m * z;  // m^3 p(m)
  const V fe = __builtin_convertvector(e, V);
  y += fe * -2.12194440e-4f;  // ln 2 = 0.693359375 - 2.12194440e-4, the first part exact
  y -= 0.5f * z;
  return (m + y) + fe * 0.693359375f;
}

}  // namespace earshot::simd
