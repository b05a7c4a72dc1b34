//===- CheckLimits.cpp - kernels against the chip's launch limits ---------===//
//
// fused-check-limits: see Passes.td. The grid, block and dynamic shared
// memory come from the kernels' launch attributes (fused.grid, fused.block,
// fused.dynamic_shared_memory).
//
//===----------------------------------------------------------------------===//

#include "fused/Conversion/KernelStrategy.h"
#include "fused/Dialect/Fused/IR/FusedDialect.h"
#include "fused/Dialect/Fused/IR/Schedule.h"
#include "fused/Dialect/Fused/Transforms/Passes.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/Support/MathExtras.h"

namespace fused::fused {
#define GEN_PASS_DEF_FUSEDCHECKLIMITSPASS
#include "fused/Dialect/Fused/Transforms/Passes.h.inc"
} // namespace fused::fused

using namespace mlir;

namespace {

/// The bytes a memref of `type` spans, or nothing when it overflows 63 bits.
std::optional<int64_t> spanBytes(ShapedType type) {
  if (!type.hasStaticShape())
    return 0; // Dynamic sizes are checked where they are known.
  int64_t bytes =
      std::max<int64_t>(1, type.getElementTypeBitWidth() / 8);
  for (int64_t d : type.getShape()) {
    if (d != 0 && bytes > std::numeric_limits<int64_t>::max() / d)
      return std::nullopt;
    bytes *= d;
  }
  return bytes;
}

struct CheckLimitsPass
    : public ::fused::fused::impl::FusedCheckLimitsPassBase<CheckLimitsPass> {
  using FusedCheckLimitsPassBase::FusedCheckLimitsPassBase;

  void runOnOperation() override {
    std::optional<::fused::Target> target =
        chip.empty() ? ::fused::fused::moduleTarget(getOperation())
                     : ::fused::Target::get(chip);
    if (!target) {
      getOperation().emitError() << "fused-check-limits: unknown chip '"
                                 << chip << "'";
      return signalPassFailure();
    }
    const ::fused::ChipLimits *limits = &target->limits;
    StringRef chipName = target->chip;
    bool failed = false;
    // Tensors of the graph functions, before any kernel exists (the pass
    // runs after fusion and again after the GPU lowerings).
    getOperation().walk([&](func::FuncOp f) {
      auto check = [&](Type t, StringRef what, size_t i) {
        if (auto s = dyn_cast<ShapedType>(t); s && !spanBytes(s)) {
          failed = true;
          f.emitError() << "function '" << f.getSymName() << "': " << what
                        << " " << i << " (" << t
                        << ") spans more bytes than the kernels' 64-bit "
                           "index arithmetic can address";
        }
      };
      for (auto [i, t] : llvm::enumerate(f.getArgumentTypes()))
        check(t, "argument", i);
      for (auto [i, t] : llvm::enumerate(f.getResultTypes()))
        check(t, "result", i);
    });
    if (failed)
      return signalPassFailure();
    getOperation().walk([&](gpu::GPUFuncOp k) {
      if (!k.isKernel())
        return;
      auto fail = [&]() {
        failed = true;
        return k.emitError() << "kernel '" << k.getName() << "' for " << chipName
                             << ": ";
      };
      auto launch = ::fused::fused::FusedDialect::LaunchAttrHelper(k.getContext())
                        .getAttr(k);
      if (launch) {
        ArrayRef<int64_t> b = launch.getBlock();
        int64_t threads = b[0] * b[1] * b[2];
        if (threads > limits->maxThreadsPerBlock)
          fail() << threads << " threads per block exceed the limit of "
                 << limits->maxThreadsPerBlock;
      }
      if (launch) {
        ArrayRef<int64_t> g = launch.getGrid();
        if (g[0] > limits->maxGridX)
          fail() << "a grid x dimension of " << g[0]
                 << " blocks exceeds the limit of " << limits->maxGridX
                 << " (2^31 - 1)";
        for (int d = 1; d < 3; ++d)
          if (g[d] > limits->maxGridYZ)
            fail() << "a grid " << (d == 1 ? "y" : "z") << " dimension of "
                   << g[d] << " blocks exceeds the limit of "
                   << limits->maxGridYZ;
      }
      if (launch &&
          launch.getDynamicSharedMemory() > limits->maxSharedMemoryPerBlock)
        fail() << launch.getDynamicSharedMemory()
               << " bytes of dynamic shared memory per block exceed the "
                  "chip's opt-in maximum of "
               << limits->maxSharedMemoryPerBlock << " bytes ("
               << limits->maxSharedMemoryPerBlock / 1024 << " KiB)";
      for (auto [i, t] : llvm::enumerate(k.getArgumentTypes()))
        if (auto m = dyn_cast<MemRefType>(t); m && !spanBytes(m))
          fail() << "argument " << i << " (" << t
                 << ") spans more bytes than the kernels' 64-bit index "
                    "arithmetic can address";
    });
    // A kernel that assumes an alignment of an argument's base cannot take
    // a view that starts off it.
    getOperation().walk([&](::fused::fused::LaunchOp launch) {
      auto k = SymbolTable::lookupNearestSymbolFrom<gpu::GPUFuncOp>(
          launch, launch.getCallee());
      if (!k)
        return;
      SmallVector<int64_t> align = ::fused::kernelArgumentAlignments(k);
      for (auto [i, in] : llvm::enumerate(launch.getInputs())) {
        // Aligned for every size when each term is a multiple.
        ::fused::SizeExpr offsetExpr = ::fused::viewByteOffset(in);
        bool misaligned = llvm::any_of(
            offsetExpr.terms(), [&](const ::fused::SizeTerm &t) {
              return i < align.size() && t.coeff % align[i];
            });
        if (misaligned) {
          failed = true;
          launch.emitOpError()
              << "passes a view that starts " << offsetExpr.str()
              << " bytes into its buffer as argument " << i << " of kernel '"
              << k.getName() << "', which assumes " << align[i]
              << "-byte alignment: slice at a multiple of " << align[i]
              << " bytes";
        }
      }
    });
    if (failed)
      signalPassFailure();
  }
};

} // namespace
