//===- Float16.h - IEEE binary16 and bfloat16 conversions -------*- C++ -*-===//
//
// Bit-exact conversions between float and the 16-bit formats the kernels
// use, for the emulator's collectives and the runtime's bundle runner.
// Plain C++17.
//
//===----------------------------------------------------------------------===//

#ifndef FUSED_RUNTIME_FLOAT16_H
#define FUSED_RUNTIME_FLOAT16_H

#include <cstdint>

namespace fused::rt {

/// Widens an IEEE binary16 value to float (exact: subnormals, infinities and
/// NaNs included; a NaN keeps its payload).
float halfToFloat(uint16_t h);

/// Narrows a float to IEEE binary16, rounding to nearest even. Values that
/// round past the largest finite half (65504) become infinity, tiny values
/// become subnormals or signed zero, and NaNs stay (quiet) NaNs.
uint16_t floatToHalf(float f);

/// Widens a bfloat16 value to float (exact).
float bf16ToFloat(uint16_t h);

/// Narrows a float to bfloat16, rounding to nearest even; NaNs stay (quiet)
/// NaNs rather than rounding into infinity.
uint16_t floatToBf16(float f);

} // namespace fused::rt

#endif // FUSED_RUNTIME_FLOAT16_H
