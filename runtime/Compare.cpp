//===- Compare.cpp - judging a result against its reference ---------------===//
//
// The one comparison rule of fused (Compare.h), in plain C++ so that the
// runtime-only build and fused-run share it with the compiler's tools.
//
//===----------------------------------------------------------------------===//

#include "fused/Runtime/Compare.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>

namespace fused::rt {
namespace {
constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

std::string shapeText(const std::vector<int64_t> &shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}
} // namespace

double toleranceFor(const std::string &dtype) {
  if (dtype == "f16")
    return 2e-3;
  if (dtype == "bf16")
    return 1e-2;
  return 1e-5;
}

double overflowFor(const std::string &dtype) {
  // Half-way between the largest finite value and the next power of two:
  // what rounds to nearest even as infinity.
  if (dtype == "f16")
    return 65520.0;
  if (dtype == "bf16")
    return std::ldexp(2.0 - std::ldexp(1.0, -8), 127);
  if (dtype == "f32")
    return std::ldexp(2.0 - std::ldexp(1.0, -24), 127);
  return kInf;
}

namespace {
/// Whether `o` is the infinity that `r` rounds to in a type whose range
/// ends at `overflow`, `allowed` away.
bool overflowed(double o, double r, double allowed, double overflow) {
  return std::isinf(o) && std::isfinite(r) && std::isfinite(overflow) &&
         std::signbit(o) == std::signbit(r) &&
         std::fabs(r) + allowed >= overflow;
}
} // namespace

double relativeError(const std::vector<double> &out,
                     const std::vector<double> &ref, double overflow) {
  if (out.size() != ref.size())
    return kInf;
  for (size_t i = 0; i < out.size(); ++i)
    if (std::isnan(out[i]) || std::isnan(ref[i]))
      return kNaN;
  double diffSquares = 0.0;
  double refSquares = 0.0;
  for (size_t i = 0; i < out.size(); ++i) {
    double o = out[i], r = ref[i];
    if (std::isinf(o) || std::isinf(r)) {
      // Matching infinities (e.g. the lse of masked rows) are exact, and
      // so is the infinity a result type's range makes of a reference.
      if (o != r && !overflowed(o, r, 0.0, overflow))
        return kInf;
      continue;
    }
    diffSquares += (o - r) * (o - r);
    refSquares += r * r;
  }
  double diffNorm = std::sqrt(diffSquares);
  double refNorm = std::sqrt(refSquares);
  if (refNorm == 0.0)
    return diffNorm;
  return diffNorm / refNorm;
}

Comparison compare(const std::vector<double> &out,
                   const std::vector<double> &ref, double rtol,
                   double overflow) {
  Comparison c;
  c.rtol = rtol;
  c.elements = static_cast<int64_t>(ref.size());
  if (out.size() != ref.size()) {
    c.relativeError = kInf;
    c.failures = c.elements;
    return c;
  }
  // The scale of the absolute allowance: the largest finite reference the
  // result type can hold.
  double scale = 0.0;
  for (double r : ref)
    if (std::isfinite(r) && std::fabs(r) < overflow)
      scale = std::max(scale, std::fabs(r));
  c.atol = rtol * scale;
  // How far outside the rule each element is: its error over what the rule
  // allows (> 1 fails; infinite for a wrong non-finite value).
  double worstRatio = -1.0;
  // The relative error leaves out the elements that overflowed as the
  // reference would.
  std::vector<double> kept, keptRef;
  for (size_t i = 0; i < ref.size(); ++i) {
    double o = out[i], r = ref[i];
    double ratio;
    if (std::isnan(r))
      ratio = std::isnan(o) ? 0.0 : kInf;
    else if (std::isinf(r))
      ratio = o == r ? 0.0 : kInf;
    else if (overflowed(o, r, c.atol + rtol * std::fabs(r), overflow)) {
      ratio = 0.0;
      continue;
    }
    else if (!std::isfinite(o))
      ratio = kInf;
    else {
      double allowed = c.atol + rtol * std::fabs(r);
      double err = std::fabs(o - r);
      ratio = err == 0.0 ? 0.0 : allowed > 0.0 ? err / allowed : kInf;
    }
    kept.push_back(o);
    keptRef.push_back(r);
    if (ratio > 1.0)
      ++c.failures;
    if (ratio > worstRatio) {
      worstRatio = ratio;
      c.worst = static_cast<int64_t>(i);
      c.worstValue = o;
      c.worstReference = r;
    }
  }
  c.relativeError = relativeError(kept, keptRef);
  c.pass = c.failures == 0;
  return c;
}

std::string describe(const Comparison &c, const std::vector<int64_t> &shape) {
  char buf[96];
  std::string s;
  std::snprintf(buf, sizeof(buf), "relative error %.3e, ", c.relativeError);
  s += buf;
  std::snprintf(buf, sizeof(buf), " elements outside %.1e + %.1e*|ref|",
                c.atol, c.rtol);
  s += std::to_string(c.failures) + " of " + std::to_string(c.elements) + buf;
  if (c.worst >= 0 && !shape.empty() &&
      static_cast<size_t>(c.worst) < static_cast<size_t>(
                                         std::max<int64_t>(1, c.elements))) {
    std::vector<int64_t> index(shape.size());
    int64_t rest = c.worst;
    for (size_t d = shape.size(); d-- > 0;) {
      int64_t n = std::max<int64_t>(shape[d], 1);
      index[d] = rest % n;
      rest /= n;
    }
    std::snprintf(buf, sizeof(buf), ": %.6g vs %.6g)", c.worstValue,
                  c.worstReference);
    s += " (worst " + shapeText(index) + buf;
  } else if (c.worst >= 0) {
    std::snprintf(buf, sizeof(buf), " (worst: %.6g vs %.6g)", c.worstValue,
                  c.worstReference);
    s += buf;
  }
  return s;
}
} // namespace fused::rt
