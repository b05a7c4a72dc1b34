//===- HopperKernelTest.cpp - Hopper kernels through the whole emulator ---===//
//
// A warpgroup GEMM tile written at the NVVM level (mbarrier, TMA loads of
// 128-byte-swizzled tiles from tensor maps passed by value, wgmma with
// shared-memory descriptors) goes through buildEmulatorImage (the rewrite
// of every Hopper op into its hook) and runs on the emulator device against
// a triple loop; variants with one synchronisation step missing must be
// reported, naming what is wrong.
//
//===----------------------------------------------------------------------===//

#include "emulator/Hopper.h"

#include "fused/Emulator/Emulate.h"
#include "fused/InitAll.h"
#include "fused/Runtime/Float16.h"
#include "fused/Runtime/Runtime.h"
#include "fused/Target/WgmmaAsm.h"

#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

#include <random>
#include <sstream>

using namespace fused;
using namespace fused::emu;
using namespace fused::rt;

namespace {

/// What a variant leaves out.
struct Variant {
  bool wait = true;        // mbarrier.try_wait.parity before the wgmmas
  bool arrive = true;      // mbarrier.arrive.expect_tx by the producer
  bool wgmmaFence = true;  // wgmma.fence before the first wgmma
  bool wgmmaWait = true;   // wgmma.wait_group 0 before the accumulators
  bool bf16 = false;
  /// Thread 0 stores A's first element back (the same value) with an
  /// ordinary store before the wgmmas: 1 without fence.proxy.async, 2 with.
  int restore = 0;
  /// Thread 0 loads A by TMA again (the same bytes, phase 1 of the
  /// barrier) after a CTA barrier: 1 while the wgmmas that read it are in
  /// flight (after the commit, before the wait), 2 after the wait.
  int reload = 0;
  bool mma = true;    // the wgmmas and what follows them
  /// A from registers (the inline PTX of fused/Target/WgmmaAsm.h): each
  /// thread builds its fragment of registerAValue; A's tile is not read.
  bool registerA = false;
  bool storeD = true; // the accumulators stored to D
  /// Warpgroups after the first, which only execute `otherRegisters` (a
  /// setmaxnreg increase) and return.
  int extraWarpgroups = 0;
  int otherRegisters = 0;
  /// setmaxnreg by the first warpgroup (0: none): increase or decrease;
  /// by thread 0 alone when `partial`.
  int mainRegisters = 0;
  bool mainIncrease = false;
  bool partial = false;
};

/// After a barrier (every thread is past its wait for phase 0), thread 0
/// re-arms the barrier and loads A into its tile again.
void emitReload(std::ostringstream &k) {
  k << R"(  nvvm.barrier0
  llvm.cond_br %is0, ^reload, ^reloaded
^reload:
  %tx2 = llvm.mlir.constant(8192 : i32) : i32
  nvvm.mbarrier.arrive.expect_tx %bar, %tx2 : !llvm.ptr<3>, i32
  %dstA2 = llvm.addrspacecast %tileA : !llvm.ptr<3> to !llvm.ptr<7>
  nvvm.cp.async.bulk.tensor.shared.cluster.global %dstA2, %mapA, %bar, box[%c0, %c0] : !llvm.ptr<7>, !llvm.ptr
  llvm.br ^reloaded
^reloaded:
)";
}

/// A's elements in the register-A variant.
int registerAValue(int row, int k) { return (3 * row + 5 * k) % 7 - 3; }

