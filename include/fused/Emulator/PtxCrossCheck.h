//===- PtxCrossCheck.h - the emulator's accesses against the PTX -*- C++ -*-===//
//
// The emulator executes kernels at the NVVM level; the GPU executes the PTX
// that the NVPTX backend makes of the same IR after LLVM's O3 pipeline. The
// cross-check compiles a module's kernels to PTX with every memory
// instruction of the NVVM-level IR tagged by a site number (line-table
// debug info: one `.loc` line per site), and compares, site for site, the
// PTX memory instructions (ld/st global and shared by width, cp.async by
// size, ldmatrix by count and transpose) with the pieces the emulator
// checks and counts (fused::rt::forEachAccessPiece). A site may appear in
// the PTX a whole number of times (loop unrolling) or not at all (code the
// backend proved dead); any other difference, and any PTX memory
// instruction that belongs to no site, is a disagreement. The tagged PTX
// is also compared with the PTX that fused ships (the same instructions).
//
//===----------------------------------------------------------------------===//

#ifndef FUSED_EMULATOR_PTXCROSSCHECK_H
#define FUSED_EMULATOR_PTXCROSSCHECK_H

#include "fused/Pipeline/Pipeline.h"

#include "mlir/Support/LLVM.h"

#include <string>

namespace mlir {
class ModuleOp;
} // namespace mlir

namespace fused::emu {

struct PtxCrossCheck {
  /// True when every kernel agrees.
  bool agree = true;
  /// Per kernel: the PTX memory instructions by class and width, the sites
  /// checked and each disagreement.
  std::string report;
};

/// Runs the cross-check on a clone of `module` (at the `mma` stage), for
/// `options.chip`. Fails (with diagnostics) only when compilation fails.
mlir::FailureOr<PtxCrossCheck> crossCheckPtx(mlir::ModuleOp module,
                                             const PipelineOptions &options);

} // namespace fused::emu

#endif // FUSED_EMULATOR_PTXCROSSCHECK_H
