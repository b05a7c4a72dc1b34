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

double relativeError(const std::vector<double> &out,
                     const std::vector<double> &ref) {
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
      // Matching infinities (e.g. the lse of masked rows) are exact.
      if (o != r)
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
                   const std::vector<double> &ref, double rtol) {
  Comparison c;
  c.relativeError = relativeError(out, ref);
  c.rtol = rtol;
  c.elements = static_cast<int64_t>(ref.size());
  if (out.size() != ref.size()) {
    c.failures = c.elements;
    return c;
  }
  double scale = 0.0;
  for (double r : ref)
    if (std::isfinite(r))
      scale = std::max(scale, std::fabs(r));
  c.atol = rtol * scale;
  // How far outside the rule each element is: its error over what the rule
  // allows (> 1 fails; infinite for a wrong non-finite value).
  double worstRatio = -1.0;
  for (size_t i = 0; i < ref.size(); ++i) {
    double o = out[i], r = ref[i];
    double ratio;
    if (std::isnan(r))
      ratio = std::isnan(o) ? 0.0 : kInf;
    else if (std::isinf(r))
      ratio = o == r ? 0.0 : kInf;
    else if (!std::isfinite(o))
      ratio = kInf;
    else {
      double allowed = c.atol + rtol * std::fabs(r);
      double err = std::fabs(o - r);
      ratio = err == 0.0 ? 0.0 : allowed > 0.0 ? err / allowed : kInf;
    }
    if (ratio > 1.0)
      ++c.failures;
    if (ratio > worstRatio) {
      worstRatio = ratio;
      c.worst = static_cast<int64_t>(i);
      c.worstValue = o;
      c.worstReference = r;
    }
  }
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