/// K slice `s` of the register-A variant: each thread computes its eight
/// elements of A (fragment map of wgmmaRegisterAPosition), packs them into
/// four b32 registers and issues the inline-PTX wgmma on %acc<s>.
void emitRegisterAWgmma(std::ostringstream &k, const Variant &v, int s,
                        const std::string &acc) {
  const char *ty = v.bf16 ? "bf16" : "f16";
  std::string p = "%ra" + std::to_string(s) + "_";
  k << "  " << p << "c3 = llvm.mlir.constant(3 : i32) : i32\n"
    << "  " << p << "c5 = llvm.mlir.constant(5 : i32) : i32\n"
    << "  " << p << "c7 = llvm.mlir.constant(7 : i32) : i32\n"
    << "  " << p << "c32 = llvm.mlir.constant(32 : i32) : i32\n"
    << "  " << p << "c4 = llvm.mlir.constant(4 : i32) : i32\n"
    << "  " << p << "c16 = llvm.mlir.constant(16 : i32) : i32\n"
    << "  " << p << "w = llvm.udiv %tid, " << p << "c32 : i32\n"
    << "  " << p << "lane = llvm.urem %tid, " << p << "c32 : i32\n"
    << "  " << p << "g = llvm.udiv " << p << "lane, " << p << "c4 : i32\n"
    << "  " << p << "q = llvm.urem " << p << "lane, " << p << "c4 : i32\n"
    << "  " << p << "w16 = llvm.mul " << p << "w, " << p << "c16 : i32\n"
    << "  " << p << "r0 = llvm.add " << p << "w16, " << p << "g : i32\n"
    << "  " << p << "q2 = llvm.add " << p << "q, " << p << "q : i32\n";
  for (int e = 0; e < 8; ++e) {
    std::string x = p + "e" + std::to_string(e);
    int dr = 8 * ((e / 2) % 2), dk = 16 * s + e % 2 + 8 * (e / 4);
    k << "  " << x << "dr = llvm.mlir.constant(" << dr << " : i32) : i32\n"
      << "  " << x << "dk = llvm.mlir.constant(" << dk << " : i32) : i32\n"
      << "  " << x << "row = llvm.add " << p << "r0, " << x << "dr : i32\n"
      << "  " << x << "k = llvm.add " << p << "q2, " << x << "dk : i32\n"
      << "  " << x << "a = llvm.mul " << x << "row, " << p << "c3 : i32\n"
      << "  " << x << "b = llvm.mul " << x << "k, " << p << "c5 : i32\n"
      << "  " << x << "s = llvm.add " << x << "a, " << x << "b : i32\n"
      << "  " << x << "m = llvm.urem " << x << "s, " << p << "c7 : i32\n"
      << "  " << x << "v = llvm.sub " << x << "m, " << p << "c3 : i32\n"
      << "  " << x << "f = llvm.sitofp " << x << "v : i32 to f32\n"
      << "  " << x << "h = llvm.fptrunc " << x << "f : f32 to " << ty << "\n";
  }
  for (int r = 0; r < 4; ++r) {
    std::string x = p + "reg" + std::to_string(r);
    k << "  " << x << "u = llvm.mlir.poison : vector<2x" << ty << ">\n"
      << "  " << x << "i0 = llvm.mlir.constant(0 : i32) : i32\n"
      << "  " << x << "i1 = llvm.mlir.constant(1 : i32) : i32\n"
      << "  " << x << "x = llvm.insertelement " << p << "e" << 2 * r << "h, "
      << x << "u[" << x << "i0 : i32] : vector<2x" << ty << ">\n"
      << "  " << x << "y = llvm.insertelement " << p << "e" << 2 * r + 1
      << "h, " << x << "x[" << x << "i1 : i32] : vector<2x" << ty << ">\n"
      << "  " << x << " = llvm.bitcast " << x << "y : vector<2x" << ty
      << "> to i32\n";
  }
  fused::WgmmaRegisterA w;
  w.n = 64;
  w.bf16 = v.bf16;
  w.scaleD = s != 0;
  w.transB = true; // B's tile is N-major, as in the descriptor variant.
  std::string text;
  for (char c : fused::wgmmaRegisterAAsm(w))
    text += c == '\n' ? std::string("\\0A") : std::string(1, c);
  for (int i = 0; i < 32; ++i)
    k << "  " << p << "d" << i << " = llvm.extractvalue %acc" << s << "["
      << i << "] : " << acc << "\n";
  k << "  %acc" << s + 1 << " = llvm.inline_asm has_side_effects asm_dialect "
    << "= att \"" << text << "\", \"" << fused::wgmmaRegisterAConstraints(w)
    << "\" ";
  for (int i = 0; i < 32; ++i)
    k << p << "d" << i << ", ";
  for (int r = 0; r < 4; ++r)
    k << p << "reg" << r << ", ";
  k << "%db" << s << " : (";
  for (int i = 0; i < 32; ++i)
    k << "f32, ";
  k << "i32, i32, i32, i32, i64) -> " << acc << "\n";
}

