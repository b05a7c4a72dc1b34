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
#include <cmath>
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

/// The magnitude from which values of element type `dtype` round to
/// infinity (65520 for f16, about 3.40e38 for f32 and bf16); infinite for
/// f64 and unknown types.
double overflowFor(const std::string &dtype);

/// `overflow`: see compare.
double relativeError(const std::vector<double> &out,
                     const std::vector<double> &ref,
                     double overflow = HUGE_VAL);

/// Judges `out` against `ref` (same number of elements) at `rtol`. A
/// result type's range ends at `overflow` (overflowFor): an infinite
/// element of `out` matches a finite reference of its sign that the rule's
/// allowance brings to that magnitude, as rounding it to the result's type
/// would.
Comparison compare(const std::vector<double> &out,
                   const std::vector<double> &ref, double rtol,
                   double overflow = HUGE_VAL);

/// "relative error 1.2e-04, 0 of 4096 elements outside 2.0e-03 + 2.0e-03
/// *|ref| (worst [0, 3]: 0.1234 vs 0.1233)"; `shape` gives the worst
/// element's index.
std::string describe(const Comparison &c, const std::vector<int64_t> &shape);

} // namespace fused::rt

#endif // FUSED_RUNTIME_COMPARE_H
