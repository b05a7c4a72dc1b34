//===- EvaluatorTest.cpp - tests of the reference evaluator ---------------===//
//
// Parses small `fused` functions and checks the evaluator's results against
// values computed by hand, and its errors on bad inputs.
//
//===----------------------------------------------------------------------===//

#include "fused/Reference/Evaluator.h"
#include "fused/Dialect/Fused/IR/FusedOps.h"
#include "fused/InitAll.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"

#include <gtest/gtest.h>

#include <cmath>

using namespace mlir;
using fused::ref::Tensor;

namespace {

class EvaluatorTest : public ::testing::Test {
protected:
  EvaluatorTest() {
    DialectRegistry registry;
    fused::registerAllDialects(registry);
    context.appendDialectRegistry(registry);
    context.loadAllAvailableDialects();
    handler = std::make_unique<ScopedDiagnosticHandler>(
        &context, [this](Diagnostic &d) {
          diagnostics += d.str() + "\n";
          return success();
        });
  }

  /// Parses `source` and evaluates its first function on `inputs`.
  LogicalResult eval(const char *source, const std::vector<Tensor> &inputs,
                     std::vector<Tensor> &results,
                     fused::ref::EvalOptions options = {}) {
    module = parseSourceString<ModuleOp>(source, &context);
    if (!module)
      return failure();
    auto func = *module->getOps<func::FuncOp>().begin();
    return fused::ref::evaluate(func, inputs, results, options);
  }

  MLIRContext context;
  OwningOpRef<ModuleOp> module;
  std::unique_ptr<ScopedDiagnosticHandler> handler;
  std::string diagnostics;
};

TEST_F(EvaluatorTest, MatmulBiasGeluChain) {
  const char *src = R"mlir(
    func.func @f(%a: tensor<2x2xf32>, %b: tensor<2x2xf32>, %c: tensor<2xf32>)
        -> tensor<2x2xf32> {
      %m = fused.matmul %a, %b : tensor<2x2xf32>, tensor<2x2xf32> -> tensor<2x2xf32>
      %s = fused.add %m, %c : tensor<2x2xf32>, tensor<2xf32> -> tensor<2x2xf32>
      %r = fused.relu %s : tensor<2x2xf32>
      return %r : tensor<2x2xf32>
    })mlir";
  std::vector<Tensor> results;
  Tensor a({2, 2}, std::vector<double>{1, 2, 3, 4});
  Tensor b({2, 2}, std::vector<double>{1, 0, 0, -1});
  Tensor c({2}, std::vector<double>{0.5, 3});
  ASSERT_TRUE(succeeded(eval(src, {a, b, c}, results))) << diagnostics;
  ASSERT_EQ(results.size(), 1u);
  // a*b = [[1, -2], [3, -4]]; + [0.5, 3] = [[1.5, 1], [3.5, -1]]; relu.
  std::vector<double> expected = {1.5, 1, 3.5, 0};
  EXPECT_EQ(results[0].shape, (std::vector<int64_t>{2, 2}));
  EXPECT_EQ(results[0].data, expected);
}