/// D[64 x 64] (f32) = A[64 x 64] * B[64 x 64], both 16-bit row-major: one
/// block of one warpgroup. Shared memory: the mbarrier at 0, A at 1024, B
/// at 9216 (each 64 rows of 128 bytes, 128-byte swizzle).
std::string gemmKernel(const Variant &v) {
  std::ostringstream k;
  const char *ty = v.bf16 ? "bf16" : "f16";
  k << R"(module attributes {gpu.container_module} {
gpu.module @k {
llvm.mlir.global internal @__dynamic_shmem__0() {addr_space = 3 : i32, alignment = 16 : i64} : !llvm.array<0 x i8>
llvm.func @gemm(%mapA: !llvm.ptr {llvm.byval = !llvm.array<128 x i8>, nvvm.grid_constant}, %mapB: !llvm.ptr {llvm.byval = !llvm.array<128 x i8>, nvvm.grid_constant}, %out: !llvm.ptr<1>) attributes {nvvm.kernel} {
  %smem = llvm.mlir.addressof @__dynamic_shmem__0 : !llvm.ptr<3>
  %bar = llvm.getelementptr %smem[0] : (!llvm.ptr<3>) -> !llvm.ptr<3>, i8
  %tileA = llvm.getelementptr %smem[1024] : (!llvm.ptr<3>) -> !llvm.ptr<3>, i8
  %tileB = llvm.getelementptr %smem[9216] : (!llvm.ptr<3>) -> !llvm.ptr<3>, i8
  %tid = nvvm.read.ptx.sreg.tid.x : i32
  %c0 = llvm.mlir.constant(0 : i32) : i32
  %c1 = llvm.mlir.constant(1 : i32) : i32
  %is0 = llvm.icmp "eq" %tid, %c0 : i32
  llvm.cond_br %is0, ^init, ^synced
^init:
  nvvm.mbarrier.init %bar, %c1 : !llvm.ptr<3>, i32
  nvvm.fence.mbarrier.init
  llvm.br ^synced
^synced:
  nvvm.barrier0
)";
  auto setmaxnreg = [&](int count, bool increase) {
    k << "  nvvm.setmaxregister " << (increase ? "increase " : "decrease ")
      << count << "\n";
  };
  if (v.extraWarpgroups) {
    k << "  %c128 = llvm.mlir.constant(128 : i32) : i32\n"
         "  %first = llvm.icmp \"ult\" %tid, %c128 : i32\n"
         "  llvm.cond_br %first, ^main, ^others\n^others:\n";
    setmaxnreg(v.otherRegisters, true);
    k << "  llvm.return\n^main:\n";
  }
  if (v.mainRegisters && !v.partial)
    setmaxnreg(v.mainRegisters, v.mainIncrease);
  k << "  llvm.cond_br %is0, ^load, ^consume\n^load:\n"
       "  %tx = llvm.mlir.constant(16384 : i32) : i32\n";
  if (v.mainRegisters && v.partial)
    setmaxnreg(v.mainRegisters, v.mainIncrease);
  if (v.arrive)
    k << "  nvvm.mbarrier.arrive.expect_tx %bar, %tx : !llvm.ptr<3>, i32\n";
  k << R"(  %dstA = llvm.addrspacecast %tileA : !llvm.ptr<3> to !llvm.ptr<7>
  %dstB = llvm.addrspacecast %tileB : !llvm.ptr<3> to !llvm.ptr<7>
  nvvm.cp.async.bulk.tensor.shared.cluster.global %dstA, %mapA, %bar, box[%c0, %c0] : !llvm.ptr<7>, !llvm.ptr
  nvvm.cp.async.bulk.tensor.shared.cluster.global %dstB, %mapB, %bar, box[%c0, %c0] : !llvm.ptr<7>, !llvm.ptr
  llvm.br ^consume
^consume:
  %ticks = llvm.mlir.constant(1000000 : i32) : i32
)";
  if (v.wait)
    k << "  nvvm.mbarrier.try_wait.parity %bar, %c0, %ticks : !llvm.ptr<3>, "
         "i32, i32\n";
  if (v.restore) {
    k << "  llvm.cond_br %is0, ^restore, ^multiply\n^restore:\n"
         "  %first = llvm.load %tileA : !llvm.ptr<3> -> i16\n"
         "  llvm.store %first, %tileA : i16, !llvm.ptr<3>\n";
    if (v.restore == 2)
      k << "  nvvm.fence.proxy {kind = #nvvm.proxy_kind<async.shared>, space "
           "= #nvvm.shared_space<cta>}\n";
    k << "  llvm.br ^multiply\n^multiply:\n  nvvm.barrier0\n";
  }
  if (!v.mma) {
    k << "  llvm.return\n}\n}\n}\n";
    return k.str();
  }
  // Descriptors: start >> 4 | LBO >> 4 << 16 | SBO >> 4 << 32 | 128B << 62.
  k << R"(  %ai = llvm.ptrtoint %tileA : !llvm.ptr<3> to i64
  %bi = llvm.ptrtoint %tileB : !llvm.ptr<3> to i64
  %low = llvm.mlir.constant(262143 : i64) : i64
  %c4 = llvm.mlir.constant(4 : i64) : i64
  %am = llvm.and %ai, %low : i64
  %bm = llvm.and %bi, %low : i64
  %as = llvm.lshr %am, %c4 : i64
  %bs = llvm.lshr %bm, %c4 : i64
  %fieldsA = llvm.mlir.constant(4611686293305360384 : i64) : i64
  %fieldsB = llvm.mlir.constant(4611686293338849280 : i64) : i64
  %descA = llvm.or %as, %fieldsA : i64
  %descB = llvm.or %bs, %fieldsB : i64
  %acc0 = llvm.mlir.poison : !llvm.struct<()";
  for (int i = 0; i < 32; ++i)
    k << (i ? ", " : "") << "f32";
  k << ")>\n";
  if (v.wgmmaFence)
    k << "  nvvm.wgmma.fence.aligned\n";
  std::string acc = "!llvm.struct<(";
  for (int i = 0; i < 32; ++i)
    acc += std::string(i ? ", " : "") + "f32";
  acc += ")>";
  for (int s = 0; s < 4; ++s) {
    // K advances 32 bytes in A (2 in the start field), 16 rows (2048
    // bytes, 128) in B.
    k << "  %oa" << s << " = llvm.mlir.constant(" << 2 * s
      << " : i64) : i64\n"
      << "  %ob" << s << " = llvm.mlir.constant(" << 128 * s
      << " : i64) : i64\n"
      << "  %da" << s << " = llvm.add %descA, %oa" << s << " : i64\n"
      << "  %db" << s << " = llvm.add %descB, %ob" << s << " : i64\n";
    if (v.registerA) {
      emitRegisterAWgmma(k, v, s, acc);
      continue;
    }
    k << "  %acc" << s + 1 << " = nvvm.wgmma.mma_async %da" << s << ", %db"
      << s << ", %acc" << s
      << ", #nvvm.shape<m = 64, n = 64, k = 16>, D [<f32>, "
      << (s == 0 ? "#nvvm.wgmma_scale_out<zero>"
                 : "#nvvm.wgmma_scale_out<one>")
      << "], A [<" << ty << ">, #nvvm.wgmma_scale_in<one>, <row>], B [<" << ty
      << ">, #nvvm.wgmma_scale_in<one>, <row>] : " << acc << " -> " << acc
      << "\n";
  }
  k << "  nvvm.wgmma.commit.group.sync.aligned\n";
  if (v.reload == 1)
    emitReload(k);
  if (v.wgmmaWait)
    k << "  nvvm.wgmma.wait.group.sync.aligned 0\n";
  if (v.reload == 2)
    emitReload(k);
  // Thread t's register i: row 16 w + g + 8 (p / 2), column 8 j + 2 q +
  // p % 2 (w = t / 32, g = lane / 4, q = lane % 4, j = i / 4, p = i % 4).
  k << R"(  %c32 = llvm.mlir.constant(32 : i32) : i32
  %c4i = llvm.mlir.constant(4 : i32) : i32
  %c16 = llvm.mlir.constant(16 : i32) : i32
  %c64 = llvm.mlir.constant(64 : i32) : i32
  %w = llvm.udiv %tid, %c32 : i32
  %lane = llvm.urem %tid, %c32 : i32
  %g = llvm.udiv %lane, %c4i : i32
  %q = llvm.urem %lane, %c4i : i32
  %w16 = llvm.mul %w, %c16 : i32
  %rowBase = llvm.add %w16, %g : i32
  %q2 = llvm.add %q, %q : i32
  %base0 = llvm.mul %rowBase, %c64 : i32
  %base = llvm.add %base0, %q2 : i32
)";
  for (int i = 0; i < 32 && v.storeD; ++i) {
    int j = i / 4, p = i % 4;
    int offset = 8 * (p / 2) * 64 + 8 * j + p % 2;
    k << "  %o" << i << " = llvm.mlir.constant(" << offset
      << " : i32) : i32\n"
      << "  %e" << i << " = llvm.add %base, %o" << i << " : i32\n"
      << "  %x" << i << " = llvm.extractvalue %acc4[" << i << "] : " << acc
      << "\n"
      << "  %p" << i << " = llvm.getelementptr %out[%e" << i
      << "] : (!llvm.ptr<1>, i32) -> !llvm.ptr<1>, f32\n"
      << "  llvm.store %x" << i << ", %p" << i << " : f32, !llvm.ptr<1>\n";
  }
  k << "  llvm.return\n}\n}\n}\n";
  return k.str();
}

