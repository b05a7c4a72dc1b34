//===- HugeBuffersTest.cpp - kernels on tensors beyond 4 GiB -------------===//
//
// Compiled kernels (fused-compile's bundles, run through the runtime's
// launch on caller memory) on tensors of 5 to 9 GB, so that element
// indices pass 2^31 and byte offsets 2^32: a view that starts beyond 4 GiB,
// and elementwise, GEMM and softmax kernels whose blocks address rows past
// it. The tensors are anonymous mappings that the kernel touches only in
// part: the inputs are drawn where the blocks that run read, and the
// emulator runs only those blocks (EmulatorOptions::onlyBlocks). The
// results are checked against float64 values computed here.
//
//===----------------------------------------------------------------------===//

#include "fused/Runtime/Bundle.h"
#include "fused/Runtime/Float16.h"
#include "fused/Runtime/Runtime.h"

#include <gtest/gtest.h>

#include <sys/mman.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <random>
#include <set>
#include <string>
#include <vector>

using namespace fused::rt;

namespace {

const char *kSource = R"(
func.func @tail(%x: tensor<5x536870912xf16>) -> tensor<1x100xf32> {
  %s = fused.slice %x offsets = [4, 536870812]
      : tensor<5x536870912xf16> to tensor<1x100xf16>
  %e = fused.exp %s : tensor<1x100xf16>
  %c = fused.cast %e : tensor<1x100xf16> to tensor<1x100xf32>
  return %c : tensor<1x100xf32>
}
func.func @silu(%x: tensor<2x1100000001xf16>) -> tensor<2x1100000001xf16> {
  %y = fused.silu %x : tensor<2x1100000001xf16>
  return %y : tensor<2x1100000001xf16>
}
func.func @gemm(%a: tensor<600001x4096xf16>, %b: tensor<4096x64xf16>)
    -> tensor<600001x64xf16> {
  %c = fused.matmul %a, %b
      : tensor<600001x4096xf16>, tensor<4096x64xf16> -> tensor<600001x64xf16>
  return %c : tensor<600001x64xf16>
}
func.func @softmax(%x: tensor<1048577x4099xf16>) -> tensor<1048577x4099xf16> {
  %y = fused.softmax %x axis = 1 : tensor<1048577x4099xf16>
  return %y : tensor<1048577x4099xf16>
}
)";

constexpr uint16_t kPoison = 0x7e00; // An f16 NaN.
constexpr uint64_t kFourGiB = uint64_t(1) << 32;

/// An anonymous mapping of `bytes`, committed only where it is written.
class Mapping {
public:
  explicit Mapping(uint64_t bytes) : bytes(bytes) {
    void *p = mmap(nullptr, bytes, PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    base = p == MAP_FAILED ? nullptr : static_cast<uint8_t *>(p);
  }
  ~Mapping() {
    if (base)
      munmap(base, bytes);
  }
  uint16_t *halves() const { return reinterpret_cast<uint16_t *>(base); }
  float *floats() const { return reinterpret_cast<float *>(base); }
  void *address() const { return base; }
  bool ok() const { return base != nullptr; }

private:
  uint64_t bytes;
  uint8_t *base = nullptr;
};

/// f16 values drawn uniformly in [-1, 1) for elements [begin, end).
void draw(uint16_t *x, uint64_t begin, uint64_t end, std::mt19937_64 &rng) {
  std::uniform_real_distribution<float> u(-1.0f, 1.0f);
  for (uint64_t i = begin; i < end; ++i)
    x[i] = floatToHalf(u(rng));
}

double h(uint16_t v) { return halfToFloat(v); }

/// The bundle of kSource, compiled once for all tests.
class HugeBuffersTest : public ::testing::Test {
protected:
  static void SetUpTestSuite() {
    char dir[] = "/tmp/fused-huge-XXXXXX";
    ASSERT_NE(mkdtemp(dir), nullptr);
    directory = dir;
    std::ofstream(directory + "/huge.mlir") << kSource;
    std::string command = std::string(FUSED_COMPILE) +
                          " --emit=bundle --chip=sm_80 " + directory +
                          "/huge.mlir -o " + directory + "/bundle";
    ASSERT_EQ(std::system(command.c_str()), 0) << command;
    auto b = Bundle::open(directory + "/bundle");
    ASSERT_TRUE(b) << b.getStatus().getMessage();
    bundle = new Bundle(std::move(*b));
  }
  static void TearDownTestSuite() {
    delete bundle;
    bundle = nullptr;
    std::system(("rm -rf " + directory).c_str());
  }

