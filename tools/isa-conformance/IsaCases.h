//===- IsaCases.h - inputs and report of the ISA conformance kernels ------===//
//
// The cases that tools/isa-conformance feeds through the warp instructions
// the emulator implements (mma.sync m16n8k16 f16/bf16, ldmatrix x1/x2/x4
// with and without .trans, shfl.sync in every mode and width), on a GPU
// (isa_conformance.cu, inline PTX) and through the emulator's collectives
// (IsaConformanceEmu.cpp). Both print one line per lane and case in the
// same format, so that the two outputs must be identical byte for byte.
// Every input value is distinct per lane and register where the type
// allows, and every mma result is exact in f32 (operands are multiples of
// 1/4 in [-4, 4], accumulators multiples of 1/2), so the order of the
// additions does not matter. Host C++ only; included by nvcc and g++.
//
//===----------------------------------------------------------------------===//

#ifndef FUSED_ISA_CASES_H
#define FUSED_ISA_CASES_H

#include <cstdint>
#include <cstdio>
#include <cstring>

namespace isa {

constexpr int kLanes = 32;

/// The bits of an f16 or bf16 holding `v`, which must be exactly
/// representable (a normal number or zero).
inline uint16_t bits16(float v, bool bf16) {
  uint32_t f;
  std::memcpy(&f, &v, 4);
  if (bf16)
    return static_cast<uint16_t>(f >> 16);
  uint32_t sign = (f >> 16) & 0x8000u;
  int exp = static_cast<int>((f >> 23) & 0xff);
  if (exp == 0)
    return static_cast<uint16_t>(sign);
  return static_cast<uint16_t>(sign | ((exp - 127 + 15) << 10) |
                               ((f & 0x7fffffu) >> 13));
}

/// Operand element i: a multiple of 1/4 in [-4, 4].
inline float operand(int i) { return static_cast<float>((i * 7) % 33 - 16) / 4; }

/// Per-lane registers of one mma.sync: A (4 x b32, two elements each), B
/// (2 x b32), C (4 x f32).
struct MmaInputs {
  uint32_t a[kLanes][4];
  uint32_t b[kLanes][2];
  float c[kLanes][4];
};

inline MmaInputs mmaInputs(bool bf16) {
  MmaInputs in;
  for (int l = 0; l < kLanes; ++l) {
    for (int r = 0; r < 4; ++r) {
      int e = l * 8 + r * 2;
      in.a[l][r] = bits16(operand(e), bf16) |
                   (static_cast<uint32_t>(bits16(operand(e + 1), bf16)) << 16);
      in.c[l][r] = static_cast<float>((l * 4 + r) % 9 - 4) / 2;
    }
    for (int r = 0; r < 2; ++r) {
      int e = 1000 + l * 4 + r * 2;
      in.b[l][r] = bits16(operand(e), bf16) |
                   (static_cast<uint32_t>(bits16(operand(e + 1), bf16)) << 16);
    }
  }
  return in;
}

/// The shared-memory tile ldmatrix reads: four 8x8 matrices of distinct b16.
constexpr int kLdmatrixElements = 4 * 64;
inline uint16_t ldmatrixElement(int i) {
  return static_cast<uint16_t>(i * 37 + 11);
}

/// The element offset of the row whose address lane `lane` supplies: a
/// permuted row of matrix lane / 8.
inline int ldmatrixRow(int lane) {
  return (lane / 8) * 64 + ((lane % 8) * 3 % 8) * 8;
}

/// shfl.sync cases: every mode, every width, a few operands.
enum ShflMode { Idx = 0, Up = 1, Down = 2, Bfly = 3 };
struct ShflCase {
  int mode;
  int width;
  int b;
};
constexpr int kShflWidths[] = {32, 16, 8, 4, 2, 1};
constexpr int kShflOperands[] = {0, 1, 3, 7, 17, 31};
constexpr int kNumShflCases = 4 * 6 * 6;

inline ShflCase shflCase(int i) {
  return {i / 36, kShflWidths[(i / 6) % 6], kShflOperands[i % 6]};
}
/// The b operand lane `lane` passes: a source lane for idx (varying per
/// lane), an offset otherwise.
inline uint32_t shflB(const ShflCase &c, int lane) {
  return c.mode == Idx ? static_cast<uint32_t>((lane * 5 + c.b) % 32)
                       : static_cast<uint32_t>(c.b);
}
/// The c operand: ((32 - width) << 8) | 0x1f, without the 0x1f for up.
inline uint32_t shflC(const ShflCase &c) {
  return (static_cast<uint32_t>(32 - c.width) << 8) |
         (c.mode == Up ? 0u : 0x1fu);
}
inline uint32_t shflValue(int lane) {
  return static_cast<uint32_t>(lane + 1) * 0x9E3779B1u;
}
inline const char *shflModeName(int mode) {
  static const char *names[] = {"idx", "up", "down", "bfly"};
  return names[mode];
}

inline uint32_t floatBits(float f) {
  uint32_t u;
  std::memcpy(&u, &f, 4);
  return u;
}

inline void printMma(FILE *out, bool bf16, const float d[kLanes][4]) {
  for (int l = 0; l < kLanes; ++l)
    std::fprintf(out, "mma.m16n8k16.%s lane %d: %08x %08x %08x %08x\n",
                 bf16 ? "bf16" : "f16", l, floatBits(d[l][0]),
                 floatBits(d[l][1]), floatBits(d[l][2]), floatBits(d[l][3]));
}

inline void printLdmatrix(FILE *out, int num, bool trans,
                          const uint32_t r[kLanes][4]) {
  for (int l = 0; l < kLanes; ++l) {
    std::fprintf(out, "ldmatrix.x%d%s lane %d:", num, trans ? ".trans" : "",
                 l);
    for (int q = 0; q < num; ++q)
      std::fprintf(out, " %08x", r[l][q]);
    std::fprintf(out, "\n");
  }
}

inline void printShfl(FILE *out, const ShflCase &c, const uint32_t v[kLanes],
                      const uint32_t p[kLanes]) {
  for (int l = 0; l < kLanes; ++l)
    std::fprintf(out, "shfl.%s width %d b %d lane %d: %08x %u\n",
                 shflModeName(c.mode), c.width, c.b, l, v[l], p[l]);
}

} // namespace isa

#endif // FUSED_ISA_CASES_H
