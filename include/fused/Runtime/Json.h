//===- Json.h - a small JSON reader for bundle manifests --------*- C++ -*-===//
//
// Enough JSON for manifest.json (docs/bundle.md): objects, arrays, strings
// (with escapes), numbers, true, false and null. Plain C++17, so that the
// runtime-only build needs no LLVM.
//
//===----------------------------------------------------------------------===//

#ifndef FUSED_RUNTIME_JSON_H
#define FUSED_RUNTIME_JSON_H

#include "fused/Runtime/Runtime.h"

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

namespace fused::rt::json {

class Value {
public:
  enum class Kind { Null, Bool, Number, String, Array, Object };

  Value() = default;
  Kind kind() const { return k; }
  bool isNull() const { return k == Kind::Null; }
  bool isBool() const { return k == Kind::Bool; }
  bool isNumber() const { return k == Kind::Number; }
  bool isString() const { return k == Kind::String; }
  bool isArray() const { return k == Kind::Array; }
  bool isObject() const { return k == Kind::Object; }

  bool boolean() const { return b; }
  double number() const { return n; }
  /// The number as an integer when it is one exactly.
  bool integer(int64_t &out) const;
  const std::string &string() const { return s; }
  const std::vector<Value> &array() const { return a; }
  const std::map<std::string, Value> &object() const { return o; }
  /// The member `key` of an object, or null when there is none.
  const Value *get(const std::string &key) const;

  static Value makeNull() { return Value(); }
  static Value makeBool(bool v);
  static Value makeNumber(double v);
  static Value makeString(std::string v);
  static Value makeArray(std::vector<Value> v);
  static Value makeObject(std::map<std::string, Value> v);

private:
  Kind k = Kind::Null;
  bool b = false;
  double n = 0;
  std::string s;
  std::vector<Value> a;
  std::map<std::string, Value> o;
};

/// Parses `text`; an error names the line and column.
StatusOr<Value> parse(const std::string &text);

} // namespace fused::rt::json

#endif // FUSED_RUNTIME_JSON_H
