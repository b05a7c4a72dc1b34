//===- Json.cpp - a small JSON reader for bundle manifests ----------------===//

#include "fused/Runtime/Json.h"

#include <cctype>
#include <cmath>
#include <cstdlib>

namespace fused::rt::json {

bool Value::integer(int64_t &out) const {
  if (k != Kind::Number || std::floor(n) != n || std::fabs(n) > 9.0e15)
    return false;
  out = static_cast<int64_t>(n);
  return true;
}

const Value *Value::get(const std::string &key) const {
  if (k != Kind::Object)
    return nullptr;
  auto it = o.find(key);
  return it == o.end() ? nullptr : &it->second;
}

Value Value::makeBool(bool v) {
  Value x;
  x.k = Kind::Bool;
  x.b = v;
  return x;
}
Value Value::makeNumber(double v) {
  Value x;
  x.k = Kind::Number;
  x.n = v;
  return x;
}
Value Value::makeString(std::string v) {
  Value x;
  x.k = Kind::String;
  x.s = std::move(v);
  return x;
}
Value Value::makeArray(std::vector<Value> v) {
  Value x;
  x.k = Kind::Array;
  x.a = std::move(v);
  return x;
}
Value Value::makeObject(std::map<std::string, Value> v) {
  Value x;
  x.k = Kind::Object;
  x.o = std::move(v);
  return x;
}

namespace {

struct Parser {
  const std::string &t;
  size_t i = 0;
  std::string error;
  int depth = 0;

  bool fail(const std::string &what) {
    if (error.empty()) {
      size_t line = 1, col = 1;
      for (size_t j = 0; j < i && j < t.size(); ++j) {
        if (t[j] == '\n') {
          ++line;
          col = 1;
        } else {
          ++col;
        }
      }
      error = "invalid JSON at line " + std::to_string(line) + ", column " +
              std::to_string(col) + ": " + what;
    }
    return false;
  }
  void space() {
    while (i < t.size() &&
           (t[i] == ' ' || t[i] == '\n' || t[i] == '\r' || t[i] == '\t'))
      ++i;
  }
  bool literal(const char *word) {
    size_t n = std::char_traits<char>::length(word);
    if (t.compare(i, n, word) != 0)
      return fail(std::string("expected ") + word);
    i += n;
    return true;
  }
  bool string(std::string &out) {
    if (i >= t.size() || t[i] != '"')
      return fail("expected a string");
    ++i;
    while (i < t.size() && t[i] != '"') {
      char c = t[i++];
      if (static_cast<unsigned char>(c) < 0x20)
        return fail("control character in a string");
      if (c != '\\') {
        out += c;
        continue;
      }
      if (i >= t.size())
        break;
      char e = t[i++];
      switch (e) {
      case '"':
      case '\\':
      case '/':
        out += e;
        break;
      case 'b':
        out += '\b';
        break;
      case 'f':
        out += '\f';
        break;
      case 'n':
        out += '\n';
        break;
      case 'r':
        out += '\r';
        break;
      case 't':
        out += '\t';
        break;
      case 'u': {
        if (i + 4 > t.size())
          return fail("short \\u escape");
        unsigned cp = 0;
        for (int d = 0; d < 4; ++d) {
          char h = t[i++];
          cp <<= 4;
          if (h >= '0' && h <= '9')
            cp |= h - '0';
          else if (h >= 'a' && h <= 'f')
            cp |= h - 'a' + 10;
          else if (h >= 'A' && h <= 'F')
            cp |= h - 'A' + 10;
          else
            return fail("bad \\u escape");
        }
        // UTF-8 for the basic plane (manifests hold ASCII names).
        if (cp < 0x80) {
          out += static_cast<char>(cp);
        } else if (cp < 0x800) {
          out += static_cast<char>(0xc0 | (cp >> 6));
          out += static_cast<char>(0x80 | (cp & 0x3f));
        } else {
          out += static_cast<char>(0xe0 | (cp >> 12));
          out += static_cast<char>(0x80 | ((cp >> 6) & 0x3f));
          out += static_cast<char>(0x80 | (cp & 0x3f));
        }
        break;
      }
      default:
        return fail("bad escape");
      }
    }
    if (i >= t.size())
      return fail("unterminated string");
    ++i;
    return true;
  }
  bool value(Value &out) {
    if (++depth > 64)
      return fail("nested too deeply");
    space();
    if (i >= t.size())
      return fail("unexpected end");
    char c = t[i];
    bool ok = true;
    if (c == '{') {
      ++i;
      std::map<std::string, Value> members;
      space();
      if (i < t.size() && t[i] == '}') {
        ++i;
      } else {
        for (;;) {
          space();
          std::string key;
          Value v;
          if (!string(key))
            return false;
          space();
          if (i >= t.size() || t[i] != ':')
            return fail("expected ':'");
          ++i;
          if (!value(v))
            return false;
          if (members.count(key))
            return fail("duplicate key '" + key + "'");
          members.emplace(std::move(key), std::move(v));
          space();
          if (i < t.size() && t[i] == ',') {
            ++i;
            continue;
          }
          if (i < t.size() && t[i] == '}') {
            ++i;
            break;
          }
          return fail("expected ',' or '}'");
        }
      }
      out = Value::makeObject(std::move(members));
    } else if (c == '[') {
      ++i;
      std::vector<Value> items;
      space();
      if (i < t.size() && t[i] == ']') {
        ++i;
      } else {
        for (;;) {
          Value v;
          if (!value(v))
            return false;
          items.push_back(std::move(v));
          space();
          if (i < t.size() && t[i] == ',') {
            ++i;
            continue;
          }
          if (i < t.size() && t[i] == ']') {
            ++i;
            break;
          }
          return fail("expected ',' or ']'");
        }
      }
      out = Value::makeArray(std::move(items));
    } else if (c == '"') {
      std::string s;
      ok = string(s);
      out = Value::makeString(std::move(s));
    } else if (c == 't') {
      ok = literal("true");
      out = Value::makeBool(true);
    } else if (c == 'f') {
      ok = literal("false");
      out = Value::makeBool(false);
    } else if (c == 'n') {
      ok = literal("null");
      out = Value::makeNull();
    } else if (c == '-' || (c >= '0' && c <= '9')) {
      size_t start = i;
      if (t[i] == '-')
        ++i;
      while (i < t.size() &&
             (std::isdigit(static_cast<unsigned char>(t[i])) || t[i] == '.' ||
              t[i] == 'e' || t[i] == 'E' || t[i] == '+' || t[i] == '-'))
        ++i;
      std::string num = t.substr(start, i - start);
      char *end = nullptr;
      double v = std::strtod(num.c_str(), &end);
      if (!end || *end != '\0' || num == "-")
        return fail("bad number '" + num + "'");
      out = Value::makeNumber(v);
    } else {
      return fail(std::string("unexpected character '") + c + "'");
    }
    --depth;
    return ok;
  }
};

} // namespace

StatusOr<Value> parse(const std::string &text) {
  Parser p{text};
  Value v;
  if (!p.value(v))
    return Status::error(p.error);
  p.space();
  if (p.i != text.size()) {
    p.fail("trailing characters");
    return Status::error(p.error);
  }
  return v;
}

} // namespace fused::rt::json
