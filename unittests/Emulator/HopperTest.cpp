//===- HopperTest.cpp - mbarrier, TMA and wgmma semantics -----------------===//
//
// runtime/emulator/Hopper.h against the PTX ISA's rules and against plain
// loops: mbarrier phases and transaction counts, the swizzle map, tensor
// map checks, TMA box copies (swizzled, out of bounds), and wgmma on
// operands laid out by TMA as GEMM kernels lay them out (128-byte swizzle,
// A K-major, B N-major, K advanced by the descriptor's start address),
// compared with a triple loop on integer-valued inputs (exact).
//
//===----------------------------------------------------------------------===//

#include "emulator/Hopper.h"

#include "fused/Runtime/Float16.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstdlib>
#include <cstring>
#include <random>
#include <vector>

using namespace fused::emu;
using fused::rt::bf16ToFloat;
using fused::rt::floatToBf16;
using fused::rt::floatToHalf;
using fused::rt::halfToFloat;

namespace {

//===----------------------------------------------------------------------===//
// mbarrier
//===----------------------------------------------------------------------===//

TEST(MBarrierTest, PhaseCompletesWhenAllArrive) {
  MBarrier b;
  ASSERT_EQ(mbarrierInit(b, 3), "");
  bool done = true;
  uint32_t before = 9;
  EXPECT_FALSE(mbarrierParityDone(b, 0));
  ASSERT_EQ(mbarrierArrive(b, 1, &done, &before), "");
  EXPECT_FALSE(done);
  EXPECT_EQ(before, 0u);
  ASSERT_EQ(mbarrierArrive(b, 2, &done, &before), "");
  EXPECT_TRUE(done);
  EXPECT_EQ(b.phase, 1u);
  EXPECT_EQ(b.pending, 3);
  // Phase 0 (parity 0) is complete; phase 1 is not.
  EXPECT_TRUE(mbarrierParityDone(b, 0));
  EXPECT_FALSE(mbarrierParityDone(b, 1));
}

TEST(MBarrierTest, TransactionsHoldThePhase) {
  MBarrier b;
  ASSERT_EQ(mbarrierInit(b, 1), "");
  bool done = true;
  // arrive.expect_tx: expect first, then arrive.
  ASSERT_EQ(mbarrierAddTx(b, 4096, &done), "");
  EXPECT_FALSE(done);
  ASSERT_EQ(mbarrierArrive(b, 1, &done, nullptr), "");
  EXPECT_FALSE(done);
  ASSERT_EQ(mbarrierAddTx(b, -2048, &done), "");
  EXPECT_FALSE(done);
  ASSERT_EQ(mbarrierAddTx(b, -2048, &done), "");
  EXPECT_TRUE(done);
  EXPECT_TRUE(mbarrierParityDone(b, 0));
}

TEST(MBarrierTest, BytesMayCompleteBeforeTheyAreExpected) {
  MBarrier b;
  ASSERT_EQ(mbarrierInit(b, 1), "");
  bool done = true;
  ASSERT_EQ(mbarrierAddTx(b, -512, &done), "");
  EXPECT_EQ(b.tx, -512);
  EXPECT_FALSE(done);
  ASSERT_EQ(mbarrierAddTx(b, 512, &done), "");
  EXPECT_FALSE(done); // The arrival is still pending.
  ASSERT_EQ(mbarrierArrive(b, 1, &done, nullptr), "");
  EXPECT_TRUE(done);
}

TEST(MBarrierTest, MisuseIsReported) {
  MBarrier b;
  EXPECT_NE(mbarrierArrive(b, 1, nullptr, nullptr), "");
  EXPECT_NE(mbarrierInit(b, 0), "");
  EXPECT_NE(mbarrierInit(b, kMBarrierMaxCount + 1), "");
  ASSERT_EQ(mbarrierInit(b, 2), "");
  EXPECT_NE(mbarrierInit(b, 2).find("while live"), std::string::npos);
  EXPECT_NE(mbarrierArrive(b, 3, nullptr, nullptr).find("2 arrivals pending"),
            std::string::npos);
  EXPECT_NE(mbarrierAddTx(b, kMBarrierMaxCount + 1, nullptr), "");
  ASSERT_EQ(mbarrierInval(b), "");
  EXPECT_NE(mbarrierInval(b), "");
  EXPECT_EQ(mbarrierInit(b, 2), ""); // Reusable once invalidated.
}

//===----------------------------------------------------------------------===//
// Swizzling
//===----------------------------------------------------------------------===//

TEST(SwizzleTest, KnownAddresses) {
  EXPECT_EQ(swizzleAddress(0x000, Swizzle::B128), 0x000u);
  EXPECT_EQ(swizzleAddress(0x080, Swizzle::B128), 0x090u);
  EXPECT_EQ(swizzleAddress(0x3f0, Swizzle::B128), 0x380u);
  EXPECT_EQ(swizzleAddress(0x3f5, Swizzle::B128), 0x385u);
  EXPECT_EQ(swizzleAddress(0x400, Swizzle::B128), 0x400u); // Repeats at 1 KiB.
  EXPECT_EQ(swizzleAddress(0x080, Swizzle::B64), 0x090u);
  EXPECT_EQ(swizzleAddress(0x180, Swizzle::B64), 0x1b0u);
  EXPECT_EQ(swizzleAddress(0x200, Swizzle::B64), 0x200u);
  EXPECT_EQ(swizzleAddress(0x080, Swizzle::B32), 0x090u);
  EXPECT_EQ(swizzleAddress(0x100, Swizzle::B32), 0x100u);
  EXPECT_EQ(swizzleAddress(0x1f0, Swizzle::None), 0x1f0u);
}

TEST(SwizzleTest, PermutesChunksWithinTheirSpan) {
  for (Swizzle s : {Swizzle::B32, Swizzle::B64, Swizzle::B128}) {
    uint32_t span = swizzleSpan(s);
    for (uint32_t unit = 0; unit < 4096; unit += span) {
      std::vector<bool> seen(span / 16, false);
      for (uint32_t a = unit; a < unit + span; a += 16) {
        uint32_t p = swizzleAddress(a, s);
        ASSERT_GE(p, unit);
        ASSERT_LT(p, unit + span);
        seen[(p - unit) / 16] = true;
      }
      for (bool b : seen)
        EXPECT_TRUE(b);
    }
  }
}

//===----------------------------------------------------------------------===//
// Tensor maps and TMA
//===----------------------------------------------------------------------===//

/// A 2-D row-major tensor of 16-bit values v(r, c) = r * 256 + c.
struct Tensor2D {
  int rows, cols;
  std::vector<uint16_t> data;
  Tensor2D(int r, int c) : rows(r), cols(c), data(size_t(r) * c) {
    for (int i = 0; i < r; ++i)
      for (int j = 0; j < c; ++j)
        data[size_t(i) * c + j] = static_cast<uint16_t>(i * 256 + j);
  }
  TensorMapFields fields(uint32_t boxCols, uint32_t boxRows, int swizzle) {
    TensorMapFields f;
    f.rank = 2;
    f.elementBytes = 2;
    f.isFloat = true;
    f.globalAddress = reinterpret_cast<uint64_t>(data.data());
    f.globalDim[0] = cols;
    f.globalDim[1] = rows;
    f.globalStrides[0] = uint64_t(cols) * 2;
    f.boxDim[0] = boxCols;
    f.boxDim[1] = boxRows;
    f.swizzle = swizzle;
    return f;
  }
};

/// 16-byte aligned storage for shared memory.
struct Shared {
  std::vector<uint64_t> words;
  explicit Shared(size_t bytes) : words(bytes / 8, 0) {}
  uint8_t *data() { return reinterpret_cast<uint8_t *>(words.data()); }
  size_t size() const { return words.size() * 8; }
  uint16_t at(uint32_t addr) {
    uint16_t v;
    std::memcpy(&v, data() + addr, 2);
    return v;
  }
};

TEST(TensorMapTest, ChecksTheDriversRules) {
  Tensor2D t(64, 64);
  TensorMap m;
  EXPECT_EQ(encodeTensorMap(t.fields(64, 8, 3), m), "");
  EXPECT_EQ(m.magic, kTensorMapMagic);
  TensorMapFields f = t.fields(64, 8, 0);
  f.globalStrides[0] = 72; // Not a multiple of 16.
  EXPECT_NE(encodeTensorMap(f, m).find("globalStrides[0]"), std::string::npos);
  f = t.fields(64, 300, 0);
  EXPECT_NE(encodeTensorMap(f, m).find("boxDim[1]"), std::string::npos);
  f = t.fields(4, 8, 0); // 8 bytes innermost.
  EXPECT_NE(encodeTensorMap(f, m).find("multiple of 16"), std::string::npos);
  f = t.fields(128, 8, 3); // 256 bytes > the 128-byte span.
  EXPECT_NE(encodeTensorMap(f, m).find("exceeds"), std::string::npos);
  f = t.fields(64, 8, 0);
  f.globalAddress += 8;
  EXPECT_NE(encodeTensorMap(f, m).find("16-byte aligned"), std::string::npos);
  f = t.fields(64, 8, 0);
  f.rank = 6;
  EXPECT_NE(encodeTensorMap(f, m), "");
}

TEST(TmaTest, LoadsADenseBox) {
  Tensor2D t(40, 48);
  TensorMap m;
  ASSERT_EQ(encodeTensorMap(t.fields(16, 4, 0), m), "");
  Shared s(4096);
  int32_t coords[2] = {8, 3};
  std::vector<std::pair<uint64_t, uint64_t>> runs;
  ASSERT_EQ(tmaLoad(m, coords, s.data(), s.size(), 256, &runs), "");
  for (int r = 0; r < 4; ++r)
    for (int c = 0; c < 16; ++c)
      EXPECT_EQ(s.at(256 + 2 * (r * 16 + c)), (3 + r) * 256 + 8 + c);
  // One run of 32 bytes per box row.
  ASSERT_EQ(runs.size(), 4u);
  for (int r = 0; r < 4; ++r) {
    EXPECT_EQ(runs[r].first,
              reinterpret_cast<uint64_t>(&t.data[(3 + r) * 48 + 8]));
    EXPECT_EQ(runs[r].second, 32u);
  }
  EXPECT_EQ(tensorMapBoxBytes(m), 128u);
  EXPECT_EQ(tensorMapExtent(m), 40u * 48 * 2);
}

TEST(TmaTest, SwizzledLoadPlacesEachChunk) {
  Tensor2D t(16, 64);
  TensorMap m;
  ASSERT_EQ(encodeTensorMap(t.fields(64, 16, 3), m), "");
  Shared s(8192);
  int32_t coords[2] = {0, 0};
  ASSERT_EQ(tmaLoad(m, coords, s.data(), s.size(), 1024, nullptr), "");
  // Row r, chunk c (8 elements) lands at chunk c ^ (r % 8) of row r.
  for (int r = 0; r < 16; ++r)
    for (int c = 0; c < 64; ++c) {
      uint32_t chunk = (c / 8) ^ (r % 8);
      uint32_t addr = 1024 + r * 128 + chunk * 16 + (c % 8) * 2;
      EXPECT_EQ(s.at(addr), r * 256 + c) << "row " << r << " col " << c;
    }
}

TEST(TmaTest, OutOfBoundsElementsAreFilled) {
  Tensor2D t(5, 24);
  TensorMap m;
  ASSERT_EQ(encodeTensorMap(t.fields(16, 4, 0), m), "");
  Shared s(1024);
  std::memset(s.data(), 0xab, s.size());
  int32_t coords[2] = {16, -2}; // Columns 16-31 of rows -2..1.
  std::vector<std::pair<uint64_t, uint64_t>> runs;
  ASSERT_EQ(tmaLoad(m, coords, s.data(), s.size(), 0, &runs), "");
  uint64_t inside = 0;
  for (auto &r : runs)
    inside += r.second;
  EXPECT_EQ(inside, 2u * 8 * 2); // Rows 0-1, columns 16-23.
  for (int r = 0; r < 4; ++r)
    for (int c = 0; c < 16; ++c) {
      int row = r - 2, col = 16 + c;
      bool inside = row >= 0 && col < 24;
      EXPECT_EQ(s.at(2 * (r * 16 + c)), inside ? row * 256 + col : 0);
    }
  TensorMapFields f = t.fields(16, 4, 0);
  f.oobNan = true;
  ASSERT_EQ(encodeTensorMap(f, m), "");
  ASSERT_EQ(tmaLoad(m, coords, s.data(), s.size(), 0, nullptr), "");
  EXPECT_TRUE(std::isnan(halfToFloat(s.at(0))));
  EXPECT_EQ(s.at(2 * (2 * 16)), 0 * 256 + 16);
}

TEST(TmaTest, MisuseIsReported) {
  Tensor2D t(16, 64);
  TensorMap m;
  ASSERT_EQ(encodeTensorMap(t.fields(64, 16, 3), m), "");
  Shared s(2048);
  int32_t coords[2] = {0, 0};
  EXPECT_NE(tmaLoad(m, coords, s.data(), s.size(), 64, nullptr)
                .find("not 128-byte aligned"),
            std::string::npos);
  EXPECT_NE(tmaLoad(m, coords, s.data(), s.size(), 1024, nullptr)
                .find("past the end"),
            std::string::npos);
  TensorMap garbage;
  std::memset(&garbage, 0, sizeof(garbage));
  EXPECT_NE(tmaLoad(garbage, coords, s.data(), s.size(), 0, nullptr)
                .find("not a tensor map"),
            std::string::npos);
}

TEST(TmaTest, StoreInvertsLoadAndSkipsOutOfBounds) {
  Tensor2D src(20, 64), dst(20, 64);
  std::fill(dst.data.begin(), dst.data.end(), 0xffff);
  TensorMap in, out;
  ASSERT_EQ(encodeTensorMap(src.fields(64, 8, 3), in), "");
  ASSERT_EQ(encodeTensorMap(dst.fields(64, 8, 3), out), "");
  Shared s(2048);
  for (int32_t row : {0, 8, 16}) { // The last box is half outside.
    int32_t coords[2] = {0, row};
    ASSERT_EQ(tmaLoad(in, coords, s.data(), s.size(), 1024, nullptr), "");
    ASSERT_EQ(tmaStore(out, coords, s.data(), s.size(), 1024, nullptr), "");
  }
  EXPECT_EQ(src.data, dst.data);
}

//===----------------------------------------------------------------------===//
// wgmma
//===----------------------------------------------------------------------===//

TEST(WgmmaTest, DescriptorFieldsRoundTrip) {
  MatrixDescriptor d;
  d.start = 0x3fff0;
  d.leadingBytes = 16;
  d.strideBytes = 1024;
  d.swizzle = Swizzle::B128;
  uint64_t bits = encodeMatrixDescriptor(d);
  EXPECT_EQ(bits & 0x3fff, 0x3fffu);
  EXPECT_EQ((bits >> 16) & 0x3fff, 1u);
  EXPECT_EQ((bits >> 32) & 0x3fff, 64u);
  EXPECT_EQ(bits >> 62, 1u); // 128B is 1 in a descriptor.
  MatrixDescriptor e = decodeMatrixDescriptor(bits);
  EXPECT_EQ(e.start, d.start);
  EXPECT_EQ(e.strideBytes, 1024u);
  EXPECT_EQ(e.swizzle, Swizzle::B128);
  EXPECT_EQ(decodeMatrixDescriptor(uint64_t(3) << 62).swizzle, Swizzle::B32);
  EXPECT_EQ(decodeMatrixDescriptor(uint64_t(2) << 62).swizzle, Swizzle::B64);
}

TEST(WgmmaTest, AccumulatorMapCoversTheTileOnce) {
  for (int n : {8, 64, 256}) {
    std::vector<int> hits(64 * n, 0);
    for (int t = 0; t < 128; ++t)
      for (int r = 0; r < n / 2; ++r) {
        int row, col;
        wgmmaAccumulatorPosition(t, r, &row, &col);
        ASSERT_LT(row, 64);
        ASSERT_LT(col, n);
        ++hits[row * n + col];
      }
    for (int h : hits)
      EXPECT_EQ(h, 1);
  }
  int row, col;
  wgmmaAccumulatorPosition(37, 6, &row, &col); // Warp 1, lane 5: g 1, q 1.
  EXPECT_EQ(row, 16 + 1 + 8);
  EXPECT_EQ(col, 8 + 2);
}

/// A GEMM of 64 x n x 64 with integer inputs in [-4, 4] (exact in f16 and
/// bf16 and in f32 sums): A row-major (K-major) and B row-major [K][n]
/// (N-major) loaded by TMA with 128-byte swizzle, four k16 wgmmas whose
/// descriptors advance A by 32 bytes and B by 2048 bytes.
void checkSwizzledGemm(WgmmaType type, int n, uint64_t seed) {
  std::mt19937_64 rng(seed);
  std::uniform_int_distribution<int> dist(-4, 4);
  auto enc = [&](int v) {
    return type == WgmmaType::F16 ? floatToHalf(float(v))
                                  : floatToBf16(float(v));
  };
  std::vector<int> a(64 * 64), b(64 * n);
  std::vector<uint16_t> a16(a.size()), b16(b.size());
  for (size_t i = 0; i < a.size(); ++i)
    a16[i] = enc(a[i] = dist(rng));
  for (size_t i = 0; i < b.size(); ++i)
    b16[i] = enc(b[i] = dist(rng));
  Shared s(64 * 1024);
  const uint32_t aAt = 0, bAt = 8192; // 64 x 128 B of A, then B.
  TensorMapFields fa;
  fa.rank = 2;
  fa.elementBytes = 2;
  fa.isFloat = true;
  fa.globalAddress = reinterpret_cast<uint64_t>(a16.data());
  fa.globalDim[0] = 64;
  fa.globalDim[1] = 64;
  fa.globalStrides[0] = 128;
  fa.boxDim[0] = 64;
  fa.boxDim[1] = 64;
  fa.swizzle = 3;
  TensorMap ma, mb;
  ASSERT_EQ(encodeTensorMap(fa, ma), "");
  int32_t origin[2] = {0, 0};
  ASSERT_EQ(tmaLoad(ma, origin, s.data(), s.size(), aAt, nullptr), "");
  // B in boxes of 64 columns x 64 rows of K, one after another.
  TensorMapFields fb = fa;
  fb.globalAddress = reinterpret_cast<uint64_t>(b16.data());
  fb.globalDim[0] = n;
  fb.globalStrides[0] = uint64_t(n) * 2;
  ASSERT_EQ(encodeTensorMap(fb, mb), "");
  for (int box = 0; box < n / 64; ++box) {
    int32_t at[2] = {64 * box, 0};
    ASSERT_EQ(tmaLoad(mb, at, s.data(), s.size(), bAt + box * 8192, nullptr),
              "");
  }
  std::vector<std::vector<float>> d(128, std::vector<float>(n / 2, 0.0f));
  for (int ks = 0; ks < 4; ++ks) {
    MatrixDescriptor da, db;
    da.start = aAt + 32 * ks;
    da.leadingBytes = 16; // Unused by swizzled K-major layouts.
    da.strideBytes = 1024;
    da.swizzle = Swizzle::B128;
    db.start = bAt + 2048 * ks;
    db.leadingBytes = 8192; // Between boxes of 64 columns.
    db.strideBytes = 1024;  // Between groups of 8 rows of K.
    db.swizzle = Swizzle::B128;
    WgmmaOperands op;
    op.type = type;
    op.n = n;
    op.descA = encodeMatrixDescriptor(da);
    op.descB = encodeMatrixDescriptor(db);
    op.transB = true;
    op.scaleD = ks > 0;
    for (int t = 0; t < 128; ++t) {
      if (ks == 0)
        std::fill(d[t].begin(), d[t].end(), 1e30f); // Ignored: scale-d 0.
      ASSERT_EQ(wgmmaThread(op, s.data(), s.size(), t, d[t].data()),
                "");
    }
  }
  for (int t = 0; t < 128; ++t)
    for (int r = 0; r < n / 2; ++r) {
      int row, col;
      wgmmaAccumulatorPosition(t, r, &row, &col);
      int want = 0;
      for (int k = 0; k < 64; ++k)
        want += a[row * 64 + k] * b[k * n + col];
      ASSERT_EQ(d[t][r], float(want)) << "row " << row << " col " << col;
    }
}

TEST(WgmmaTest, SwizzledF16Gemm) { checkSwizzledGemm(WgmmaType::F16, 64, 1); }
TEST(WgmmaTest, SwizzledBf16GemmN128) {
  checkSwizzledGemm(WgmmaType::BF16, 128, 2);
}
TEST(WgmmaTest, SwizzledF16GemmN256) {
  checkSwizzledGemm(WgmmaType::F16, 256, 3);
}

/// Without swizzling, K-major: 8 x 16-byte core matrices, LBO between the
/// two along K, SBO between groups of 8 rows, placed by hand.
TEST(WgmmaTest, InterleavedKMajorCoreMatrices) {
  Shared s(16384);
  const uint32_t lbo = 128, sbo = 256;
  auto place = [&](uint32_t base, int mn, int k, uint16_t v) {
    uint32_t addr = base + (mn % 8) * 16 + (mn / 8) * sbo + (k / 8) * lbo +
                    (k % 8) * 2;
    std::memcpy(s.data() + addr, &v, 2);
  };
  std::vector<int> a(64 * 16), b(16 * 8);
  for (int i = 0; i < 64 * 16; ++i)
    a[i] = (i * 7) % 9 - 4;
  for (int i = 0; i < 16 * 8; ++i)
    b[i] = (i * 5) % 7 - 3;
  for (int m = 0; m < 64; ++m)
    for (int k = 0; k < 16; ++k)
      place(0, m, k, floatToHalf(float(a[m * 16 + k])));
  for (int nn = 0; nn < 8; ++nn)
    for (int k = 0; k < 16; ++k)
      place(8192, nn, k, floatToHalf(float(b[k * 8 + nn])));
  MatrixDescriptor da, db;
  da.start = 0;
  da.leadingBytes = db.leadingBytes = lbo;
  da.strideBytes = db.strideBytes = sbo;
  db.start = 8192;
  WgmmaOperands op;
  op.n = 8;
  op.descA = encodeMatrixDescriptor(da);
  op.descB = encodeMatrixDescriptor(db);
  op.scaleD = false;
  op.scaleB = -1;
  for (int t = 0; t < 128; ++t) {
    float d[4];
    ASSERT_EQ(wgmmaThread(op, s.data(), s.size(), t, d), "");
    for (int r = 0; r < 4; ++r) {
      int row, col;
      wgmmaAccumulatorPosition(t, r, &row, &col);
      int want = 0;
      for (int k = 0; k < 16; ++k)
        want -= a[row * 16 + k] * b[k * 8 + col];
      EXPECT_EQ(d[r], float(want));
    }
  }
}

TEST(WgmmaTest, MisuseIsReported) {
  Shared s(4096);
  WgmmaOperands op;
  op.n = 12;
  float d[128] = {};
  EXPECT_NE(wgmmaThread(op, s.data(), s.size(), 0, d).find("N = 12"),
            std::string::npos);
  op.n = 64;
  MatrixDescriptor far;
  far.start = 4096 - 1024;
  far.strideBytes = 1024;
  far.swizzle = Swizzle::B128;
  op.descA = encodeMatrixDescriptor(far);
  EXPECT_NE(wgmmaThread(op, s.data(), s.size(), 0, d)
                .find("past the end of shared memory"),
            std::string::npos);
  // A swizzled tile must start on its pattern's repeat (or say where it
  // is in it: base offset); along its first 128-byte row is fine.
  MatrixDescriptor moved = far;
  moved.start = 1024 + 128;
  op.descA = encodeMatrixDescriptor(moved);
  EXPECT_NE(wgmmaThread(op, s.data(), s.size(), 0, d)
                .find("starts at shared address 1152, 128 bytes into the "
                      "1024-byte repeat of its swizzle pattern"),
            std::string::npos);
  moved.start = 1024 + 96;
  op.descA = encodeMatrixDescriptor(moved);
  EXPECT_EQ(wgmmaThread(op, s.data(), s.size(), 0, d).find("repeat"),
            std::string::npos);
  MatrixDescriptor based;
  based.baseOffset = 3;
  op.descA = encodeMatrixDescriptor(based);
  EXPECT_NE(wgmmaThread(op, s.data(), s.size(), 0, d)
                .find("base offset"),
            std::string::npos);
}

TEST(WgmmaTest, ReportsTheBytesItReads) {
  Shared s(65536);
  MatrixDescriptor da, db;
  da.strideBytes = db.strideBytes = 1024;
  da.swizzle = db.swizzle = Swizzle::B128;
  db.start = 8192;
  db.leadingBytes = 8192;
  WgmmaOperands op;
  op.n = 64;
  op.descA = encodeMatrixDescriptor(da);
  op.descB = encodeMatrixDescriptor(db);
  op.transB = true;
  std::vector<std::pair<uint32_t, uint32_t>> read;
  ASSERT_EQ(wgmmaFootprint(op, s.size(), read), "");
  uint64_t bytes = 0;
  for (auto &r : read)
    bytes += r.second;
  EXPECT_EQ(bytes, 64u * 16 * 2 + 64u * 16 * 2);
}

} // namespace
