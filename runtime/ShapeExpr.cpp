//===- ShapeExpr.cpp - sizes that follow from dynamic dimensions ----------===//

#include "fused/Runtime/ShapeExpr.h"

#include <cctype>
#include <limits>

namespace fused::rt {

struct ShapeExpr::Node {
  enum class Kind { Constant, Name, Add, Sub, Mul, Div } kind;
  int64_t value = 0;
  std::string name;
  std::shared_ptr<const Node> lhs, rhs;
};

namespace {

constexpr size_t kMaxTextLength = 1024;

using NodePtr = std::shared_ptr<const ShapeExpr::Node>;
using Kind = ShapeExpr::Node::Kind;

class Parser {
public:
  explicit Parser(const std::string &text) : text(text) {}

  StatusOr<NodePtr> parseAll() {
    StatusOr<NodePtr> e = expr();
    if (!e)
      return e;
    skip();
    if (pos != text.size())
      return fail("unexpected '" + std::string(1, text[pos]) + "'");
    return e;
  }

private:
  Status fail(const std::string &what) {
    return Status::error("invalid size expression '" + text + "': " + what +
                         " at offset " + std::to_string(pos));
  }
  void skip() {
    while (pos < text.size() && std::isspace(static_cast<unsigned char>(text[pos])))
      ++pos;
  }
  static NodePtr binary(Kind k, NodePtr l, NodePtr r) {
    auto n = std::make_shared<ShapeExpr::Node>();
    n->kind = k;
    n->lhs = std::move(l);
    n->rhs = std::move(r);
    return n;
  }
  StatusOr<NodePtr> expr() {
    StatusOr<NodePtr> l = term();
    if (!l)
      return l;
    NodePtr n = *l;
    for (;;) {
      skip();
      if (pos >= text.size() || (text[pos] != '+' && text[pos] != '-'))
        return n;
      Kind k = text[pos++] == '+' ? Kind::Add : Kind::Sub;
      StatusOr<NodePtr> r = term();
      if (!r)
        return r;
      n = binary(k, n, *r);
    }
  }
  StatusOr<NodePtr> term() {
    StatusOr<NodePtr> l = factor();
    if (!l)
      return l;
    NodePtr n = *l;
    for (;;) {
      skip();
      if (pos >= text.size() || (text[pos] != '*' && text[pos] != '/'))
        return n;
      Kind k = text[pos++] == '*' ? Kind::Mul : Kind::Div;
      StatusOr<NodePtr> r = factor();
      if (!r)
        return r;
      n = binary(k, n, *r);
    }
  }
  StatusOr<NodePtr> factor() {
    skip();
    if (pos >= text.size())
      return fail("expected a number, a name or '('");
    char c = text[pos];
    if (c == '(') {
      ++pos;
      StatusOr<NodePtr> e = expr();
      if (!e)
        return e;
      skip();
      if (pos >= text.size() || text[pos] != ')')
        return fail("expected ')'");
      ++pos;
      return e;
    }
    auto n = std::make_shared<ShapeExpr::Node>();
    if (std::isdigit(static_cast<unsigned char>(c))) {
      n->kind = Kind::Constant;
      int64_t v = 0;
      while (pos < text.size() &&
             std::isdigit(static_cast<unsigned char>(text[pos]))) {
        int digit = text[pos++] - '0';
        if (v > (std::numeric_limits<int64_t>::max() - digit) / 10)
          return fail("number too large");
        v = v * 10 + digit;
      }
      n->value = v;
      return NodePtr(n);
    }
    if (std::isalpha(static_cast<unsigned char>(c)) || c == '_') {
      n->kind = Kind::Name;
      size_t start = pos;
      while (pos < text.size() &&
             (std::isalnum(static_cast<unsigned char>(text[pos])) ||
              text[pos] == '_' || text[pos] == '.'))
        ++pos;
      n->name = text.substr(start, pos - start);
      return NodePtr(n);
    }
    return fail("expected a number, a name or '('");
  }

  const std::string &text;
  size_t pos = 0;
};

StatusOr<int64_t> eval(const ShapeExpr::Node &n, const ShapeExpr::Env &env,
                       const std::string &text) {
  auto fail = [&](const std::string &what) {
    return Status::error("size expression '" + text + "': " + what);
  };
  switch (n.kind) {
  case Kind::Constant:
    return n.value;
  case Kind::Name: {
    std::optional<int64_t> v = env ? env(n.name) : std::nullopt;
    if (!v)
      return fail("unknown size '" + n.name + "'");
    return *v;
  }
  default:
    break;
  }
  StatusOr<int64_t> l = eval(*n.lhs, env, text);
  if (!l)
    return l;
  StatusOr<int64_t> r = eval(*n.rhs, env, text);
  if (!r)
    return r;
  int64_t a = *l, b = *r, out = 0;
  switch (n.kind) {
  case Kind::Add:
    if (__builtin_add_overflow(a, b, &out))
      return fail("overflows 64 bits");
    return out;
  case Kind::Sub:
    if (__builtin_sub_overflow(a, b, &out))
      return fail("overflows 64 bits");
    return out;
  case Kind::Mul:
    if (__builtin_mul_overflow(a, b, &out))
      return fail("overflows 64 bits");
    return out;
  case Kind::Div:
    if (b <= 0 || a < 0)
      return fail("divides " + std::to_string(a) + " by " + std::to_string(b));
    return a / b;
  default:
    return fail("bad node");
  }
}

void collectNames(const ShapeExpr::Node &n, std::vector<std::string> &out) {
  if (n.kind == Kind::Name) {
    for (const std::string &s : out)
      if (s == n.name)
        return;
    out.push_back(n.name);
    return;
  }
  if (n.lhs)
    collectNames(*n.lhs, out);
  if (n.rhs)
    collectNames(*n.rhs, out);
}

} // namespace

ShapeExpr ShapeExpr::constant(int64_t value) {
  auto n = std::make_shared<Node>();
  n->kind = Node::Kind::Constant;
  n->value = value;
  ShapeExpr e;
  e.root = n;
  e.source = std::to_string(value);
  return e;
}

StatusOr<ShapeExpr> ShapeExpr::parse(const std::string &text) {
  // The parser and the evaluator recurse once per nesting level and per
  // operator: a bound on the text's length bounds both (a manifest's
  // expressions are a few dozen characters).
  if (text.size() > kMaxTextLength)
    return Status::error("invalid size expression of " +
                         std::to_string(text.size()) +
                         " characters: at most " +
                         std::to_string(kMaxTextLength) + " are read");
  Parser p(text);
  StatusOr<NodePtr> root = p.parseAll();
  if (!root)
    return root.getStatus();
  ShapeExpr e;
  e.root = *root;
  e.source = text;
  return e;
}

StatusOr<int64_t> ShapeExpr::evaluate(const Env &env) const {
  StatusOr<int64_t> v = eval(*root, env, source);
  if (v && *v < 0)
    return Status::error("size expression '" + source + "' is negative (" +
                         std::to_string(*v) + ")");
  return v;
}

bool ShapeExpr::isConstant() const { return names().empty(); }

std::optional<std::string> ShapeExpr::name() const {
  if (root->kind == Node::Kind::Name)
    return root->name;
  return std::nullopt;
}

std::vector<std::string> ShapeExpr::names() const {
  std::vector<std::string> out;
  collectNames(*root, out);
  return out;
}

} // namespace fused::rt
