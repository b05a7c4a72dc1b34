//===- KernelStrategy.h - one strategy per kernel kind ----------*- C++ -*-===//
//
// A kernel strategy is the one place that knows a kernel kind: whether
// code generation supports a `fused.kernel` of its kind (and, when not, a
// diagnostic saying why), which configuration it picks, the useful FLOPs
// of the graph-level ops it computes, the bytes a kernel must move at
// least, and how its GPU kernels are described in a bundle's manifest.
// The registry (kernelStrategies) is the only list of the kinds code
// generation supports: the passes, the driver, the APIs, --bench and the
// manifest all ask it.
//
//===----------------------------------------------------------------------===//

#ifndef FUSED_CONVERSION_KERNELSTRATEGY_H
#define FUSED_CONVERSION_KERNELSTRATEGY_H

#include "fused/Dialect/Fused/IR/FusedOps.h"
#include "fused/Target/Target.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "llvm/Support/JSON.h"

#include <optional>
#include <string>

namespace fused {

/// The callee through which Hopper kernels name their TMA tensor maps
/// until the conversion to NVVM: `llvm.call @__fused_tensor_map(i32 i) :
/// (i32) -> !llvm.ptr` is tensor map i of the kernel's launch
/// configuration; fused-bind-tensor-maps (Pipeline.h) makes it a by-value
/// kernel parameter.
inline constexpr const char *kTensorMapCallee = "__fused_tensor_map";

class KernelStrategy {
public:
  virtual ~KernelStrategy();

  /// The kind of fused.kernel it compiles.
  virtual fused::KernelKind kind() const = 0;
  /// "gemm", "attention": the manifest's kind.
  llvm::StringRef name() const { return fused::stringifyKernelKind(kind()); }

  /// Whether a kernel of this kind starts at `op` (a graph-level op): the
  /// fusion pass groups ops into kernels by asking each strategy.
  virtual bool roots(mlir::Operation *op) const = 0;

  /// Success when code generation supports `kernel` (of this kind) on
  /// `target`; otherwise failure, after an error on the kernel or the op
  /// at fault that says why.
  virtual mlir::LogicalResult checkSupported(fused::KernelOp kernel,
                                             const Target &target) const = 0;

  /// The useful FLOPs of one execution of `op` when it is an op this kind
  /// computes (2 M N K per matmul, ...); nothing for other ops.
  virtual std::optional<double> flops(mlir::Operation *op) const = 0;

  /// The global bytes a kernel must move at least: each input read once
  /// and each result written once.
  virtual double minimumBytes(fused::KernelOp kernel) const;

  /// Whether `kernel` is built on `target` straight from the fused.kernel
  /// by buildGpuKernel (the fused-lower-kernels pass). GEMM kernels of the
  /// Ampere-class path instead go through fused-tile, fused-promote-shared
  /// and fused-lower-to-mma (those of the Hopper path are built directly),
  /// and attention kernels through fused-lower-attention.
  virtual bool lowersToGpu(fused::KernelOp kernel, const Target &target) const {
    return false;
  }

  /// Builds the GPU kernel `name` of a supported `kernel` in `module`, with
  /// its fused.launch configuration, or fails after an error.
  virtual mlir::FailureOr<mlir::gpu::GPUFuncOp>
  buildGpuKernel(fused::KernelOp kernel, const Target &target,
                 mlir::gpu::GPUModuleOp module, llvm::StringRef name) const;

