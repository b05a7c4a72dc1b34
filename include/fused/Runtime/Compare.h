//===- Compare.h - judging a result against its reference -------*- C++ -*-===//
//
// The one rule by which fused judges a computed result against its float64
// reference (fused-compile --check and --check-host, fused-run --check, the
// C, C++ and Python APIs): every element must satisfy
// |out - ref| <= atol + rtol * |ref|, with atol = rtol * max |ref| over the
// reference's finite elements; a NaN or infinity where the reference is
// finite fails; where the reference is infinite the result must be the
// same infinity, where it is NaN, NaN. The relative norm error is computed
// for information. Plain C++17.
//
//===----------------------------------------------------------------------===//

#ifndef FUSED_RUNTIME_COMPARE_H
#define FUSED_RUNTIME_COMPARE_H

#include <cstdint>
#include <string>
#include <vector>

namespace fused::rt {

/// The relative tolerance of values of element type `dtype`: 2e-3 for f16,
/// 1e-2 for bf16, 1e-5 otherwise.
double toleranceFor(const std::string &dtype);

struct Comparison {
  /// ||out - ref|| / ||ref|| (||out|| when ||ref|| = 0), for information:
  /// +inf for differing sizes or an unmatched infinity, NaN with a NaN.
  double relativeError = 0.0;
  double rtol = 0.0;
  double atol = 0.0;
  int64_t elements = 0;
  /// Elements that break the rule (all of them for differing sizes).
  int64_t failures = 0;
  /// The element furthest outside (or nearest to the edge of) the rule:
  /// its flat index, value and reference; -1 when there are no elements.
  int64_t worst = -1;
  double worstValue = 0.0;
  double worstReference = 0.0;
  bool pass = false;
};

double relativeError(const std::vector<double> &out,
                     const std::vector<double> &ref);

/// Judges `out` against `ref` (same number of elements) at `rtol`.
Comparison compare(const std::vector<double> &out,
                   const std::vector<double> &ref, double rtol);

/// "relative error 1.2e-04, 0 of 4096 elements outside 2.0e-03 + 2.0e-03
/// *|ref| (worst [0, 3]: 0.1234 vs 0.1233)"; `shape` gives the worst
/// element's index.
std::string describe(const Comparison &c, const std::vector<int64_t> &shape);

} // namespace fused::rt

#endif // FUSED_RUNTIME_COMPARE_H
