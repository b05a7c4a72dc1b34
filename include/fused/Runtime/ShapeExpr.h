//===- ShapeExpr.h - sizes that follow from dynamic dimensions --*- C++ -*-===//
//
// A bundle compiled with dynamic dimensions (`?`) states the sizes that
// depend on them as expressions (docs/bundle.md): a buffer's dimension
// ("s0", "3*s0"), a view's byte offset ("256*s0"), a kernel's grid
// ("(a0.d0 + 3) / 4"). The grammar:
//
//   expr   := term (('+' | '-') term)*
//   term   := factor (('*' | '/') factor)*
//   factor := integer | name | '(' expr ')'
//   name   := [A-Za-z_][A-Za-z0-9_.]*
//
// on 64-bit integers; `/` divides rounding down and is defined for a
// non-negative dividend and a positive divisor only. Evaluation refuses
// overflow, an unknown name and a negative result.
//
//===----------------------------------------------------------------------===//

#ifndef FUSED_RUNTIME_SHAPEEXPR_H
#define FUSED_RUNTIME_SHAPEEXPR_H

#include "fused/Runtime/Runtime.h"

#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace fused::rt {

class ShapeExpr {
public:
  /// An expression that is the constant `value`.
  static ShapeExpr constant(int64_t value);
  /// Parses `text`; the error says where it stops making sense.
  static StatusOr<ShapeExpr> parse(const std::string &text);

  /// The value of a name, or nothing when it is unknown.
  using Env = std::function<std::optional<int64_t>(const std::string &)>;
  StatusOr<int64_t> evaluate(const Env &env) const;

  /// Whether the expression has no names.
  bool isConstant() const;
  /// When the expression is a single name: that name.
  std::optional<std::string> name() const;
  /// The names it uses, each once, in order of first use.
  std::vector<std::string> names() const;
  const std::string &text() const { return source; }

  struct Node;

private:
  std::shared_ptr<const Node> root;
  std::string source;
};

} // namespace fused::rt

#endif // FUSED_RUNTIME_SHAPEEXPR_H