TEST_F(EvaluatorTest, ElementwiseOpsDefineTheirFloat64Values) {
  const char *src = R"mlir(
    func.func @f(%x: tensor<4xf32>, %y: tensor<4xf32>) -> tensor<4xf32> {
      %0 = fused.exp %x : tensor<4xf32>
      %1 = fused.tanh %x : tensor<4xf32>
      %2 = fused.silu %x : tensor<4xf32>
      %3 = fused.relu %x : tensor<4xf32>
      %4 = fused.neg %x : tensor<4xf32>
      %5 = fused.rsqrt %x : tensor<4xf32>
      %6 = fused.gelu erf %x : tensor<4xf32>
      %7 = fused.gelu tanh %x : tensor<4xf32>
      %8 = fused.add %x, %y : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
      %9 = fused.sub %x, %y : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
      %10 = fused.mul %x, %y : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
      %11 = fused.div %x, %y : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
      %12 = fused.max %x, %y : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
      %13 = fused.min %x, %y : tensor<4xf32>, tensor<4xf32> -> tensor<4xf32>
      %14 = fused.cast %x : tensor<4xf32> to tensor<4xbf16>
      %15 = fused.sigmoid %x : tensor<4xf32>
      return %x : tensor<4xf32>
    })mlir";
  module = parseSourceString<ModuleOp>(src, &context);
  ASSERT_TRUE(module) << diagnostics;
  std::vector<fused::fused::ElementwiseOpInterface> ops;
  module->walk([&](fused::fused::ElementwiseOpInterface op) {
    ops.push_back(op);
  });
  ASSERT_EQ(ops.size(), 16u);
  auto at = [&](size_t i, std::vector<double> args) {
    return ops[i].evaluate(args);
  };
  const double nan = std::nan("");
  EXPECT_DOUBLE_EQ(at(0, {1.0}), std::exp(1.0));
  EXPECT_DOUBLE_EQ(at(1, {1.0}), std::tanh(1.0));
  EXPECT_DOUBLE_EQ(at(2, {1.0}), 1.0 / (1.0 + std::exp(-1.0)));
  EXPECT_EQ(at(3, {-2.0}), 0.0);
  EXPECT_EQ(at(3, {0.25}), 0.25);
  EXPECT_TRUE(std::isnan(at(3, {nan})));
  EXPECT_EQ(at(4, {4.0}), -4.0);
  EXPECT_EQ(at(5, {4.0}), 0.5);
  EXPECT_EQ(at(5, {0.0}), HUGE_VAL);
  EXPECT_TRUE(std::isnan(at(5, {-2.0})));
  EXPECT_NEAR(at(6, {1.0}), 0.8413447460685429, 1e-15);
  EXPECT_NEAR(at(7, {1.0}), 0.8411919906082768, 1e-15);
  EXPECT_EQ(at(8, {10, 2}), 12.0);
  EXPECT_EQ(at(9, {10, 2}), 8.0);
  EXPECT_EQ(at(10, {10, 2}), 20.0);
  EXPECT_EQ(at(11, {10, 4}), 2.5);
  EXPECT_EQ(at(12, {1, 2}), 2.0);
  EXPECT_TRUE(std::isnan(at(12, {nan, 0})));
  EXPECT_TRUE(std::isnan(at(12, {5, nan})));
  EXPECT_EQ(at(13, {1, 2}), 1.0);
  EXPECT_TRUE(std::isnan(at(13, {nan, 0})));
  EXPECT_TRUE(std::isnan(at(13, {5, nan})));
  // A cast passes the value through and rounds by definition; only it
  // does.
  EXPECT_EQ(at(14, {0.3}), 0.3);
  EXPECT_DOUBLE_EQ(at(15, {1.0}), 1.0 / (1.0 + std::exp(-1.0)));
  EXPECT_EQ(at(15, {0.0}), 0.5);
  for (size_t i = 0; i < ops.size(); ++i)
    EXPECT_EQ(ops[i].roundsToResultType(), i == 14) << i;
}

TEST_F(EvaluatorTest, ElementwiseBroadcastsAndCastRounds) {
  const char *src = R"mlir(
    func.func @f(%x: tensor<2x1xf32>, %y: tensor<3xf32>) -> tensor<2x3xbf16> {
      %m = fused.max %x, %y : tensor<2x1xf32>, tensor<3xf32> -> tensor<2x3xf32>
      %c = fused.cast %m : tensor<2x3xf32> to tensor<2x3xbf16>
      return %c : tensor<2x3xbf16>
    })mlir";
  std::vector<Tensor> results;
  Tensor x({2, 1}, std::vector<double>{0.3, std::nan("")});
  Tensor y({3}, std::vector<double>{0.0, 1.0 / 3.0, 2.0});
  ASSERT_TRUE(succeeded(eval(src, {x, y}, results))) << diagnostics;
  ASSERT_EQ(results.size(), 1u);
  EXPECT_EQ(results[0].shape, (std::vector<int64_t>{2, 3}));
  const std::vector<double> &r = results[0].data;
  EXPECT_EQ(r[0], 0.30078125); // 0.3 in bf16
  EXPECT_EQ(r[1], 0.333984375);
  EXPECT_EQ(r[2], 2.0);
  for (int i = 3; i < 6; ++i)
    EXPECT_TRUE(std::isnan(r[i])) << i;
}

TEST_F(EvaluatorTest, AttentionDefaultScaleAndLse) {
  // One query, two keys; D = 4 so the default scale is 1/2.
  const char *src = R"mlir(
    func.func @f(%q: tensor<1x1x1x4xf32>, %k: tensor<1x1x2x4xf32>,
                 %v: tensor<1x1x2x1xf32>) -> (tensor<1x1x1x1xf32>, tensor<1x1x1xf32>) {
      %o, %l = fused.attention %q, %k, %v : tensor<1x1x1x4xf32>,
          tensor<1x1x2x4xf32>, tensor<1x1x2x1xf32> -> tensor<1x1x1x1xf32>, tensor<1x1x1xf32>
      return %o, %l : tensor<1x1x1x1xf32>, tensor<1x1x1xf32>
    })mlir";
  Tensor q({1, 1, 1, 4}, std::vector<double>{1, 1, 1, 1});
  Tensor k({1, 1, 2, 4}, std::vector<double>{1, 0, 0, 0, 1, 1, 1, 1});
  Tensor v({1, 1, 2, 1}, std::vector<double>{10, 20});
  std::vector<Tensor> results;
  ASSERT_TRUE(succeeded(eval(src, {q, k, v}, results))) << diagnostics;
  // s = 0.5 * [1, 4] = [0.5, 2].
  double e0 = std::exp(0.5), e1 = std::exp(2.0);
  EXPECT_NEAR(results[0].data[0], (10 * e0 + 20 * e1) / (e0 + e1), 1e-12);
  EXPECT_NEAR(results[1].data[0], std::log(e0 + e1), 1e-12);
}