  /// The kernel of single-kernel function `function`.
  static const KernelSpec &kernelOf(const std::string &function) {
    const FunctionSpec *f = bundle->function(function);
    EXPECT_TRUE(f && f->launches.size() == 1);
    return *bundle->kernel(f->launches.front().kernel);
  }

  /// Launches `function` on the emulator, running only `blocks` (all when
  /// empty).
  static void launch(const std::string &function,
                     const std::vector<void *> &inputs,
                     const std::vector<void *> &outputs,
                     const std::vector<uint64_t> &blocks) {
    EmulatorOptions options;
    options.onlyBlocks = blocks;
    auto device = openEmulatorDevice(options);
    ASSERT_TRUE(device) << device.getStatus().getMessage();
    auto runner = BundleRunner::load(*bundle, **device);
    ASSERT_TRUE(runner) << runner.getStatus().getMessage();
    auto addresses = [](const std::vector<void *> &p) {
      std::vector<uint64_t> a;
      for (void *q : p)
        a.push_back(reinterpret_cast<uint64_t>(q));
      return a;
    };
    Status s = (*runner)->launch(function, addresses(inputs),
                                 addresses(outputs), 0, 0, nullptr);
    ASSERT_TRUE(s) << s.getMessage();
    auto *emu = static_cast<EmulatorDevice *>(device->get());
    EXPECT_TRUE(emu->lastReports().empty());
    if (!blocks.empty())
      EXPECT_EQ(emu->lastCounters().blocks,
                static_cast<int64_t>(blocks.size()));
  }

