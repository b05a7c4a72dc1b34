//===- ShapeExprFuzzer.cpp - size expressions under libFuzzer -------------===//
//
// The input is a size expression's text ("(a0.d1 + 7) / 8", "3 * s0"):
// ShapeExpr::parse gives an expression or an error, and evaluating one
// gives a value or an error (division by zero, overflow), never a crash.
//
//===----------------------------------------------------------------------===//

#include "fused/Runtime/ShapeExpr.h"

#include <cstdint>
#include <string>

using namespace fused::rt;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
  std::string text(reinterpret_cast<const char *>(data), size);
  StatusOr<ShapeExpr> e = ShapeExpr::parse(text);
  if (!e)
    return 0;
  (void)e->names();
  (void)e->name();
  for (int64_t v : {int64_t(0), int64_t(1), int64_t(37), INT64_MAX})
    (void)e->evaluate(
        [&](const std::string &) -> std::optional<int64_t> { return v; });
  (void)e->evaluate(
      [](const std::string &) -> std::optional<int64_t> { return {}; });
  return 0;
}
