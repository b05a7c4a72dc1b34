//===- Shapes.h - dynamic dimensions and the sizes they imply ---*- C++ -*-===//
//
// A dimension written `?` is a size known at run time. Code generation
// keeps one kernel for all its values; what it needs to know is which
// dynamic dimensions are the same size (the rows of a matmul's A and of its
// result, the two operands of an add) and, on the host, what every buffer's
// size and every view's offset is once the inputs' sizes are known.
//
//  - forEachEqualDim: the dimensions an op makes or requires equal.
//  - kernelDimClasses: the classes of equal dynamic dimensions among a
//    kernel's inputs and results, which fused.launch records (dim_classes).
//  - SizeExpr: a size as a polynomial in the function's size symbols
//    (s0, s1, ...), printed in the manifest's expression syntax.
//
//===----------------------------------------------------------------------===//

#ifndef FUSED_DIALECT_FUSED_IR_SHAPES_H
#define FUSED_DIALECT_FUSED_IR_SHAPES_H

#include "fused/Dialect/Fused/IR/FusedOps.h"

#include "llvm/ADT/SmallVector.h"

#include <optional>
#include <string>

namespace fused {

/// Calls `same(a, i, b, j)` for every pair of dimensions that `op` makes or
/// requires to be equal: dimension `i` of `a` and `j` of `b` (operands and
/// results of `op`). Broadcast dimensions of size 1 pair with nothing.
void forEachEqualDim(
    mlir::Operation *op,
    llvm::function_ref<void(mlir::Value, int64_t, mlir::Value, int64_t)> same);

/// For each dimension of each of the kernel's inputs, then each of its
/// results: -1 when it is static, else the class of the dynamic dimensions
/// its body makes equal to it (0, 1, ... in order of first appearance).
/// Fails after an error on the op at fault when a dynamic dimension must
/// equal a static size, or a result's dynamic dimension follows from no
/// input's.
mlir::FailureOr<llvm::SmallVector<int64_t>>
kernelDimClasses(fused::KernelOp kernel);

/// A fused.launch of `callee` in place of `kernel` (before it), taking its
/// inputs and recording its dim_classes when it has dynamic dimensions;
/// fails after kernelDimClasses's error.
mlir::FailureOr<fused::LaunchOp> createLaunchFor(mlir::OpBuilder &b,
                                                 fused::KernelOp kernel,
                                                 mlir::SymbolRefAttr callee);

/// coeff * s[symbols[0]] * s[symbols[1]] ... (symbols sorted).
struct SizeTerm {
  int64_t coeff = 0;
  llvm::SmallVector<unsigned, 2> symbols;
};

/// A sum of SizeTerms: a size that follows from the size symbols.
class SizeExpr {
public:
  static SizeExpr constant(int64_t c);
  static SizeExpr symbol(unsigned s);

  SizeExpr operator+(const SizeExpr &o) const;
  SizeExpr operator*(const SizeExpr &o) const;
  bool operator==(const SizeExpr &o) const;

  std::optional<int64_t> constantValue() const;
  /// When the size is one symbol times a constant: both.
  std::optional<std::pair<unsigned, int64_t>> scaledSymbol() const;
  /// When the size is a product: it divided by `c` if that divides it.
  std::optional<SizeExpr> exactDivide(int64_t c) const;
  /// Its value given each symbol's; nothing when a symbol has no value or
  /// the arithmetic overflows 64 bits.
  std::optional<int64_t> evaluate(llvm::ArrayRef<int64_t> symbols) const;
  /// "768", "s0", "3 * s0 * s1 + 64".
  std::string str() const;
  const llvm::SmallVector<SizeTerm, 1> &terms() const { return termList; }

private:
  void normalize();
  llvm::SmallVector<SizeTerm, 1> termList;
};

} // namespace fused

#endif // FUSED_DIALECT_FUSED_IR_SHAPES_H