  static std::string directory;
  static Bundle *bundle;
};

std::string HugeBuffersTest::directory;
Bundle *HugeBuffersTest::bundle = nullptr;

/// Within fused's f16 tolerance of `ref` (2e-3 of |ref| and of `scale`,
/// the largest value of the result, as fused's comparison rule).
void expectClose(double out, double ref, double scale, const std::string &at) {
  EXPECT_LE(std::fabs(out - ref), 2e-3 * (scale + std::fabs(ref)))
      << at << ": " << out << " against " << ref;
}

// A contiguous slice is a view: the kernel gets the base's memory from
// byte 4 * 2^30 + 2 * 536870812 on.
TEST_F(HugeBuffersTest, AViewStartingPastFourGiB) {
  const uint64_t cols = 536870912, offset = 4 * cols + 536870812;
  Mapping x(5 * cols * 2);
  ASSERT_TRUE(x.ok()) << "cannot map 5 GiB";
  ASSERT_GT(offset * 2, kFourGiB);
  std::mt19937_64 rng(1);
  draw(x.halves(), offset, offset + 100, rng);
  std::vector<float> out(100, NAN);
  launch("tail", {x.address()}, {out.data()}, {});
  for (int i = 0; i < 100; ++i) {
    double ref = std::exp(h(x.halves()[offset + i]));
    expectClose(out[i], ref, 1, "element " + std::to_string(i));
  }
}

// 2.2e9 elements: blocks over the element 2^31 (byte 2^32) and the last
// block, whose range ends inside it.
TEST_F(HugeBuffersTest, ElementwiseBlocksPastTwoToTheThirtyOne) {
  const uint64_t n = 2 * 1100000001ull;
  const KernelSpec &k = kernelOf("silu");
  ASSERT_EQ(k.grid[1] * k.grid[2], 1u);
  const uint64_t per = (n + k.grid[0] - 1) / k.grid[0];
  const uint64_t crossing = (uint64_t(1) << 31) / per;
  std::vector<uint64_t> blocks = {0, crossing - 1, crossing, k.grid[0] - 1};
  Mapping x(n * 2), y(n * 2);
  ASSERT_TRUE(x.ok() && y.ok()) << "cannot map 2 x 4.4 GB";
  std::mt19937_64 rng(2);
  // Inputs where the blocks run; outputs poisoned there and one element
  // either side, which the blocks must not write.
  for (uint64_t b : blocks) {
    uint64_t begin = b * per, end = std::min(n, begin + per);
    draw(x.halves(), begin, end, rng);
    for (uint64_t i = begin ? begin - 1 : 0; i < std::min(n, end + 1); ++i)
      y.halves()[i] = kPoison;
  }
  launch("silu", {x.address()}, {y.address()}, blocks);
  const std::set<uint64_t> run(blocks.begin(), blocks.end());
  int64_t checked = 0;
  for (uint64_t b : blocks) {
    uint64_t begin = b * per, end = std::min(n, begin + per);
    for (uint64_t i = begin; i < end; ++i, ++checked) {
      double v = h(x.halves()[i]);
      expectClose(h(y.halves()[i]), v / (1 + std::exp(-v)), 1,
                  "element " + std::to_string(i));
    }
    if (begin && !run.count(b - 1))
      EXPECT_EQ(y.halves()[begin - 1], kPoison) << "before block " << b;
    if (end < n && !run.count(b + 1))
      EXPECT_EQ(y.halves()[end], kPoison) << "after block " << b;
  }
  EXPECT_GT(crossing * per + per, uint64_t(1) << 31);
  EXPECT_EQ(checked, static_cast<int64_t>(3 * per + (n - (k.grid[0] - 1) * per)));
}

// A of 4.9 GB: the block of rows from 524288 (byte 2^32 of A) and the
// last block, a partial tile.
TEST_F(HugeBuffersTest, GemmBlocksReadingRowsPastFourGiB) {
  const uint64_t m = 600001, kk = 4096, n = 64;
  const KernelSpec &k = kernelOf("gemm");
  ASSERT_EQ(k.grid[0], 1u);
  const uint64_t rowsPer = (m + k.grid[1] - 1) / k.grid[1];
  const uint64_t crossing = 524288 / rowsPer;
  ASSERT_EQ(524288 * kk * 2, kFourGiB);
  std::vector<uint64_t> blocks = {crossing, k.grid[1] - 1};
  Mapping a(m * kk * 2), c(m * n * 2);
  ASSERT_TRUE(a.ok() && c.ok()) << "cannot map 4.9 GB";
  std::vector<uint16_t> b(kk * n);
  std::mt19937_64 rng(3);
  draw(b.data(), 0, b.size(), rng);
  for (uint64_t blk : blocks) {
    uint64_t r0 = blk * rowsPer, r1 = std::min(m, r0 + rowsPer);
    draw(a.halves(), r0 * kk, r1 * kk, rng);
    for (uint64_t i = r0 * n; i < r1 * n; ++i)
      c.halves()[i] = kPoison;
  }
  launch("gemm", {a.address(), b.data()}, {c.address()}, blocks);
  for (uint64_t blk : blocks) {
    uint64_t r0 = blk * rowsPer, r1 = std::min(m, r0 + rowsPer);
    std::vector<double> ref((r1 - r0) * n, 0.0);
    double scale = 0;
    for (uint64_t r = r0; r < r1; ++r)
      for (uint64_t j = 0; j < n; ++j) {
        double s = 0;
        for (uint64_t q = 0; q < kk; ++q)
          s += h(a.halves()[r * kk + q]) * h(b[q * n + j]);
        ref[(r - r0) * n + j] = s;
        scale = std::max(scale, std::fabs(s));
      }
    for (uint64_t r = r0; r < r1; ++r)
      for (uint64_t j = 0; j < n; ++j)
        expectClose(h(c.halves()[r * n + j]), ref[(r - r0) * n + j], scale,
                    "C[" + std::to_string(r) + ", " + std::to_string(j) + "]");
  }
}

// Rows of 4099 f16 elements: the rows on either side of byte 2^32 and the
// last row, each a block.
TEST_F(HugeBuffersTest, SoftmaxRowsAroundFourGiB) {
  const uint64_t rows = 1048577, len = 4099;
  const KernelSpec &k = kernelOf("softmax");
  ASSERT_EQ(k.grid[0], rows);
  const uint64_t crossing = kFourGiB / (len * 2);
  ASSERT_LT(crossing * len * 2, kFourGiB);
  ASSERT_GT((crossing + 1) * len * 2, kFourGiB);
  std::vector<uint64_t> blocks = {crossing, crossing + 1, rows - 1};
  Mapping x(rows * len * 2), y(rows * len * 2);
  ASSERT_TRUE(x.ok() && y.ok()) << "cannot map 2 x 8.6 GB";
  std::mt19937_64 rng(4);
  for (uint64_t r : blocks) {
    draw(x.halves(), r * len, (r + 1) * len, rng);
    for (uint64_t i = r * len; i < (r + 1) * len; ++i)
      y.halves()[i] = kPoison;
  }
  launch("softmax", {x.address()}, {y.address()}, blocks);
  for (uint64_t r : blocks) {
    double mx = -INFINITY, sum = 0;
    for (uint64_t i = r * len; i < (r + 1) * len; ++i)
      mx = std::max(mx, h(x.halves()[i]));
    for (uint64_t i = r * len; i < (r + 1) * len; ++i)
      sum += std::exp(h(x.halves()[i]) - mx);
    for (uint64_t i = r * len; i < (r + 1) * len; ++i)
      expectClose(h(y.halves()[i]), std::exp(h(x.halves()[i]) - mx) / sum,
                  1 / sum,
                  "row " + std::to_string(r) + " element " +
                      std::to_string(i - r * len));
  }
}

} // namespace
