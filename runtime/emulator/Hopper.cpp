//===- Hopper.cpp - sm_90 asynchronous-unit semantics ---------------------===//

#include "emulator/Hopper.h"

#include "emulator/Collectives.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <limits>

namespace fused::emu {

//===----------------------------------------------------------------------===//
// mbarrier
//===----------------------------------------------------------------------===//

namespace {

/// Completes the phase when nothing is pending.
void maybeComplete(MBarrier &b, bool *completed) {
  bool done = b.pending == 0 && b.tx == 0;
  if (done) {
    ++b.phase;
    b.pending = b.expected;
  }
  if (completed)
    *completed = done;
}

} // namespace

std::string mbarrierInit(MBarrier &b, int64_t count) {
  if (b.live)
    return "mbarrier initialised again while live (phase " +
           std::to_string(b.phase) + "; invalidate it first)";
  if (count < 1 || count > kMBarrierMaxCount)
    return "mbarrier initialised with arrival count " + std::to_string(count) +
           " (the PTX ISA allows 1 to 2^20 - 1)";
  b = MBarrier();
  b.live = true;
  b.expected = b.pending = count;
  return "";
}

std::string mbarrierInval(MBarrier &b) {
  if (!b.live)
    return "mbarrier invalidated while not initialised";
  b = MBarrier();
  return "";
}

std::string mbarrierAddTx(MBarrier &b, int64_t delta, bool *completed) {
  if (completed)
    *completed = false;
  if (!b.live)
    return "transaction count changed on an mbarrier that is not initialised";
  int64_t tx = b.tx + delta;
  if (tx > kMBarrierMaxCount || tx < -kMBarrierMaxCount)
    return "mbarrier transaction count " + std::to_string(tx) +
           " out of range (the PTX ISA allows -(2^20 - 1) to 2^20 - 1)";
  b.tx = tx;
  // Only a completion of bytes can finish a phase whose arrivals are in.
  if (b.pending == 0)
    maybeComplete(b, completed);
  return "";
}

std::string mbarrierArrive(MBarrier &b, int64_t count, bool *completed,
                           uint32_t *phaseBefore) {
  if (completed)
    *completed = false;
  if (phaseBefore)
    *phaseBefore = b.phase;
  if (!b.live)
    return "arrive on an mbarrier that is not initialised";
  if (count < 1 || count > b.pending)
    return "arrive with count " + std::to_string(count) + " on an mbarrier "
           "with " + std::to_string(b.pending) + " arrival" +
           (b.pending == 1 ? "" : "s") + " pending in phase " +
           std::to_string(b.phase);
  b.pending -= count;
  maybeComplete(b, completed);
  return "";
}

bool mbarrierParityDone(const MBarrier &b, uint32_t parity) {
  return (b.phase & 1u) != (parity & 1u);
}

//===----------------------------------------------------------------------===//
// Swizzling
//===----------------------------------------------------------------------===//

uint32_t swizzleSpan(Swizzle s) {
  switch (s) {
  case Swizzle::None:
    return 16;
  case Swizzle::B32:
    return 32;
  case Swizzle::B64:
    return 64;
  case Swizzle::B128:
    return 128;
  }
  return 16;
}

uint32_t swizzleAddress(uint32_t addr, Swizzle s) {
  uint32_t mask = swizzleSpan(s) / 16 - 1; // 0, 1, 3 or 7.
  return addr ^ (((addr >> 7) & mask) << 4);
}

//===----------------------------------------------------------------------===//
// Tensor maps and TMA
//===----------------------------------------------------------------------===//

namespace {

Swizzle tensorMapSwizzle(const TensorMap &m) {
  static const Swizzle modes[] = {Swizzle::None, Swizzle::B32, Swizzle::B64,
                                  Swizzle::B128};
  return modes[m.swizzle & 3];
}

/// Bytes of the NaN an out-of-bounds element gets with NaN fill.
void nanBytes(int elementBytes, uint8_t *out) {
  switch (elementBytes) {
  case 2: {
    uint16_t v = 0x7fff;
    std::memcpy(out, &v, 2);
    return;
  }
  case 4: {
    uint32_t v = 0x7fffffff;
    std::memcpy(out, &v, 4);
    return;
  }
  case 8: {
    uint64_t v = 0x7fffffffffffffffull;
    std::memcpy(out, &v, 8);
    return;
  }
  default:
    std::memset(out, 0, elementBytes);
  }
}

/// Calls fn(global byte address or 0 when out of bounds, box byte offset)
/// for every element of the box at `coords`.
template <typename Fn>
void forEachBoxElement(const TensorMap &m, const int32_t *coords, Fn fn) {
  int rank = m.rank;
  uint64_t boxElements = 1;
  for (int d = 0; d < rank; ++d)
    boxElements *= m.boxDim[d];
  int64_t index[5] = {0, 0, 0, 0, 0};
  for (uint64_t e = 0; e < boxElements; ++e) {
    bool inside = true;
    uint64_t addr = m.globalAddress;
    for (int d = 0; d < rank; ++d) {
      int64_t c = static_cast<int64_t>(coords[d]) + index[d];
      if (c < 0 || static_cast<uint64_t>(c) >= m.globalDim[d]) {
        inside = false;
        break;
      }
      addr += static_cast<uint64_t>(c) *
              (d == 0 ? m.elementBytes : m.globalStrides[d - 1]);
    }
    fn(inside ? addr : 0, e * m.elementBytes);
    for (int d = 0; d < rank; ++d) {
      if (++index[d] < m.boxDim[d])
        break;
      index[d] = 0;
    }
  }
}

std::string checkBox(const TensorMap &m, uint64_t sharedBytes, uint32_t at) {
  if (m.magic != kTensorMapMagic)
    return "the tensor map operand is not a tensor map encoded for the "
           "emulator";
  if (at % 128 != 0)
    return "shared address " + std::to_string(at) +
           " of a tensor copy is not 128-byte aligned";
  if (at + tensorMapBoxBytes(m) > sharedBytes)
    return "a tensor copy's box of " + std::to_string(tensorMapBoxBytes(m)) +
           " bytes at shared address " + std::to_string(at) +
           " runs past the end of shared memory (" +
           std::to_string(sharedBytes) + " bytes)";
  return "";
}

} // namespace

std::string encodeTensorMap(const TensorMapFields &f, TensorMap &map) {
  auto field = [](const char *name, int i) {
    return std::string(name) + "[" + std::to_string(i) + "]";
  };
  if (f.rank < 1 || f.rank > 5)
    return "tensor rank " + std::to_string(f.rank) + " (1 to 5 allowed)";
  if (f.elementBytes != 1 && f.elementBytes != 2 && f.elementBytes != 4 &&
      f.elementBytes != 8)
    return "element size " + std::to_string(f.elementBytes) + " bytes";
  if (f.globalAddress % 16 != 0)
    return "globalAddress is not 16-byte aligned";
  for (int d = 0; d < f.rank; ++d) {
    if (f.globalDim[d] < 1 || f.globalDim[d] > (uint64_t(1) << 32))
      return field("globalDim", d) + " = " + std::to_string(f.globalDim[d]) +
             " (1 to 2^32 allowed)";
    if (f.boxDim[d] < 1 || f.boxDim[d] > 256)
      return field("boxDim", d) + " = " + std::to_string(f.boxDim[d]) +
             " (1 to 256 allowed)";
    if (f.elementStrides[d] < 1 || f.elementStrides[d] > 8)
      return field("elementStrides", d) + " = " +
             std::to_string(f.elementStrides[d]) + " (1 to 8 allowed)";
    if (f.elementStrides[d] != 1)
      return field("elementStrides", d) + " = " +
             std::to_string(f.elementStrides[d]) +
             ": the emulator implements element strides of 1";
  }
  for (int d = 0; d + 1 < f.rank; ++d)
    if (f.globalStrides[d] % 16 != 0 ||
        f.globalStrides[d] >= (uint64_t(1) << 40))
      return field("globalStrides", d) + " = " +
             std::to_string(f.globalStrides[d]) +
             " (a multiple of 16 below 2^40 required)";
  uint64_t inner = uint64_t(f.boxDim[0]) * f.elementBytes;
  if (inner % 16 != 0)
    return "boxDim[0] * element size = " + std::to_string(inner) +
           " bytes is not a multiple of 16";
  if (f.swizzle < 0 || f.swizzle > 3)
    return "swizzle mode " + std::to_string(f.swizzle) +
           " (0 none, 1 32B, 2 64B, 3 128B)";
  if (f.swizzle) {
    uint32_t span = 16u << f.swizzle;
    if (inner > span)
      return "boxDim[0] * element size = " + std::to_string(inner) +
             " bytes exceeds the swizzle span of " + std::to_string(span);
    if (inner != span)
      return "boxDim[0] * element size = " + std::to_string(inner) +
             " bytes: the emulator implements swizzled boxes whose "
             "innermost dimension is exactly the swizzle span (" +
             std::to_string(span) + " bytes)";
  }
  if (f.oobNan && !f.isFloat)
    return "NaN out-of-bounds fill asked for a tensor of integers";
  std::memset(&map, 0, sizeof(map));
  map.magic = kTensorMapMagic;
  map.rank = static_cast<uint8_t>(f.rank);
  map.elementBytes = static_cast<uint8_t>(f.elementBytes);
  map.swizzle = static_cast<uint8_t>(f.swizzle);
  map.oobNan = f.oobNan ? 1 : 0;
  map.globalAddress = f.globalAddress;
  for (int d = 0; d < f.rank; ++d) {
    map.globalDim[d] = f.globalDim[d];
    map.boxDim[d] = f.boxDim[d];
    map.elementStrides[d] = f.elementStrides[d];
  }
  for (int d = 0; d + 1 < f.rank; ++d)
    map.globalStrides[d] = f.globalStrides[d];
  return "";
}

uint64_t tensorMapBoxBytes(const TensorMap &map) {
  uint64_t n = map.elementBytes;
  for (int d = 0; d < map.rank && d < 5; ++d)
    n *= map.boxDim[d];
  return n;
}

namespace {

/// Appends [addr, addr + n) to `runs`, merged with the last run when
/// contiguous.
void addRun(std::vector<std::pair<uint64_t, uint64_t>> *runs, uint64_t addr,
            uint64_t n) {
  if (!runs)
    return;
  if (!runs->empty() && runs->back().first + runs->back().second == addr)
    runs->back().second += n;
  else
    runs->push_back({addr, n});
}

} // namespace

std::string tmaLoad(const TensorMap &map, const int32_t *coords,
                    uint8_t *shared, uint64_t sharedBytes, uint32_t dst,
                    std::vector<std::pair<uint64_t, uint64_t>> *globalRuns) {
  if (std::string e = checkBox(map, sharedBytes, dst); !e.empty())
    return e;
  Swizzle sw = tensorMapSwizzle(map);
  uint8_t fill[8] = {};
  if (map.oobNan)
    nanBytes(map.elementBytes, fill);
  int esz = map.elementBytes;
  forEachBoxElement(map, coords, [&](uint64_t src, uint64_t offset) {
    uint8_t *to =
        shared + swizzleAddress(dst + static_cast<uint32_t>(offset), sw);
    if (src) {
      std::memcpy(to, reinterpret_cast<const void *>(src), esz);
      addRun(globalRuns, src, esz);
    } else {
      std::memcpy(to, fill, esz);
    }
  });
  return "";
}

std::string tmaStore(const TensorMap &map, const int32_t *coords,
                     const uint8_t *shared, uint64_t sharedBytes, uint32_t src,
                     std::vector<std::pair<uint64_t, uint64_t>> *globalRuns) {
  if (std::string e = checkBox(map, sharedBytes, src); !e.empty())
    return e;
  Swizzle sw = tensorMapSwizzle(map);
  int esz = map.elementBytes;
  forEachBoxElement(map, coords, [&](uint64_t to, uint64_t offset) {
    if (!to)
      return;
    std::memcpy(reinterpret_cast<void *>(to),
                shared +
                    swizzleAddress(src + static_cast<uint32_t>(offset), sw),
                esz);
    addRun(globalRuns, to, esz);
  });
  return "";
}

uint64_t tensorMapExtent(const TensorMap &map) {
  uint64_t last = 0;
  for (int d = 0; d < map.rank && d < 5; ++d)
    last += (map.globalDim[d] - 1) *
            (d == 0 ? map.elementBytes : map.globalStrides[d - 1]);
  return last + map.elementBytes;
}

//===----------------------------------------------------------------------===//
// wgmma
//===----------------------------------------------------------------------===//

MatrixDescriptor decodeMatrixDescriptor(uint64_t bits) {
  MatrixDescriptor d;
  d.start = static_cast<uint32_t>(bits & 0x3fff) << 4;
  d.leadingBytes = static_cast<uint32_t>((bits >> 16) & 0x3fff) << 4;
  d.strideBytes = static_cast<uint32_t>((bits >> 32) & 0x3fff) << 4;
  d.baseOffset = static_cast<uint32_t>((bits >> 49) & 7);
  static const Swizzle modes[] = {Swizzle::None, Swizzle::B128, Swizzle::B64,
                                  Swizzle::B32};
  d.swizzle = modes[(bits >> 62) & 3];
  return d;
}

uint64_t encodeMatrixDescriptor(const MatrixDescriptor &d) {
  uint64_t mode = d.swizzle == Swizzle::B128  ? 1
                  : d.swizzle == Swizzle::B64 ? 2
                  : d.swizzle == Swizzle::B32 ? 3
                                              : 0;
  return (uint64_t((d.start >> 4) & 0x3fff)) |
         (uint64_t((d.leadingBytes >> 4) & 0x3fff) << 16) |
         (uint64_t((d.strideBytes >> 4) & 0x3fff) << 32) |
         (uint64_t(d.baseOffset & 7) << 49) | (mode << 62);
}

uint32_t wgmmaOperandAddress(const MatrixDescriptor &d, bool mnMajor,
                             int elementBytes, uint32_t mn, uint32_t k) {
  uint32_t esz = static_cast<uint32_t>(elementBytes);
  uint32_t t = 16 / esz;
  uint32_t w = swizzleSpan(d.swizzle) / 16;
  uint32_t off;
  if (!mnMajor) {
    off = d.swizzle == Swizzle::None
              ? (mn % 8) * 16 + (mn / 8) * d.strideBytes +
                    (k / t) * d.leadingBytes + (k % t) * esz
              : (mn % 8) * 16 * w + (mn / 8) * d.strideBytes + (k / t) * 16 +
                    (k % t) * esz;
  } else {
    off = d.swizzle == Swizzle::None
              ? (mn % t) * esz + (mn / t) * d.strideBytes + (k % 8) * 16 +
                    (k / 8) * d.leadingBytes
              : (mn % t) * esz + ((mn / t) % w) * 16 +
                    (mn / (t * w)) * d.leadingBytes + (k % 8) * 16 * w +
                    (k / 8) * d.strideBytes;
  }
  return swizzleAddress(d.start + off, d.swizzle);
}

void wgmmaRegisterAPosition(int lane, int e, int *row, int *k) {
  int g = lane / 4, q = lane % 4;
  *row = g + 8 * ((e / 2) % 2);
  *k = 2 * q + e % 2 + 8 * (e / 4);
}

void wgmmaAccumulatorPosition(int thread, int reg, int *row, int *col) {
  int w = thread / 32, lane = thread % 32, g = lane / 4, q = lane % 4;
  int j = reg / 4, p = reg % 4;
  *row = 16 * w + g + 8 * (p / 2);
  *col = 8 * j + 2 * q + (p % 2);
}

namespace {

float element(WgmmaType type, const uint8_t *p) {
  uint16_t bits;
  std::memcpy(&bits, p, 2);
  return type == WgmmaType::F16 ? halfToFloat(bits) : bf16ToFloat(bits);
}

std::string checkDescriptor(const MatrixDescriptor &d, const char *name) {
  if (d.baseOffset != 0)
    return std::string("wgmma operand ") + name + " has base offset " +
           std::to_string(d.baseOffset) +
           ": the emulator implements base offset 0 (patterns starting on "
           "their repeat boundary)";
  // A swizzled operand's pattern repeats every 8 rows of its span; the PTX
  // ISA asks for base offset (start >> 7) & 7 where the start is not on
  // that boundary (a start moved along a 128-byte row, as K steps move
  // it, stays on it).
  if (d.swizzle != Swizzle::None) {
    uint32_t repeat = 8 * swizzleSpan(d.swizzle);
    if (d.start % repeat >= 128)
      return std::string("wgmma operand ") + name +
             " starts at shared address " + std::to_string(d.start) + ", " +
             std::to_string(d.start % repeat) + " bytes into the " +
             std::to_string(repeat) +
             "-byte repeat of its swizzle pattern, with base offset 0 (a "
             "tile not aligned to the pattern, which TMA swizzles by "
             "address)";
  }
  return "";
}

std::string pastTheEnd(const char *name, uint32_t addr, uint64_t sharedBytes) {
  return std::string("wgmma operand ") + name + " reaches shared address " +
         std::to_string(addr) + ", past the end of shared memory (" +
         std::to_string(sharedBytes) + " bytes)";
}

std::string checkOperands(const WgmmaOperands &op, MatrixDescriptor &a,
                          MatrixDescriptor &b) {
  if (op.n < 8 || op.n > 256 || op.n % 8 != 0)
    return "wgmma with N = " + std::to_string(op.n) +
           " (a multiple of 8 from 8 to 256)";
  if ((op.scaleA != 1 && op.scaleA != -1) ||
      (op.scaleB != 1 && op.scaleB != -1))
    return "wgmma input scale other than 1 or -1";
  a = decodeMatrixDescriptor(op.descA);
  b = decodeMatrixDescriptor(op.descB);
  if (!op.registerA)
    if (std::string e = checkDescriptor(a, "A"); !e.empty())
      return e;
  return checkDescriptor(b, "B");
}

} // namespace

std::string wgmmaFootprint(const WgmmaOperands &op, uint64_t sharedBytes,
                           std::vector<std::pair<uint32_t, uint32_t>> &read) {
  MatrixDescriptor a, b;
  if (std::string e = checkOperands(op, a, b); !e.empty())
    return e;
  // By 16-byte chunks (8 elements contiguous along the major dimension),
  // which swizzling moves whole.
  auto operand = [&](const MatrixDescriptor &d, bool mnMajor, int rows,
                     const char *name) -> std::string {
    for (int mn = 0; mn < rows; mn += mnMajor ? 8 : 1)
      for (int k = 0; k < 16; k += mnMajor ? 1 : 8) {
        uint32_t at = wgmmaOperandAddress(d, mnMajor, 2, mn, k);
        if (at + 16 > sharedBytes)
          return pastTheEnd(name, at + 16, sharedBytes);
        read.push_back({at, 16});
      }
    return "";
  };
  if (!op.registerA)
    if (std::string e = operand(a, op.transA, 64, "A"); !e.empty())
      return e;
  if (std::string e = operand(b, op.transB, op.n, "B"); !e.empty())
    return e;
  // Sorted and merged: the swizzle permutes chunks within rows, so the
  // bytes read are a few contiguous ranges.
  std::sort(read.begin(), read.end());
  std::vector<std::pair<uint32_t, uint32_t>> merged;
  for (auto [at, n] : read) {
    if (!merged.empty() &&
        merged.back().first + merged.back().second >= at) {
      uint32_t end = std::max(merged.back().first + merged.back().second,
                              at + n);
      merged.back().second = end - merged.back().first;
    } else {
      merged.push_back({at, n});
    }
  }
  read.swap(merged);
  return "";
}

std::string wgmmaThread(const WgmmaOperands &op, const uint8_t *shared,
                        uint64_t sharedBytes, int thread, float *d) {
  MatrixDescriptor a, b;
  if (std::string e = checkOperands(op, a, b); !e.empty())
    return e;
  // The thread's two rows of A and N / 4 columns of B, 16 deep.
  int row0, col0;
  wgmmaAccumulatorPosition(thread, 0, &row0, &col0);
  float as[2][16];
  for (int h = 0; h < 2; ++h)
    for (int k = 0; k < 16; ++k) {
      if (op.registerA) {
        as[h][k] = op.scaleA * op.registerA[(row0 % 16 + 8 * h) * 16 + k];
        continue;
      }
      uint32_t at = wgmmaOperandAddress(a, op.transA, 2, row0 + 8 * h, k);
      if (at + 2 > sharedBytes)
        return pastTheEnd("A", at + 2, sharedBytes);
      as[h][k] = op.scaleA * element(op.type, shared + at);
    }
  std::vector<float> bs(static_cast<size_t>(op.n / 4) * 16);
  for (int j = 0; j < op.n / 8; ++j)
    for (int c = 0; c < 2; ++c)
      for (int k = 0; k < 16; ++k) {
        uint32_t at =
            wgmmaOperandAddress(b, op.transB, 2, 8 * j + col0 + c, k);
        if (at + 2 > sharedBytes)
          return pastTheEnd("B", at + 2, sharedBytes);
        bs[(2 * j + c) * 16 + k] = op.scaleB * element(op.type, shared + at);
      }
  for (int reg = 0; reg < op.n / 2; ++reg) {
    int j = reg / 4, p = reg % 4;
    const float *x = as[p / 2];
    const float *y = &bs[(2 * j + p % 2) * 16];
    float sum = 0.0f;
    for (int k = 0; k < 16; ++k)
      sum += x[k] * y[k];
    d[reg] = op.scaleD ? d[reg] + sum : sum;
  }
  return "";
}

} // namespace fused::emu