  /// When `kernel` is a GPU kernel this strategy made: sets the manifest's
  /// "config" and "grid_formula" in `desc` and returns true.
  virtual bool describe(mlir::gpu::GPUFuncOp kernel,
                        llvm::json::Object &desc) const = 0;
};

/// The strategies of memory-bound kinds (elementwise, row-wise, reduction,
/// transpose): their kernels are built straight from the fused.kernel
/// (fused-lower-kernels), judged by the bytes they move rather than FLOPs,
/// and described in the manifest by their threads per block and grid
/// formula.
class MemoryBoundStrategy : public KernelStrategy {
public:
  std::optional<double> flops(mlir::Operation *) const final {
    return std::nullopt;
  }
  bool lowersToGpu(fused::KernelOp, const Target &) const final {
    return true;
  }
  bool describe(mlir::gpu::GPUFuncOp kernel,
                llvm::json::Object &desc) const final;

protected:
  /// How the grid of `kernel` follows from the shapes (x, y, z).
  virtual llvm::json::Array gridFormula(mlir::gpu::GPUFuncOp kernel) const = 0;
  /// Sets the fused.launch of `kernel`, which has `outputs` outputs; an
  /// axis of `gridSizes` that is not empty is that size expression over
  /// the arguments' dimensions (LaunchConfigAttr), its `grid` value 0.
  static void setLaunch(mlir::gpu::GPUFuncOp kernel,
                        llvm::ArrayRef<int64_t> grid,
                        llvm::ArrayRef<int64_t> block, int64_t sharedBytes,
                        int64_t outputs = 1,
                        llvm::ArrayRef<std::string> gridSizes = {});
};

/// The shell of a GPU kernel for `kernel` in `module`: a gpu.func `name`
/// (renamed on collision) taking one memref per kernel input, then one per
/// result, marked as a kernel of `threads` threads per block
/// (known_block_size) and of the kernel's kind (fused.kernel_kind), with an
/// empty body for the strategy to fill and terminate.
mlir::gpu::GPUFuncOp createKernelShell(fused::KernelOp kernel,
                                       mlir::gpu::GPUModuleOp module,
                                       llvm::StringRef name, int64_t threads);
/// The same shell for a kernel of `kind` whose arguments `type` gives (the
/// GEMM lowering's, from its tiled kernel function).
mlir::gpu::GPUFuncOp createKernelShell(mlir::Location loc,
                                       mlir::gpu::GPUModuleOp module,
                                       llvm::StringRef name,
                                       mlir::FunctionType type, int64_t threads,
                                       fused::KernelKind kind);

/// Success when every input of `kernel` has a static shape; otherwise an
/// error on the kernel naming the first that does not (and, with `kind`,
/// saying that `kind` kernels need static shapes so far).
/// Whether every input of `kernel` starts at a multiple of `bytes` from
/// its buffer's base for every size: true of buffers, and of views (slices,
/// reshapes) only where their offset is. Accesses that assume more than
/// element alignment of an input's start need it.
bool inputsStartAligned(fused::KernelOp kernel, int64_t bytes);

mlir::LogicalResult checkStaticInputs(fused::KernelOp kernel,
                                      llvm::StringRef kind = "");

/// Success when the inputs and results of `kernel` are dynamic (`?`) in
/// their first dimension at most; otherwise an error naming the first that
/// is dynamic elsewhere.
mlir::LogicalResult checkDynamicLeadingOnly(fused::KernelOp kernel,
                                            llvm::StringRef kind);

/// "aI.dJ": dimension `dim` of kernel argument `arg` in a grid size
/// expression.
std::string argDimName(unsigned arg, unsigned dim);

/// "C * aI.dJ * ...": `count` times the dynamic dimensions (those of
/// `shape` that are) of kernel argument `arg`, as a size expression (the
/// kernel's side: kernel_builders::timesDynamicSizes).
std::string timesDynamicSizesExpr(int64_t count, unsigned arg,
                                  llvm::ArrayRef<int64_t> shape);

/// "(E + D - 1) / D": the expression of ceil(`expr` / `divisor`).
std::string ceilDivExpr(const std::string &expr, int64_t divisor);

/// Every strategy, in the order of their kinds.
llvm::ArrayRef<const KernelStrategy *> kernelStrategies();

/// The strategy of `kind`, or null when code generation has none yet.
const KernelStrategy *strategyFor(fused::KernelKind kind);

/// "GEMM and attention kernels": what code generation supports, for
/// messages.
std::string supportedKernelKinds();

/// The alignment in bytes that GPU kernel `k` assumes of each argument's
/// base address: the widest that any of its accesses to it declares.
llvm::SmallVector<int64_t> kernelArgumentAlignments(mlir::gpu::GPUFuncOp k);

/// The useful FLOPs of one call of `func`, summed over the ops the
/// strategies count.
double functionFlops(mlir::func::FuncOp func);

/// The bytes one call of `func` moves at least: its arguments read once
/// and its results written once (statically shaped ones), for GB/s.
double functionBytes(mlir::func::FuncOp func);

} // namespace fused

#endif // FUSED_CONVERSION_KERNELSTRATEGY_H
