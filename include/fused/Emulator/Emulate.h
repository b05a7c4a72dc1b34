//===- Emulate.h - kernels rewritten for the CPU emulator -------*- C++ -*-===//
//
// The compiler side of the emulator backend. `fused-emulate` rewrites the
// kernels of a module at the NVVM level (after convert-gpu-to-nvvm, before
// convert-nvvm-to-llvm) into host functions whose GPU operations call the
// emulator runtime (runtime/emulator/Runtime.cpp); buildEmulatorImage runs
// the whole path from the `mma` stage to LLVM IR text, the image that the
// emulator device loads (fused::rt::ModuleFormat::EmulatorIR).
//
//===----------------------------------------------------------------------===//

#ifndef FUSED_EMULATOR_EMULATE_H
#define FUSED_EMULATOR_EMULATE_H

#include "mlir/Support/LLVM.h"
#include "llvm/ADT/ArrayRef.h"
#include "llvm/ADT/StringRef.h"

#include <memory>
#include <string>

#include <cstdint>
#include <optional>

namespace mlir {
class DataLayout;
class ModuleOp;
class Operation;
class Pass;
} // namespace mlir

namespace fused::emu {

/// A memory instruction of a kernel at the NVVM level, as the emulator
/// checks and counts it: its kind, address space (1 global, 3 shared, 0
/// generic), size and the alignment the IR declares (for loads and stores,
/// the op's, else the type's ABI alignment). The emulator splits it into
/// PTX instructions by fused::rt::forEachAccessPiece.
struct KernelAccess {
  enum Kind { Load, Store, Atomic, CpAsync, Ldmatrix } kind = Load;
  unsigned addressSpace = 0;
  int64_t bytes = 0;
  int64_t align = 1;
  int ldmatrixNum = 0;
  bool ldmatrixTrans = false;
};

/// The access `op` makes, or nothing when it makes none that the emulator
/// checks (not a memory op, or an access to the thread's own stack).
std::optional<KernelAccess> classifyAccess(mlir::Operation *op,
                                           const mlir::DataLayout &dl);

/// The `fused-emulate` pass (a pass on the top-level module).
std::unique_ptr<mlir::Pass> createEmulatePass();

/// Registers `fused-emulate` with the pass registry.
void registerEmulatePass();

/// A miscompilation that the emulator's own tests plant on purpose
/// (fused-compile --plant-bug), each of which the emulator must catch.
struct PlantedBug {
  llvm::StringRef name;
  llvm::StringRef description;
  /// The chip whose kernels have what the bug changes ("" for every chip's,
  /// "sm_90a" for the Hopper kernels' TMA, mbarriers and wgmma).
  llvm::StringRef chip = "";
};

/// Every planted bug buildEmulatorImage and plantLaunchBug know.
llvm::ArrayRef<PlantedBug> plantedBugs();
bool isPlantedBug(llvm::StringRef name);

/// Plants the bugs that live in the launch schedule rather than in the
/// kernels ("grid-short": one block fewer along x for every kernel with
/// more than one) into `module` at the `mma` stage; others are ignored.
void plantLaunchBug(mlir::ModuleOp module, llvm::StringRef bug);

/// Lowers a clone of `module` (at the `mma` stage: host functions with
/// fused.launch and a gpu.module of kernels) for the emulator and returns
/// the LLVM IR text of the result. Diagnostics go to the module's context.
/// `plantBug`, for the emulator's own tests, miscompiles the kernels on
/// purpose before the rewrite (one of plantedBugs(); an unknown name is an
/// error).
mlir::FailureOr<std::string> buildEmulatorImage(mlir::ModuleOp module,
                                                llvm::StringRef plantBug = "");

} // namespace fused::emu

#endif // FUSED_EMULATOR_EMULATE_H
