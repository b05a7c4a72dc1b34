//===- BundleTest.cpp - the runtime's JSON, element types and .npy --------===//

#include "fused/Runtime/Bundle.h"
#include "fused/Runtime/Json.h"

#include <gtest/gtest.h>

#include <cmath>
#include <cstring>
#include <filesystem>
#include <limits>

using namespace fused::rt;

namespace {

TEST(JsonTest, ParsesWhatManifestsHold) {
  auto v = json::parse(R"( {"a": [1, -2.5e1, true, null], "s": "x\"\u00e9\n",
                            "o": {}} )");
  ASSERT_TRUE(v.isOk()) << v.getStatus().getMessage();
  const json::Value *a = v->get("a");
  ASSERT_TRUE(a && a->isArray());
  int64_t one;
  EXPECT_TRUE(a->array()[0].integer(one));
  EXPECT_EQ(one, 1);
  EXPECT_EQ(a->array()[1].number(), -25.0);
  int64_t notInt;
  EXPECT_FALSE(json::Value::makeNumber(2.5).integer(notInt));
  EXPECT_TRUE(a->array()[2].boolean());
  EXPECT_TRUE(a->array()[3].isNull());
  EXPECT_EQ(v->get("s")->string(), "x\"\xc3\xa9\n");
  EXPECT_TRUE(v->get("o")->isObject());
  EXPECT_EQ(v->get("missing"), nullptr);
}

TEST(JsonTest, ErrorsNameLineAndColumn) {
  auto expectError = [](const std::string &text, const std::string &what) {
    auto v = json::parse(text);
    ASSERT_FALSE(v.isOk()) << text;
    EXPECT_NE(v.getStatus().getMessage().find(what), std::string::npos)
        << v.getStatus().getMessage();
  };
  expectError("{\n  \"a\": }", "line 2, column 8: unexpected character '}'");
  expectError("[1, 2", "expected ',' or ']'");
  expectError("{\"a\": 1, \"a\": 2}", "duplicate key 'a'");
  expectError("\"abc", "unterminated string");
  expectError("[1] x", "trailing characters");
  expectError("-", "bad number");
  expectError(std::string(100, '['), "nested too deeply");
  expectError("", "unexpected end");
}

TEST(ShapeExprTest, EvaluatesSizesAndRefusesWhatIsUndefined) {
  auto env = [](const std::string &n) -> std::optional<int64_t> {
    if (n == "s0")
      return 37;
    if (n == "a1.d0")
      return 5;
    return std::nullopt;
  };
  auto eval = [&](const std::string &text) {
    StatusOr<ShapeExpr> e = ShapeExpr::parse(text);
    EXPECT_TRUE(e.isOk()) << text << ": " << e.getStatus().getMessage();
    return e->evaluate(env);
  };
  EXPECT_EQ(*eval("s0"), 37);
  EXPECT_EQ(*eval("3 * s0 + 1"), 112);
  EXPECT_EQ(*eval("(s0 + 7) / 8"), 5);  // rounds down
  EXPECT_EQ(*eval("a1.d0 * (2 + 2)"), 20);
  EXPECT_FALSE(ShapeExpr::parse("256 * s0")->name().has_value());
  EXPECT_EQ(ShapeExpr::parse("s0")->name().value_or(""), "s0");
  EXPECT_EQ(ShapeExpr::parse("s1 * s0 + s1")->names(),
            (std::vector<std::string>{"s1", "s0"}));
  for (const char *bad : {"", "s0 +", "(s0", "s0 ) ", "3 $ 4",
                          "99999999999999999999"})
    EXPECT_FALSE(ShapeExpr::parse(bad).isOk()) << bad;
  // Unknown names, division by zero, negative results and overflow.
  EXPECT_NE(eval("s9").getStatus().getMessage().find("unknown size 's9'"),
            std::string::npos);
  EXPECT_FALSE(eval("s0 / 0").isOk());
  EXPECT_FALSE(eval("1 - s0").isOk());
  EXPECT_FALSE(eval("4611686018427387904 * 4").isOk());
}

// Found by fuzz/ShapeExprFuzzer: parentheses nested some ten thousand
// deep overflowed the parser's stack (a crash of fused-run on a corrupt
// manifest). Expressions are bounded to 1024 characters.
TEST(ShapeExprTest, DeepOrLongExpressionsAreErrorsNotCrashes) {
  std::string deep(100000, '(');
  auto e = ShapeExpr::parse(deep + "s0");
  ASSERT_FALSE(e.isOk());
  EXPECT_NE(e.getStatus().getMessage().find("at most 1024"),
            std::string::npos);
  std::string nested = std::string(500, '(') + "s0" + std::string(500, ')');
  auto ok = ShapeExpr::parse(nested);
  ASSERT_TRUE(ok.isOk()) << ok.getStatus().getMessage();
  auto v = ok->evaluate([](const std::string &) -> std::optional<int64_t> {
    return 7;
  });
  ASSERT_TRUE(v.isOk());
  EXPECT_EQ(*v, 7);
}

TEST(ShapeExprTest, GridsFollowFromArgumentsWithinTheCudaLimits) {
  std::array<uint32_t, 3> grid = {0, 4, 1};
  std::array<std::string, 3> sizes = {"(a0.d0 + 127) / 128", "", ""};
  auto g = gridForShapes("k", grid, sizes, {{300, 64}, {64, 64}});
  ASSERT_TRUE(g.isOk()) << g.getStatus().getMessage();
  EXPECT_EQ((*g)[0], 3u);
  EXPECT_EQ((*g)[1], 4u);
  // Past 2^31 - 1 blocks in x, or a dimension the kernel has not.
  auto huge = gridForShapes("k", grid, sizes, {{int64_t(1) << 40, 64}});
  ASSERT_FALSE(huge.isOk());
  EXPECT_NE(huge.getStatus().getMessage().find("exceeds the CUDA limit"),
            std::string::npos);
  EXPECT_FALSE(gridForShapes("k", grid, {"a2.d0", "", ""}, {{1}}).isOk());
}