TEST_F(EvaluatorTest, CastRoundsAndRoundResultsOption) {
  const char *src = R"mlir(
    func.func @f(%x: tensor<1xf32>) -> (tensor<1xf16>, tensor<1xf16>) {
      %c = fused.cast %x : tensor<1xf32> to tensor<1xf16>
      %n = fused.neg %c : tensor<1xf16>
      %e = fused.exp %n : tensor<1xf16>
      return %c, %e : tensor<1xf16>, tensor<1xf16>
    })mlir";
  Tensor x({1}, std::vector<double>{1.0 / 3.0});
  std::vector<Tensor> results;
  ASSERT_TRUE(succeeded(eval(src, {x}, results))) << diagnostics;
  EXPECT_EQ(results[0].data[0], 0.333251953125); // f16(1/3)
  EXPECT_EQ(results[1].data[0], std::exp(-0.333251953125));
  fused::ref::EvalOptions rounding;
  rounding.roundResults = true;
  ASSERT_TRUE(succeeded(eval(src, {x}, results, rounding))) << diagnostics;
  // exp(-0.33325...) = 0.71655... ; the nearest f16 is 0.71630859375 + k*2^-11.
  double e = results[1].data[0];
  EXPECT_NE(e, std::exp(-0.333251953125));
  EXPECT_EQ(e, std::ldexp(std::nearbyint(std::ldexp(e, 11)), -11));
  EXPECT_NEAR(e, std::exp(-0.333251953125), std::ldexp(1.0, -12));
}

TEST_F(EvaluatorTest, DynamicShapesFollowInputs) {
  const char *src = R"mlir(
    func.func @f(%x: tensor<?x3xf32>) -> tensor<?xf32> {
      %s = fused.reduce_sum %x axis = -1 : tensor<?x3xf32> -> tensor<?xf32>
      return %s : tensor<?xf32>
    })mlir";
  std::vector<Tensor> results;
  Tensor x({2, 3}, std::vector<double>{1, 2, 3, 4, 5, 6});
  ASSERT_TRUE(succeeded(eval(src, {x}, results))) << diagnostics;
  EXPECT_EQ(results[0].data, (std::vector<double>{6, 15}));
}

TEST_F(EvaluatorTest, RejectsInputOfWrongShape) {
  const char *src = R"mlir(
    func.func @f(%x: tensor<4x3xf32>) -> tensor<4x3xf32> {
      %e = fused.exp %x : tensor<4x3xf32>
      return %e : tensor<4x3xf32>
    })mlir";
  std::vector<Tensor> results;
  Tensor x({3, 4});
  EXPECT_TRUE(failed(eval(src, {x}, results)));
  EXPECT_NE(diagnostics.find("input #0 has shape [3, 4] which does not fit "
                             "argument type 'tensor<4x3xf32>'"),
            std::string::npos)
      << diagnostics;
}

TEST_F(EvaluatorTest, RejectsUnsupportedOp) {
  const char *src = R"mlir(
    func.func @f(%x: tensor<4xf32>) -> tensor<4xf32> {
      %e = math.exp %x : tensor<4xf32>
      return %e : tensor<4xf32>
    })mlir";
  std::vector<Tensor> results;
  EXPECT_TRUE(failed(eval(src, {Tensor({4})}, results)));
  EXPECT_NE(diagnostics.find("'math.exp' op is not supported by the reference "
                             "evaluator"),
            std::string::npos)
      << diagnostics;
}

TEST_F(EvaluatorTest, RandomInputsAreRepresentableAndSeeded) {
  const char *src = R"mlir(
    func.func @f(%x: tensor<64xbf16>) -> tensor<64xbf16> {
      return %x : tensor<64xbf16>
    })mlir";
  module = parseSourceString<ModuleOp>(src, &context);
  ASSERT_TRUE(module);
  auto func = *module->getOps<func::FuncOp>().begin();
  std::vector<Tensor> a, b, c;
  ASSERT_TRUE(succeeded(fused::ref::makeRandomInputs(func, 7, a)));
  ASSERT_TRUE(succeeded(fused::ref::makeRandomInputs(func, 7, b)));
  ASSERT_TRUE(succeeded(fused::ref::makeRandomInputs(func, 8, c)));
  EXPECT_EQ(a[0].data, b[0].data);
  EXPECT_NE(a[0].data, c[0].data);
  for (double x : a[0].data) {
    EXPECT_EQ(x, fused::ref::roundTo(x, fused::ref::FloatKind::BF16));
    EXPECT_GE(x, -1.0);
    EXPECT_LE(x, 1.0);
  }
}

} // namespace
