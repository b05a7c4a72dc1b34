//===- Evaluator.h - float64 interpreter of fused functions -----*- C++ -*-===//
//
// Evaluates a `func.func` made of `fused` ops (plus `arith.constant` and
// `func.return`) on host tensors in float64 with the exact semantics of each
// op. It is the independent oracle that every numerical check of the
// compiler compares against.
//
//===----------------------------------------------------------------------===//

#ifndef FUSED_REFERENCE_EVALUATOR_H
#define FUSED_REFERENCE_EVALUATOR_H

#include "fused/Reference/Kernels.h"

#include "mlir/Support/LLVM.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace mlir {
class Operation;
class Type;
} // namespace mlir

namespace fused::ref {

/// Options of the reference evaluator.
struct EvalOptions {
  /// Round every op result to its element type (as a kernel that stores each
  /// intermediate would). Off by default: everything stays in float64 and
  /// only the final comparison sees the output dtype.
  bool roundResults = false;
};

/// The float format of an MLIR float type, or nullopt for other types.
std::optional<FloatKind> floatKindOf(mlir::Type type);

/// Evaluates `func` (a `func.func`) on `inputs`, one tensor per argument.
/// Writes one tensor per returned value to `results`. On unsupported ops or
/// inputs that do not fit the argument types, emits a diagnostic at the
/// offending location and returns failure.
mlir::LogicalResult evaluate(mlir::Operation *func,
                             const std::vector<Tensor> &inputs,
                             std::vector<Tensor> &results,
                             const EvalOptions &options = {});

/// Random inputs for every argument of `func`: uniform in [-1, 1), rounded
/// to the argument's element type so that they are exactly representable.
/// Fails (with a diagnostic) for arguments that are not statically shaped
/// float tensors.
mlir::LogicalResult makeRandomInputs(mlir::Operation *func, uint64_t seed,
                                     std::vector<Tensor> &inputs);
/// The shape of each tensor.
inline std::vector<std::vector<int64_t>>
shapesOf(const std::vector<Tensor> &tensors) {
  std::vector<std::vector<int64_t>> shapes;
  for (const Tensor &t : tensors)
    shapes.push_back(t.shape);
  return shapes;
}

/// The same with `shapes` for the arguments (which may have dynamic
/// dimensions, `?`): each must fit its argument's type.
mlir::LogicalResult
makeRandomInputs(mlir::Operation *func, uint64_t seed,
                 const std::vector<std::vector<int64_t>> &shapes,
                 std::vector<Tensor> &inputs);

} // namespace fused::ref

#endif // FUSED_REFERENCE_EVALUATOR_H