class HopperKernelTest : public ::testing::Test {
protected:
  void SetUp() override {
    mlir::DialectRegistry registry;
    registerAllDialects(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
    auto d = openEmulatorDevice(EmulatorOptions());
    ASSERT_TRUE(d.isOk());
    device = std::move(*d);
  }

  /// Builds and runs the variant on integer-valued inputs; returns the
  /// launch status, with D compared when it succeeds.
  Status run(const Variant &v) {
    std::string text = gemmKernel(v);
    mlir::OwningOpRef<mlir::ModuleOp> module =
        mlir::parseSourceString<mlir::ModuleOp>(text, &context);
    if (!module)
      return Status::error("the kernel does not parse");
    mlir::FailureOr<std::string> image = buildEmulatorImage(*module);
    if (mlir::failed(image))
      return Status::error("no emulator image");
    auto m = device->loadModule(*image, ModuleFormat::EmulatorIR);
    if (!m.isOk())
      return m.getStatus();
    std::mt19937_64 rng(7);
    std::uniform_int_distribution<int> dist(-3, 3);
    std::vector<int> a(64 * 64), b(64 * 64);
    std::vector<uint16_t> a16(a.size()), b16(b.size());
    auto enc = [&](int x) {
      return v.bf16 ? floatToBf16(float(x)) : floatToHalf(float(x));
    };
    for (size_t i = 0; i < a.size(); ++i) {
      a16[i] = enc(a[i] = dist(rng));
      b16[i] = enc(b[i] = dist(rng));
      if (v.registerA)
        a[i] = registerAValue(static_cast<int>(i / 64),
                              static_cast<int>(i % 64));
    }
    auto bufA = device->allocate(a16.size() * 2);
    auto bufB = device->allocate(b16.size() * 2);
    auto bufD = device->allocate(64 * 64 * 4);
    if (!bufA.isOk() || !bufB.isOk() || !bufD.isOk())
      return Status::error("allocation failed");
    std::vector<float> poison(64 * 64, std::nanf(""));
    if (!device->copyToDevice(**bufA, a16.data(), a16.size() * 2).isOk() ||
        !device->copyToDevice(**bufB, b16.data(), b16.size() * 2).isOk() ||
        !device->copyToDevice(**bufD, poison.data(), poison.size() * 4)
             .isOk())
      return Status::error("copy failed");
    TensorMap mapA, mapB;
    for (auto [map, buf] : {std::pair(&mapA, bufA->get()),
                            std::pair(&mapB, bufB->get())}) {
      TensorMapFields f;
      f.rank = 2;
      f.elementBytes = 2;
      f.isFloat = true;
      f.globalAddress = buf->address();
      f.globalDim[0] = f.globalDim[1] = 64;
      f.globalStrides[0] = 128;
      f.boxDim[0] = f.boxDim[1] = 64;
      f.swizzle = 3;
      if (std::string e = encodeTensorMap(f, *map); !e.empty())
        return Status::error(e);
    }
    LaunchConfig config;
    config.block = {128u * (1 + v.extraWarpgroups), 1, 1};
    config.dynamicSharedMemory = 9216 + 8192;
    Status s = device->launch(**m, "gemm", config,
                              {KernelArg::of(mapA), KernelArg::of(mapB),
                               KernelArg::pointer((*bufD)->address())});
    if (!s.isOk())
      return s;
    if (!v.mma || !v.storeD)
      return Status::ok();
    std::vector<float> d(64 * 64);
    if (!device->copyToHost(d.data(), **bufD, d.size() * 4).isOk())
      return Status::error("copy back failed");
    for (int r = 0; r < 64; ++r)
      for (int c = 0; c < 64; ++c) {
        int want = 0;
        for (int kk = 0; kk < 64; ++kk)
          want += a[r * 64 + kk] * b[kk * 64 + c];
        if (d[r * 64 + c] != float(want))
          return Status::error("D[" + std::to_string(r) + "][" +
                               std::to_string(c) + "] = " +
                               std::to_string(d[r * 64 + c]) + ", want " +
                               std::to_string(want));
      }
    return Status::ok();
  }

  mlir::MLIRContext context;
  std::unique_ptr<EmulatorDevice> device;
};

TEST_F(HopperKernelTest, TmaAndWgmmaComputeTheTile) {
  Status s = run(Variant());
  ASSERT_TRUE(s.isOk()) << s.getMessage();
  EmulatorCounters c = device->lastCounters();
  EXPECT_EQ(c.wgmmaOps, 4);
  EXPECT_EQ(c.wgmmaFlops, 4 * 2 * 64 * 64 * 16);
  EXPECT_EQ(c.tmaLoadBytes, 16384);
  EXPECT_EQ(c.tmaBytesByTensor[0], 8192);
  EXPECT_EQ(c.tmaBytesByTensor[1], 8192);
  EXPECT_EQ(c.mbarrierWaits, 128);
  EXPECT_EQ(c.uniqueBytesRead, 16384);
  EXPECT_NE(c.format().find("wgmma FLOPs: 524288"), std::string::npos)
      << c.format();
}

TEST_F(HopperKernelTest, Bf16) {
  Variant v;
  v.bf16 = true;
  Status s = run(v);
  ASSERT_TRUE(s.isOk()) << s.getMessage();
}

TEST_F(HopperKernelTest, ReadingTmaDataWithoutTheWaitIsReported) {
  Variant v;
  v.wait = false;
  Status s = run(v);
  ASSERT_FALSE(s.isOk());
  // The producer thread (0) reads what its own loads wrote before waiting;
  // the others may even run before the loads are issued.
  EXPECT_NE(s.getMessage().find("wgmma reads bytes [1024, 9216) of shared "
                                "memory that a TMA load writes before this "
                                "thread waited for phase 0 of its mbarrier "
                                "(shared offset 0)"),
            std::string::npos)
      << s.getMessage();
}

TEST_F(HopperKernelTest, AWaitThatCannotCompleteIsADeadlock) {
  Variant v;
  v.arrive = false;
  Status s = run(v);
  ASSERT_FALSE(s.isOk());
  EXPECT_NE(s.getMessage().find("deadlock"), std::string::npos)
      << s.getMessage();
  EXPECT_NE(s.getMessage().find("threads 0-127 wait on the mbarrier at "
                                "shared offset 0 (phase parity 0"),
            std::string::npos)
      << s.getMessage();
}

TEST_F(HopperKernelTest, WgmmaWithoutAFenceIsReported) {
  Variant v;
  v.wgmmaFence = false;
  Status s = run(v);
  ASSERT_FALSE(s.isOk());
  EXPECT_NE(s.getMessage().find("no wgmma.fence"), std::string::npos)
      << s.getMessage();
}

TEST_F(HopperKernelTest, AccumulatorsReadBeforeTheWaitAreReported) {
  Variant v;
  v.wgmmaWait = false;
  Status s = run(v);
  ASSERT_FALSE(s.isOk());
  EXPECT_NE(s.getMessage().find("read before a wgmma.wait_group retired it"),
            std::string::npos)
      << s.getMessage();
}

/// Shared memory that wgmma reads after an ordinary store needs
/// fence.proxy.async from the storing thread.
TEST_F(HopperKernelTest, AsyncProxyReadsNeedTheStoresFenced) {
  Variant v;
  v.restore = 1;
  Status s = run(v);
  ASSERT_FALSE(s.isOk());
  EXPECT_NE(s.getMessage().find("that thread 0 wrote through the generic "
                                "proxy with no fence.proxy.async"),
            std::string::npos)
      << s.getMessage();
  v.restore = 2;
  s = run(v);
  EXPECT_TRUE(s.isOk()) << s.getMessage();
}

/// The emulator multiplies when a wgmma is issued; the hardware reads its
/// operands until a wait retires the group, so a write to them before then
/// is reported. After every thread's wait (and a barrier) it is fine.
TEST_F(HopperKernelTest, OverwritingOperandsOfAWgmmaInFlightIsReported) {
  Variant v;
  v.reload = 1;
  Status s = run(v);
  ASSERT_FALSE(s.isOk());
  EXPECT_NE(s.getMessage().find(
                "a TMA load writes bytes [1024, 9216) of shared memory that "
                "the wgmma.mma_async at "),
            std::string::npos)
      << s.getMessage();
  EXPECT_NE(s.getMessage().find("of warpgroup 0 reads, before every thread "
                                "of the warpgroup retired its group"),
            std::string::npos)
      << s.getMessage();
  v.reload = 2;
  s = run(v);
  EXPECT_TRUE(s.isOk()) << s.getMessage();
}

TEST_F(HopperKernelTest, ExitingWithWgmmaGroupsInFlightIsReported) {
  Variant v;
  v.wgmmaWait = false;
  v.storeD = false;
  Status s = run(v);
  ASSERT_FALSE(s.isOk());
  EXPECT_NE(s.getMessage().find("thread exits with wgmma groups in flight"),
            std::string::npos)
      << s.getMessage();
}

/// setmaxnreg: every warp of the warpgroup executes it, an increase does
/// not lower the count, and the warpgroups' counts fit the register file.
TEST_F(HopperKernelTest, SetmaxnregIsChecked) {
  Variant v;
  v.extraWarpgroups = 2;
  v.otherRegisters = 232;
  v.mainRegisters = 40;
  // 128 * (40 + 232 + 232) registers, launched with 168 a thread.
  Status s = run(v);
  EXPECT_TRUE(s.isOk()) << s.getMessage();
  v.mainRegisters = 0;
  s = run(v);
  ASSERT_FALSE(s.isOk());
  EXPECT_NE(s.getMessage().find("setmaxnreg: the warpgroups ask for 80896 "
                                "registers in all (168 a thread at launch "
                                "where none is asked for), more than the "
                                "SM's 65536"),
            std::string::npos)
      << s.getMessage();
  v.mainRegisters = 56;
  v.mainIncrease = true;
  s = run(v);
  ASSERT_FALSE(s.isOk());
  EXPECT_NE(s.getMessage().find("setmaxnreg.inc to 56 registers from 168 (an "
                                "increase cannot lower the count)"),
            std::string::npos)
      << s.getMessage();
  v = Variant();
  v.mainRegisters = 200;
  v.mainIncrease = true;
  v.partial = true;
  s = run(v);
  ASSERT_FALSE(s.isOk());
  EXPECT_NE(s.getMessage().find("1 executions by the 128 threads of "
                                "warpgroup 0, not a multiple of 128 (every "
                                "warp of the warpgroup executes it "
                                "together)"),
            std::string::npos)
      << s.getMessage();
}

/// wgmma with A from registers (inline PTX): each warp's fragments are
/// gathered and multiplied with B from shared memory; the accumulators
/// chain through the extracted elements without a wait in between.
TEST_F(HopperKernelTest, RegisterAWgmmaComputesTheTile) {
  Variant v;
  v.registerA = true;
  Status s = run(v);
  ASSERT_TRUE(s.isOk()) << s.getMessage();
  EmulatorCounters c = device->lastCounters();
  EXPECT_EQ(c.wgmmaOps, 4);
  EXPECT_EQ(c.wgmmaFlops, 4 * 2 * 64 * 64 * 16);
  v.bf16 = true;
  s = run(v);
  ASSERT_TRUE(s.isOk()) << s.getMessage();
  v.wgmmaWait = false;
  s = run(v);
  ASSERT_FALSE(s.isOk());
  EXPECT_NE(s.getMessage().find("read before a wgmma.wait_group retired it"),
            std::string::npos)
      << s.getMessage();
}

/// The inline PTX of a register-A wgmma, and what the emulator's rewrite
/// recognises: exactly what the printer writes.
TEST(WgmmaAsmTest, PrintAndParseAgree) {
  for (int n : {8, 64, 136, 256})
    for (int bits = 0; bits < 8; ++bits) {
      fused::WgmmaRegisterA w;
      w.n = n;
      w.bf16 = bits & 1;
      w.scaleD = bits & 2;
      w.transB = bits & 4;
      std::string text = fused::wgmmaRegisterAAsm(w);
      std::optional<fused::WgmmaRegisterA> back =
          fused::parseWgmmaRegisterAAsm(text);
      ASSERT_TRUE(back.has_value()) << text;
      EXPECT_EQ(back->n, n);
      EXPECT_EQ(back->bf16, w.bf16);
      EXPECT_EQ(back->scaleD, w.scaleD);
      EXPECT_EQ(back->transB, w.transB);
    }
  fused::WgmmaRegisterA w;
  w.n = 64;
  std::string text = fused::wgmmaRegisterAAsm(w);
  EXPECT_NE(text.find("wgmma.mma_async.sync.aligned.m64n64k16.f32.f16.f16 "
                      "{$0, $1, "),
            std::string::npos);
  EXPECT_NE(text.find("$31}, {$64, $65, $66, $67}, $68, p, 1, 1, 0;"),
            std::string::npos);
  // Anything else is not taken for it: another scale of A, a descriptor
  // for A, N out of range.
  std::string other = text;
  other.replace(other.find("p, 1, 1"), 7, "p, -1, 1");
  EXPECT_FALSE(fused::parseWgmmaRegisterAAsm(other).has_value());
  other = text;
  other.replace(other.find("{$64, $65, $66, $67}"), 20, "$64");
  EXPECT_FALSE(fused::parseWgmmaRegisterAAsm(other).has_value());
  w.n = 264;
  EXPECT_FALSE(
      fused::parseWgmmaRegisterAAsm(fused::wgmmaRegisterAAsm(w)).has_value());
  w.n = 8;
  std::string c = fused::wgmmaRegisterAConstraints(w);
  EXPECT_EQ(c, "=f,=f,=f,=f,0,1,2,3,r,r,r,r,l");
}

/// A TMA load completes its bytes on a barrier that no thread armed with
/// expect_tx: the block ends with the count unbalanced.
TEST_F(HopperKernelTest, AnUnbalancedTransactionCountIsReported) {
  Variant v;
  v.arrive = false;
  v.wait = false;
  v.mma = false;
  Status s = run(v);
  ASSERT_FALSE(s.isOk());
  EXPECT_NE(s.getMessage().find("the mbarrier at shared offset 0 ends the "
                                "block with transaction count -16384"),
            std::string::npos)
      << s.getMessage();
}

} // namespace
