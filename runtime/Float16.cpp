//===- Float16.cpp - IEEE binary16 and bfloat16 conversions ---------------===//
//
// Bit-level conversions, written from the IEEE 754 encodings; shared by the
// emulator's collectives and the runtime's bundle runner.
//
//===----------------------------------------------------------------------===//

#include "fused/Runtime/Float16.h"

#include <cstring>

namespace fused::rt {
namespace {

uint32_t floatBits(float f) {
  uint32_t bits;
  std::memcpy(&bits, &f, sizeof(bits));
  return bits;
}

float bitsToFloat(uint32_t bits) {
  float f;
  std::memcpy(&f, &bits, sizeof(f));
  return f;
}

/// Shifts `value` right by `shift` (1..31) bits, rounding to nearest even.
uint32_t shiftRightRoundEven(uint32_t value, int shift) {
  uint32_t kept = value >> shift;
  uint32_t rest = value & ((1u << shift) - 1);
  uint32_t halfway = 1u << (shift - 1);
  if (rest > halfway || (rest == halfway && (kept & 1)))
    ++kept;
  return kept;
}

} // namespace

float halfToFloat(uint16_t h) {
  uint32_t sign = static_cast<uint32_t>(h >> 15) << 31;
  uint32_t exponent = (h >> 10) & 0x1f;
  uint32_t mantissa = h & 0x3ff;
  if (exponent == 0x1f) // Infinity or NaN; the payload moves up unchanged.
    return bitsToFloat(sign | 0x7f800000u | (mantissa << 13));
  if (exponent != 0)
    return bitsToFloat(sign | ((exponent - 15 + 127) << 23) | (mantissa << 13));
  if (mantissa == 0)
    return bitsToFloat(sign);
  // Subnormal: mantissa * 2^-24. Normalise it into a float significand.
  int shift = 0;
  while (!(mantissa & 0x400)) {
    mantissa <<= 1;
    ++shift;
  }
  // The value is now 1.m * 2^(-14 - shift).
  uint32_t floatExponent = static_cast<uint32_t>(-14 - shift + 127);
  return bitsToFloat(sign | (floatExponent << 23) | ((mantissa & 0x3ff) << 13));
}

uint16_t floatToHalf(float f) {
  uint32_t bits = floatBits(f);
  auto sign = static_cast<uint16_t>((bits >> 16) & 0x8000);
  int exponent = static_cast<int>((bits >> 23) & 0xff);
  uint32_t mantissa = bits & 0x7fffff;
  if (exponent == 0xff) {
    if (mantissa == 0)
      return sign | 0x7c00;
    // Keep the top of the payload and set the quiet bit, so that a payload
    // living only in the low bits does not turn into infinity.
    return sign | 0x7e00 | static_cast<uint16_t>(mantissa >> 13);
  }
  if (exponent == 0) // Zero or a float subnormal: far below half's range.
    return sign;
  int unbiased = exponent - 127;
  if (unbiased > 15)
    return sign | 0x7c00;
  uint32_t significand = mantissa | 0x800000; // 24 bits, value * 2^-23.
  if (unbiased >= -14) {
    // Normal range. Rounding may carry into the exponent, which is the
    // correct encoding, up to and including infinity (0x7c00).
    uint32_t rounded = shiftRightRoundEven(significand, 13); // 11 bits.
    uint32_t result =
        (static_cast<uint32_t>(unbiased + 15) << 10) + (rounded - 0x400);
    if (result >= 0x7c00)
      return sign | 0x7c00;
    return sign | static_cast<uint16_t>(result);
  }
  // Subnormal result: count units of 2^-24, i.e. significand * 2^(e + 1).
  int shift = -unbiased - 1; // At least 14.
  if (shift > 24)            // Below half a unit: rounds to zero.
    return sign;
  // A carry into 0x400 gives the smallest normal, again the right encoding.
  return sign | static_cast<uint16_t>(shiftRightRoundEven(significand, shift));
}

float bf16ToFloat(uint16_t h) {
  return bitsToFloat(static_cast<uint32_t>(h) << 16);
}

uint16_t floatToBf16(float f) {
  uint32_t bits = floatBits(f);
  if ((bits & 0x7f800000u) == 0x7f800000u && (bits & 0x7fffff) != 0)
    return static_cast<uint16_t>((bits >> 16) | 0x0040); // Quiet NaN.
  // Round to nearest even on the low 16 bits; a carry moves into the
  // exponent, up to infinity, which is the correct result.
  uint32_t rounded = bits + 0x7fff + ((bits >> 16) & 1);
  return static_cast<uint16_t>(rounded >> 16);
}

} // namespace fused::rt