TEST(DtypeTest, RoundsToNearestEven) {
  auto f16 = [](double x) {
    std::vector<uint8_t> b = encodeValues({x}, "f16");
    uint16_t h;
    std::memcpy(&h, b.data(), 2);
    return h;
  };
  EXPECT_EQ(f16(1.0), 0x3c00);
  EXPECT_EQ(f16(-2.0), 0xc000);
  EXPECT_EQ(f16(65504.0), 0x7bff);
  EXPECT_EQ(f16(65520.0), 0x7c00); // Rounds up to infinity.
  EXPECT_EQ(f16(1.0 + 1.0 / 2048), 0x3c00); // A tie: to even.
  EXPECT_EQ(f16(1.0 + 3.0 / 2048), 0x3c02);
  EXPECT_EQ(f16(std::ldexp(1.0, -24)), 0x0001); // Smallest subnormal.
  EXPECT_EQ(f16(std::ldexp(1.0, -26)), 0x0000);
  auto bf16 = [](double x) {
    std::vector<uint8_t> b = encodeValues({x}, "bf16");
    uint16_t h;
    std::memcpy(&h, b.data(), 2);
    return h;
  };
  EXPECT_EQ(bf16(1.0), 0x3f80);
  EXPECT_EQ(bf16(1.0 + 1.0 / 256), 0x3f80); // A tie: to even.
  EXPECT_EQ(bf16(1.0 + 3.0 / 256), 0x3f82);
  std::vector<double> values = {0.5, -3.25, 1e-3, 7.0};
  for (const char *t : {"f16", "bf16", "f32", "f64"}) {
    std::vector<double> back = decodeValues(encodeValues(values, t), t);
    ASSERT_EQ(back.size(), values.size()) << t;
    for (size_t i = 0; i < values.size(); ++i)
      EXPECT_NEAR(back[i], values[i], std::fabs(values[i]) * 1e-2) << t;
  }
  EXPECT_TRUE(std::isnan(
      decodeValues(encodeValues({std::nan("")}, "f16"), "f16")[0]));
  EXPECT_EQ(dtypeBytes("f8E4M3FN"), 0u);
}

TEST(NpyTest, RoundTripsAndRefusesWhatItCannotRead) {
  auto dir = std::filesystem::temp_directory_path() / "fused-npy-test";
  std::filesystem::create_directories(dir);
  std::string path = (dir / "a.npy").string();
  HostTensor t{{2, 3}, {1, -2, 3.5, 0, 1e-30, -7}};
  ASSERT_TRUE(writeNpy(path, t).isOk());
  auto back = readNpy(path);
  ASSERT_TRUE(back.isOk()) << back.getStatus().getMessage();
  EXPECT_EQ(back->shape, t.shape);
  EXPECT_EQ(back->data, t.data);
  HostTensor vec{{3}, {1, 2, 3}};
  ASSERT_TRUE(writeNpy(path, vec).isOk());
  EXPECT_EQ(readNpy(path)->shape, std::vector<int64_t>{3});
  {
    FILE *f = std::fopen(path.c_str(), "wb");
    std::fputs("not numpy", f);
    std::fclose(f);
  }
  EXPECT_FALSE(readNpy(path).isOk());
  EXPECT_FALSE(readNpy((dir / "missing.npy").string()).isOk());
}

/// A version-1 .npy file with `header` (padded) and `data` bytes.
std::string npy(const std::string &header, size_t dataBytes) {
  std::string h = header;
  while ((10 + h.size() + 1) % 64)
    h += ' ';
  h += '\n';
  std::string f = "\x93NUMPY\x01";
  f += '\0';
  f += static_cast<char>(h.size() & 0xff);
  f += static_cast<char>(h.size() >> 8);
  return f + h + std::string(dataBytes, '\0');
}

// Found by fuzz/NpyFuzzer: a dimension that is not a number threw out of
// the reader (std::stoll), aborting the process, and a shape whose
// product overflows was signed overflow.
TEST(NpyTest, ShapesThatAreNotCountsAreErrors) {
  std::string ok = "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 1), }";
  auto t = parseNpy(npy(ok, 12), "ok.npy");
  ASSERT_TRUE(t.isOk()) << t.getStatus().getMessage();
  EXPECT_EQ(t->shape, (std::vector<int64_t>{3, 1}));
  for (const char *shape : {"(3, \xfd" "1, 1)", "(3, -1)", "(x,)", "(3, 1e3)",
                            "(99999999999999999999999,)"}) {
    std::string h = std::string("{'descr': '<f4', 'fortran_order': False, "
                                "'shape': ") + shape + ", }";
    auto bad = parseNpy(npy(h, 12), "bad.npy");
    ASSERT_FALSE(bad.isOk()) << shape;
    EXPECT_NE(bad.getStatus().getMessage().find("bad.npy"), std::string::npos);
  }
  std::string huge = "{'descr': '<f4', 'fortran_order': False, 'shape': "
                     "(4294967296, 4294967296, 4294967296), }";
  auto over = parseNpy(npy(huge, 12), "huge.npy");
  ASSERT_FALSE(over.isOk());
  EXPECT_NE(over.getStatus().getMessage().find("larger than the file"),
            std::string::npos)
      << over.getStatus().getMessage();
}

} // namespace
