//===- KernelsTest.cpp - tests for the float64 reference kernels ----------===//
//
// Checks the reference oracle against values worked out by hand (or with
// std:: math functions applied to hand-derived formulas), never against
// values produced by the code under test.
//
//===----------------------------------------------------------------------===//

#include "fused/Reference/Kernels.h"

#include "gtest/gtest.h"

#include <cmath>
#include <limits>

using namespace fused::ref;

namespace {

const double kInf = std::numeric_limits<double>::infinity();
const double kTol = 1e-12;

void expectTensorNear(const Tensor &actual, const std::vector<int64_t> &shape,
                      const std::vector<double> &expected, double tol = kTol) {
  ASSERT_TRUE(actual.isValid());
  ASSERT_EQ(actual.shape, shape);
  ASSERT_EQ(actual.data.size(), expected.size());
  for (size_t i = 0; i < expected.size(); ++i)
    EXPECT_NEAR(actual.data[i], expected[i], tol) << "at element " << i;
}

//===----------------------------------------------------------------------===//
// Tensor
//===----------------------------------------------------------------------===//

TEST(TensorTest, ShapeQueries) {
  Tensor t({2, 3, 4}, 1.5);
  EXPECT_EQ(t.numel(), 24);
  EXPECT_EQ(t.rank(), 3);
  EXPECT_EQ(t.strides(), (std::vector<int64_t>{12, 4, 1}));
  EXPECT_TRUE(t.isValid());
  EXPECT_EQ(t.data[23], 1.5);

  Tensor scalar(std::vector<int64_t>{}, 7.0);
  EXPECT_EQ(scalar.numel(), 1);
  EXPECT_EQ(scalar.rank(), 0);
  EXPECT_TRUE(scalar.isValid());

  Tensor empty({3, 0});
  EXPECT_EQ(empty.numel(), 0);
  EXPECT_TRUE(empty.isValid());
}

TEST(TensorTest, InvalidConstruction) {
  EXPECT_FALSE(Tensor().isValid());
  Tensor mismatched({2, 2}, std::vector<double>{1, 2, 3});
  EXPECT_FALSE(mismatched.isValid());
  Tensor negative({-1, 2});
  EXPECT_FALSE(negative.isValid());
}

//===----------------------------------------------------------------------===//
// roundTo
//===----------------------------------------------------------------------===//

TEST(RoundToTest, F16) {
  EXPECT_EQ(roundTo(1.0 / 3.0, FloatKind::F16), 0.333251953125);
  EXPECT_EQ(roundTo(65504.0, FloatKind::F16), 65504.0);
  EXPECT_EQ(roundTo(65519.0, FloatKind::F16), 65504.0);
  EXPECT_EQ(roundTo(65520.0, FloatKind::F16), kInf);
  EXPECT_EQ(roundTo(-65520.0, FloatKind::F16), -kInf);
  EXPECT_EQ(roundTo(kInf, FloatKind::F16), kInf);
  // Smallest subnormal 2^-24; half of it ties to even (zero), just above
  // half rounds up.
  EXPECT_EQ(roundTo(std::ldexp(1.0, -24), FloatKind::F16),
            std::ldexp(1.0, -24));
  EXPECT_EQ(roundTo(std::ldexp(1.0, -25), FloatKind::F16), 0.0);
  EXPECT_EQ(roundTo(std::ldexp(1.5, -25), FloatKind::F16),
            std::ldexp(1.0, -24));
  // Subnormal with several bits: 3 * 2^-24 is exact.
  EXPECT_EQ(roundTo(3 * std::ldexp(1.0, -24), FloatKind::F16),
            3 * std::ldexp(1.0, -24));
  // Ties to even at 1.0 (ulp 2^-10).
  EXPECT_EQ(roundTo(1.0 + std::ldexp(1.0, -11), FloatKind::F16), 1.0);
  EXPECT_EQ(roundTo(1.0 + 3 * std::ldexp(1.0, -11), FloatKind::F16),
            1.0 + std::ldexp(1.0, -9));
}

TEST(RoundToTest, SignsZerosAndNaN) {
  EXPECT_EQ(roundTo(-1.0 / 3.0, FloatKind::F16), -0.333251953125);
  double negZero = roundTo(-1e-30, FloatKind::F16);
  EXPECT_EQ(negZero, 0.0);
  EXPECT_TRUE(std::signbit(negZero));
  EXPECT_TRUE(std::signbit(roundTo(-0.0, FloatKind::BF16)));
  for (FloatKind kind :
       {FloatKind::F64, FloatKind::F32, FloatKind::F16, FloatKind::BF16,
        FloatKind::F8E4M3FN, FloatKind::F8E5M2})
    EXPECT_TRUE(std::isnan(roundTo(std::nan(""), kind)));
  EXPECT_EQ(roundTo(0.1, FloatKind::F64), 0.1);
}

TEST(RoundToTest, BF16AndF32) {
  EXPECT_EQ(roundTo(1.0 / 3.0, FloatKind::BF16), 0.333984375);
  // Largest finite bf16 is (2 - 2^-7) * 2^127; halfway above it overflows.
  double bf16Max = std::ldexp(255.0, 120);
  EXPECT_EQ(roundTo(bf16Max, FloatKind::BF16), bf16Max);
  EXPECT_EQ(roundTo(std::ldexp(511.0, 119), FloatKind::BF16), kInf);
  // F32 agrees with the hardware conversion for in-range values.
  for (double x : {1.0 / 3.0, 0.1, -2.718281828459045, 1e-40, 3.4e38})
    EXPECT_EQ(roundTo(x, FloatKind::F32),
              static_cast<double>(static_cast<float>(x)))
        << x;
  EXPECT_EQ(roundTo(1e39, FloatKind::F32), kInf);
}

TEST(RoundToTest, F8E4M3FN) {
  EXPECT_EQ(roundTo(0.3, FloatKind::F8E4M3FN), 0.3125);
  EXPECT_EQ(roundTo(448.0, FloatKind::F8E4M3FN), 448.0);
  // 464 is halfway between 448 (even mantissa) and the NaN encoding 480.
  EXPECT_EQ(roundTo(464.0, FloatKind::F8E4M3FN), 448.0);
  EXPECT_TRUE(std::isnan(roundTo(465.0, FloatKind::F8E4M3FN)));
  EXPECT_TRUE(std::isnan(roundTo(500.0, FloatKind::F8E4M3FN)));
  EXPECT_TRUE(std::isnan(roundTo(-500.0, FloatKind::F8E4M3FN)));
  EXPECT_TRUE(std::isnan(roundTo(kInf, FloatKind::F8E4M3FN)));
  // Smallest subnormal is 2^-9.
  EXPECT_EQ(roundTo(std::ldexp(1.0, -9), FloatKind::F8E4M3FN),
            std::ldexp(1.0, -9));
  EXPECT_EQ(roundTo(std::ldexp(1.0, -11), FloatKind::F8E4M3FN), 0.0);
}

TEST(RoundToTest, F8E5M2) {
  EXPECT_EQ(roundTo(0.3, FloatKind::F8E5M2), 0.3125);
  EXPECT_EQ(roundTo(57344.0, FloatKind::F8E5M2), 57344.0);
  EXPECT_EQ(roundTo(61439.0, FloatKind::F8E5M2), 57344.0);
  EXPECT_EQ(roundTo(61440.0, FloatKind::F8E5M2), kInf);
  EXPECT_EQ(roundTo(-kInf, FloatKind::F8E5M2), -kInf);
  EXPECT_EQ(roundTo(std::ldexp(1.0, -16), FloatKind::F8E5M2),
            std::ldexp(1.0, -16));
}

TEST(RoundToTest, RoundTensor) {
  Tensor t({2}, std::vector<double>{1.0 / 3.0, 0.3});
  expectTensorNear(roundTensor(t, FloatKind::BF16), {2},
                   {0.333984375, 0.30078125}, 0.0);
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

TEST(UnaryTest, AppliesTheFunctionToEveryElement) {
  Tensor y({2, 2}, std::vector<double>{-2.0, 0.0, 4.0, 0.25});
  expectTensorNear(unary(y, [](double x) { return 2 * x + 1; }), {2, 2},
                   {-3.0, 1.0, 9.0, 1.5});
  EXPECT_FALSE(unary(Tensor(), [](double x) { return x; }).isValid());
}

TEST(BroadcastTest, ShapesSucceed) {
  std::vector<int64_t> out;
  ASSERT_TRUE(broadcastShapes({2, 1, 3}, {4, 3}, out));
  EXPECT_EQ(out, (std::vector<int64_t>{2, 4, 3}));
  ASSERT_TRUE(broadcastShapes({}, {5}, out));
  EXPECT_EQ(out, (std::vector<int64_t>{5}));
  ASSERT_TRUE(broadcastShapes({5, 1}, {1, 0}, out));
  EXPECT_EQ(out, (std::vector<int64_t>{5, 0}));
  ASSERT_TRUE(broadcastShapes({1, 1, 7}, {3, 1, 1, 1}, out));
  EXPECT_EQ(out, (std::vector<int64_t>{3, 1, 1, 7}));
}

TEST(BroadcastTest, ShapesFail) {
  std::vector<int64_t> out = {42};
  std::string error;
  EXPECT_FALSE(broadcastShapes({2, 3}, {4}, out, &error));
  EXPECT_NE(error.find("[2,3]"), std::string::npos) << error;
  EXPECT_NE(error.find("[4]"), std::string::npos) << error;
  EXPECT_EQ(out, (std::vector<int64_t>{42}));
  EXPECT_FALSE(broadcastShapes({2, 1}, {3, 1}, out));
}

TEST(BroadcastTest, BroadcastTo) {
  Tensor row({3}, std::vector<double>{1, 2, 3});
  expectTensorNear(broadcastTo(row, {2, 3}), {2, 3}, {1, 2, 3, 1, 2, 3});
  Tensor col({2, 1}, std::vector<double>{1, 2});
  expectTensorNear(broadcastTo(col, {2, 3}), {2, 3}, {1, 1, 1, 2, 2, 2});
  EXPECT_FALSE(broadcastTo(row, {2, 4}).isValid());
  EXPECT_FALSE(broadcastTo(col, {2}).isValid());
}

TEST(BinaryTest, Broadcasting) {
  auto minus = [](double a, double b) { return a - b; };
  Tensor col({2, 1}, std::vector<double>{10, 20});
  Tensor row({3}, std::vector<double>{1, 2, 3});
  expectTensorNear(binary(col, row, minus), {2, 3}, {9, 8, 7, 19, 18, 17});
  expectTensorNear(binary(row, col, minus), {2, 3},
                   {-9, -8, -7, -19, -18, -17});
  EXPECT_FALSE(binary(Tensor({2}), Tensor({3}), minus).isValid());
}

//===----------------------------------------------------------------------===//
// Matmul
//===----------------------------------------------------------------------===//

// [[1,2,3],[4,5,6]] x [[7,8],[9,10],[11,12]] = [[58,64],[139,154]].
const std::vector<double> kA = {1, 2, 3, 4, 5, 6};
const std::vector<double> kAT = {1, 4, 2, 5, 3, 6};
const std::vector<double> kB = {7, 8, 9, 10, 11, 12};
const std::vector<double> kBT = {7, 9, 11, 8, 10, 12};
const std::vector<double> kAB = {58, 64, 139, 154};

TEST(MatmulTest, ByHand) {
  expectTensorNear(matmul(Tensor({2, 3}, kA), Tensor({3, 2}, kB), false, false),
                   {2, 2}, kAB);
}

TEST(MatmulTest, Transposes) {
  expectTensorNear(matmul(Tensor({3, 2}, kAT), Tensor({3, 2}, kB), true, false),
                   {2, 2}, kAB);
  expectTensorNear(matmul(Tensor({2, 3}, kA), Tensor({2, 3}, kBT), false, true),
                   {2, 2}, kAB);
  expectTensorNear(matmul(Tensor({3, 2}, kAT), Tensor({2, 3}, kBT), true, true),
                   {2, 2}, kAB);
}

TEST(MatmulTest, BatchBroadcast) {
  // A is [3, 2, 2] with batch i = (i + 1) * identity; B is a shared [2, 2].
  Tensor a({3, 2, 2}, std::vector<double>{1, 0, 0, 1, 2, 0, 0, 2, 3, 0, 0, 3});
  Tensor b({2, 2}, std::vector<double>{1, 2, 3, 4});
  expectTensorNear(matmul(a, b, false, false), {3, 2, 2},
                   {1, 2, 3, 4, 2, 4, 6, 8, 3, 6, 9, 12});
  // The rank-2 operand may also be on the left.
  Tensor bBatch({3, 2, 2},
                std::vector<double>{1, 0, 0, 1, 2, 0, 0, 2, 3, 0, 0, 3});
  expectTensorNear(matmul(b, bBatch, false, false), {3, 2, 2},
                   {1, 2, 3, 4, 2, 4, 6, 8, 3, 6, 9, 12});
}

TEST(MatmulTest, BatchBroadcastBothSides) {
  // A [2, 1, 1, 1] holds scalars {1, 2}; B [3, 1, 1] holds {10, 20, 30};
  // the result [2, 3, 1, 1] holds every product.
  Tensor a({2, 1, 1, 1}, std::vector<double>{1, 2});
  Tensor b({3, 1, 1}, std::vector<double>{10, 20, 30});
  expectTensorNear(matmul(a, b, false, false), {2, 3, 1, 1},
                   {10, 20, 30, 20, 40, 60});
}

TEST(MatmulTest, Invalid) {
  EXPECT_FALSE(matmul(Tensor({2, 3}), Tensor({2, 3}), false, false).isValid());
  EXPECT_FALSE(matmul(Tensor({3}), Tensor({3, 2}), false, false).isValid());
  EXPECT_FALSE(
      matmul(Tensor({2, 2, 3}), Tensor({3, 3, 2}), false, false).isValid());
}

//===----------------------------------------------------------------------===//
// Softmax and reductions
//===----------------------------------------------------------------------===//

TEST(SoftmaxTest, KnownVector) {
  double sum = std::exp(1.0) + std::exp(2.0) + std::exp(3.0);
  expectTensorNear(
      softmax(Tensor({3}, std::vector<double>{1, 2, 3}), 0), {3},
      {std::exp(1.0) / sum, std::exp(2.0) / sum, std::exp(3.0) / sum});
  // Large values do not overflow.
  expectTensorNear(
      softmax(Tensor({3}, std::vector<double>{1001, 1002, 1003}), 0), {3},
      {std::exp(1.0) / sum, std::exp(2.0) / sum, std::exp(3.0) / sum});
}

TEST(SoftmaxTest, NonLastAxis) {
  // Columns of [[0, 0], [log 3, 0]]: column 0 gives {1/4, 3/4}, column 1
  // gives {1/2, 1/2}.
  Tensor x({2, 2}, std::vector<double>{0, 0, std::log(3.0), 0});
  expectTensorNear(softmax(x, 0), {2, 2}, {0.25, 0.5, 0.75, 0.5});
}

TEST(SoftmaxTest, AllNegInfRow) {
  Tensor x({2, 3}, std::vector<double>{-kInf, -kInf, -kInf, 0, -kInf, 0});
  expectTensorNear(softmax(x, 1), {2, 3}, {0, 0, 0, 0.5, 0, 0.5});
}

TEST(ReduceTest, SumAndMax) {
  Tensor x({2, 3}, std::vector<double>{1, 2, 3, 4, 5, 6});
  expectTensorNear(reduceSum(x, 0, false), {3}, {5, 7, 9});
  expectTensorNear(reduceSum(x, 0, true), {1, 3}, {5, 7, 9});
  expectTensorNear(reduceSum(x, 1, false), {2}, {6, 15});
  expectTensorNear(reduceSum(x, 1, true), {2, 1}, {6, 15});
  expectTensorNear(reduceMax(x, 0, false), {3}, {4, 5, 6});
  expectTensorNear(reduceMax(x, 1, false), {2}, {3, 6});
  expectTensorNear(reduceMax(x, 1, true), {2, 1}, {3, 6});

  // Middle axis of a [2, 2, 2] tensor holding 0..7.
  Tensor y({2, 2, 2}, std::vector<double>{0, 1, 2, 3, 4, 5, 6, 7});
  expectTensorNear(reduceSum(y, 1, false), {2, 2}, {2, 4, 10, 12});
  expectTensorNear(reduceMax(y, 1, true), {2, 1, 2}, {2, 3, 6, 7});

  Tensor withNaN({3}, std::vector<double>{1, std::nan(""), 2});
  EXPECT_TRUE(std::isnan(reduceMax(withNaN, 0, false).data[0]));
  EXPECT_FALSE(reduceSum(x, 2, false).isValid());
  EXPECT_FALSE(reduceMax(x, -1, false).isValid());
}

//===----------------------------------------------------------------------===//
// Normalisations and transpose
//===----------------------------------------------------------------------===//

TEST(NormTest, LayerNorm) {
  // mean 2.5, biased variance (2.25 + 0.25 + 0.25 + 2.25) / 4 = 1.25.
  Tensor x({1, 4}, std::vector<double>{1, 2, 3, 4});
  double eps = 1e-5;
  double inv = 1.0 / std::sqrt(1.25 + eps);
  expectTensorNear(layerNorm(x, nullptr, nullptr, eps), {1, 4},
                   {-1.5 * inv, -0.5 * inv, 0.5 * inv, 1.5 * inv});
  Tensor gamma({4}, std::vector<double>{1, 2, 3, 4});
  Tensor beta({4}, std::vector<double>{0.5, 0.5, -1, 0});
  expectTensorNear(
      layerNorm(x, &gamma, &beta, eps), {1, 4},
      {-1.5 * inv + 0.5, -1.0 * inv + 0.5, 1.5 * inv - 1, 6.0 * inv});
  expectTensorNear(layerNorm(x, nullptr, &beta, 0.0), {1, 4},
                   {-1.5 / std::sqrt(1.25) + 0.5, -0.5 / std::sqrt(1.25) + 0.5,
                    0.5 / std::sqrt(1.25) - 1, 1.5 / std::sqrt(1.25)});
  Tensor badGamma({3});
  EXPECT_FALSE(layerNorm(x, &badGamma, nullptr, eps).isValid());
}

TEST(NormTest, RmsNorm) {
  // mean of squares (1 + 4 + 9 + 16) / 4 = 7.5; rows are independent.
  Tensor x({2, 4}, std::vector<double>{1, 2, 3, 4, 2, 2, 2, 2});
  double eps = 1e-6;
  double inv0 = 1.0 / std::sqrt(7.5 + eps);
  double inv1 = 1.0 / std::sqrt(4.0 + eps);
  expectTensorNear(rmsNorm(x, nullptr, eps), {2, 4},
                   {inv0, 2 * inv0, 3 * inv0, 4 * inv0, 2 * inv1, 2 * inv1,
                    2 * inv1, 2 * inv1});
  Tensor gamma({4}, std::vector<double>{1, 0, -1, 0.5});
  expectTensorNear(
      rmsNorm(x, &gamma, eps), {2, 4},
      {inv0, 0, -3 * inv0, 2 * inv0, 2 * inv1, 0, -2 * inv1, inv1});
}

TEST(TransposeTest, Rank2) {
  Tensor x({2, 3}, std::vector<double>{1, 2, 3, 4, 5, 6});
  expectTensorNear(transpose(x, {1, 0}), {3, 2}, {1, 4, 2, 5, 3, 6});
  expectTensorNear(transpose(x, {0, 1}), {2, 3}, {1, 2, 3, 4, 5, 6});
}

TEST(TransposeTest, Rank3) {
  // x[i][j][l] = 12i + 4j + l; with perm {2, 0, 1} the result has shape
  // [4, 2, 3] and result[a][b][c] = x[b][c][a] = 12b + 4c + a.
  std::vector<double> data(24);
  for (int i = 0; i < 24; ++i)
    data[i] = i;
  Tensor y = transpose(Tensor({2, 3, 4}, data), {2, 0, 1});
  ASSERT_EQ(y.shape, (std::vector<int64_t>{4, 2, 3}));
  for (int a = 0; a < 4; ++a)
    for (int b = 0; b < 2; ++b)
      for (int c = 0; c < 3; ++c)
        EXPECT_EQ(y.data[a * 6 + b * 3 + c], 12 * b + 4 * c + a);
  // Spot checks written out: result[1][0][0] = x[0][0][1] = 1 and
  // result[3][1][2] = x[1][2][3] = 23.
  EXPECT_EQ(y.data[6], 1.0);
  EXPECT_EQ(y.data[23], 23.0);
  EXPECT_FALSE(transpose(Tensor({2, 3, 4}, data), {0, 0, 1}).isValid());
  EXPECT_FALSE(transpose(Tensor({2, 3, 4}, data), {0, 1}).isValid());
}

//===----------------------------------------------------------------------===//
// Attention
//===----------------------------------------------------------------------===//

TEST(AttentionTest, DominantKeySelectsItsValue) {
  // q . k1 = 100 dwarfs q . k0 = q . k2 = 0, so the output is v[1].
  Tensor q({1, 1, 1, 2}, std::vector<double>{10, 0});
  Tensor k({1, 1, 3, 2}, std::vector<double>{0, 1, 10, 0, 0, -1});
  Tensor v({1, 1, 3, 3}, std::vector<double>{1, 2, 3, 4, 5, 6, 7, 8, 9});
  AttentionResult r = attention(q, k, v, nullptr, 1.0, false);
  expectTensorNear(r.out, {1, 1, 1, 3}, {4, 5, 6}, 1e-9);
  ASSERT_EQ(r.lse.shape, (std::vector<int64_t>{1, 1, 1}));
  EXPECT_NEAR(r.lse.data[0], 100.0, 1e-9);
}

TEST(AttentionTest, TwoKeyLse) {
  // scores = 0.5 * [1, 0] = [0.5, 0]; lse = log(e^0.5 + 1).
  Tensor q({1, 1, 1, 2}, std::vector<double>{1, 0});
  Tensor k({1, 1, 2, 2}, std::vector<double>{1, 0, 0, 1});
  Tensor v({1, 1, 2, 2}, std::vector<double>{1, 0, 0, 1});
  AttentionResult r = attention(q, k, v, nullptr, 0.5, false);
  double e = std::exp(0.5);
  expectTensorNear(r.lse, {1, 1, 1}, {std::log(e + 1.0)});
  expectTensorNear(r.out, {1, 1, 1, 2}, {e / (e + 1.0), 1.0 / (e + 1.0)});
}

TEST(AttentionTest, CausalFirstRowIsFirstValue) {
  // Sq == Skv: query 0 sees only key 0, whatever the scores.
  Tensor q({1, 1, 3, 2}, std::vector<double>{1, 2, 3, 4, 5, 6});
  Tensor k({1, 1, 3, 2}, std::vector<double>{-1, 5, 2, 2, 7, -3});
  Tensor v({1, 1, 3, 2}, std::vector<double>{10, 11, 20, 21, 30, 31});
  AttentionResult r = attention(q, k, v, nullptr, 0.7, true);
  ASSERT_TRUE(r.out.isValid());
  EXPECT_DOUBLE_EQ(r.out.data[0], 10);
  EXPECT_DOUBLE_EQ(r.out.data[1], 11);
  // lse of a single key is its score: 0.7 * (1 * -1 + 2 * 5) = 6.3.
  EXPECT_NEAR(r.lse.data[0], 6.3, kTol);
}

TEST(AttentionTest, CausalBottomRightShortQuery) {
  // Sq = 2, Skv = 3, D = 1, scale 1, q = 1, k = {0, 1, 2}: row 0 may see
  // keys j <= 0 + 1 (scores {0, 1}), row 1 sees all three (scores {0, 1, 2}).
  Tensor q({1, 1, 2, 1}, std::vector<double>{1, 1});
  Tensor k({1, 1, 3, 1}, std::vector<double>{0, 1, 2});
  Tensor v({1, 1, 3, 1}, std::vector<double>{10, 20, 30});
  AttentionResult r = attention(q, k, v, nullptr, 1.0, true);
  double e = std::exp(1.0), e2 = std::exp(2.0);
  expectTensorNear(
      r.out, {1, 1, 2, 1},
      {(10 + 20 * e) / (1 + e), (10 + 20 * e + 30 * e2) / (1 + e + e2)});
  expectTensorNear(r.lse, {1, 1, 2}, {std::log(1 + e), std::log(1 + e + e2)});
}

TEST(AttentionTest, CausalLongQueryMasksRows) {
  // Sq = 3, Skv = 2: row 0 sees j <= -1 (nothing), row 1 only key 0, row 2
  // both keys (equal scores, so the mean of the values).
  Tensor q({1, 1, 3, 1}, std::vector<double>{1, 1, 1});
  Tensor k({1, 1, 2, 1}, std::vector<double>{0, 0});
  Tensor v({1, 1, 2, 2}, std::vector<double>{2, 4, 6, 8});
  AttentionResult r = attention(q, k, v, nullptr, 1.0, true);
  expectTensorNear(r.out, {1, 1, 3, 2}, {0, 0, 2, 4, 4, 6});
  ASSERT_TRUE(r.lse.isValid());
  EXPECT_EQ(r.lse.data[0], -kInf);
  EXPECT_NEAR(r.lse.data[1], 0.0, kTol);
  EXPECT_NEAR(r.lse.data[2], std::log(2.0), kTol);
}

TEST(AttentionTest, GqaHeadMapping) {
  // Hq = 4, Hkv = 2, one key per head: each output is its KV head's value
  // and each lse is q . k of that head. q = [2, 5] everywhere; kv head 0 has
  // k = [1, 0], v = [1, 2]; kv head 1 has k = [0, 1], v = [3, 4].
  Tensor q({1, 4, 1, 2}, std::vector<double>{2, 5, 2, 5, 2, 5, 2, 5});
  Tensor k({1, 2, 1, 2}, std::vector<double>{1, 0, 0, 1});
  Tensor v({1, 2, 1, 2}, std::vector<double>{1, 2, 3, 4});
  AttentionResult r = attention(q, k, v, nullptr, 1.0, false);
  expectTensorNear(r.out, {1, 4, 1, 2}, {1, 2, 1, 2, 3, 4, 3, 4});
  expectTensorNear(r.lse, {1, 4, 1}, {2, 2, 5, 5});
}

TEST(AttentionTest, MqaAllHeadsShareOneKvHead) {
  Tensor q({1, 3, 1, 1}, std::vector<double>{0, 0, 0});
  Tensor k({1, 1, 2, 1}, std::vector<double>{0, 0});
  Tensor v({1, 1, 2, 1}, std::vector<double>{1, 3});
  AttentionResult r = attention(q, k, v, nullptr, 1.0, false);
  expectTensorNear(r.out, {1, 3, 1, 1}, {2, 2, 2});
}

TEST(AttentionTest, BiasBroadcast) {
  // q = 0 makes every score equal to the bias [0, log 3], broadcast from
  // [1, 1, 1, 2] to [2, 2, 2, 2]: weights {1/4, 3/4}, out = 4/4 + 3 * 8/4.
  Tensor q({2, 2, 2, 1}, 0.0);
  Tensor k({2, 2, 2, 1}, 1.0);
  Tensor v({2, 2, 2, 1}, std::vector<double>{4, 8, 4, 8, 4, 8, 4, 8});
  Tensor bias({1, 1, 1, 2}, std::vector<double>{0, std::log(3.0)});
  AttentionResult r = attention(q, k, v, &bias, 1.0, false);
  expectTensorNear(r.out, {2, 2, 2, 1}, std::vector<double>(8, 7.0));
  expectTensorNear(r.lse, {2, 2, 2}, std::vector<double>(8, std::log(4.0)));

  // A rank-1 bias [Skv] broadcasts the same way.
  Tensor bias1({2}, std::vector<double>{0, std::log(3.0)});
  expectTensorNear(attention(q, k, v, &bias1, 1.0, false).out, {2, 2, 2, 1},
                   std::vector<double>(8, 7.0));

  Tensor badBias({3}, 0.0);
  EXPECT_FALSE(attention(q, k, v, &badBias, 1.0, false).out.isValid());
}

TEST(AttentionTest, BiasNegInfRowIsMasked) {
  // Query 0's bias row is all -inf; query 1's masks only key 1.
  Tensor q({1, 1, 2, 1}, 1.0);
  Tensor k({1, 1, 2, 1}, 1.0);
  Tensor v({1, 1, 2, 1}, std::vector<double>{5, 9});
  Tensor bias({1, 1, 2, 2}, std::vector<double>{-kInf, -kInf, 0, -kInf});
  AttentionResult r = attention(q, k, v, &bias, 1.0, false);
  expectTensorNear(r.out, {1, 1, 2, 1}, {0, 5});
  EXPECT_EQ(r.lse.data[0], -kInf);
  EXPECT_NEAR(r.lse.data[1], 1.0, kTol);
}

TEST(AttentionTest, InvalidShapes) {
  Tensor q({1, 3, 1, 2});
  Tensor k({1, 2, 1, 2});
  Tensor v({1, 2, 1, 2});
  // Hq = 3 is not a multiple of Hkv = 2.
  EXPECT_FALSE(attention(q, k, v, nullptr, 1.0, false).out.isValid());
  // Head dimension mismatch.
  EXPECT_FALSE(
      attention(Tensor({1, 2, 1, 3}), k, v, nullptr, 1.0, false).out.isValid());
}

//===----------------------------------------------------------------------===//
// relativeError
//===----------------------------------------------------------------------===//

TEST(RelativeErrorTest, Values) {
  Tensor ref({2}, std::vector<double>{3, 4});
  EXPECT_EQ(relativeError(ref, ref), 0.0);
  // ||[0, 1]|| / ||[3, 4]|| = 1 / 5.
  EXPECT_DOUBLE_EQ(relativeError(Tensor({2}, std::vector<double>{3, 5}), ref),
                   0.2);
  // A zero reference gives the absolute norm of out.
  EXPECT_DOUBLE_EQ(relativeError(ref, Tensor({2}, 0.0)), 5.0);
}

TEST(RelativeErrorTest, NaNShapesAndInfinities) {
  Tensor ref({2}, std::vector<double>{3, 4});
  Tensor withNaN({2}, std::vector<double>{3, std::nan("")});
  EXPECT_TRUE(std::isnan(relativeError(withNaN, ref)));
  EXPECT_TRUE(std::isnan(relativeError(ref, withNaN)));
  EXPECT_EQ(relativeError(Tensor({2, 1}, std::vector<double>{3, 4}), ref),
            kInf);
  EXPECT_EQ(relativeError(Tensor({3}, 0.0), ref), kInf);

  Tensor lseRef({2}, std::vector<double>{-kInf, 2});
  EXPECT_EQ(relativeError(lseRef, lseRef), 0.0);
  EXPECT_DOUBLE_EQ(
      relativeError(Tensor({2}, std::vector<double>{-kInf, 3}), lseRef), 0.5);
  EXPECT_EQ(relativeError(Tensor({2}, std::vector<double>{0, 2}), lseRef),
            kInf);
  EXPECT_EQ(relativeError(Tensor({2}, std::vector<double>{kInf, 2}), lseRef),
            kInf);
}

//===----------------------------------------------------------------------===//
// compare: the elementwise rule
//===----------------------------------------------------------------------===//

TEST(CompareTest, ElementwiseRuleCountsFailuresAndNamesTheWorst) {
  // max |ref| = 10, rtol = 0.01: atol = 0.1; element i may be off by
  // 0.1 + 0.01 * |ref_i|.
  Tensor ref({2, 2}, std::vector<double>{10, 1, -2, 0});
  Comparison same = compare(ref, ref, 0.01);
  EXPECT_TRUE(same.pass);
  EXPECT_EQ(same.failures, 0);
  EXPECT_DOUBLE_EQ(same.atol, 0.1);
  // [0,1] is off by 0.105 (allowed 0.11: passes); [1,1] by 0.2 (allowed
  // 0.1: fails); the relative norm (0.2 / ~10.25) alone would pass.
  Tensor out({2, 2}, std::vector<double>{10, 1.105, -2, 0.2});
  Comparison c = compare(out, ref, 0.01);
  EXPECT_FALSE(c.pass);
  EXPECT_EQ(c.failures, 1);
  EXPECT_EQ(c.elements, 4);
  EXPECT_EQ(c.worst, 3);
  EXPECT_DOUBLE_EQ(c.worstValue, 0.2);
  EXPECT_DOUBLE_EQ(c.worstReference, 0.0);
  EXPECT_LT(c.relativeError, 0.03);
  EXPECT_NE(describe(c, ref.shape).find("1 of 4 elements"), std::string::npos);
  EXPECT_NE(describe(c, ref.shape).find("worst [1, 1]: 0.2 vs 0"),
            std::string::npos);
}

TEST(CompareTest, NonFiniteValuesWhereTheReferenceIsFiniteFail) {
  Tensor ref({3}, std::vector<double>{1, -kInf, 2});
  EXPECT_TRUE(compare(ref, ref, 1e-5).pass);
  for (double bad : {std::nan(""), kInf, -kInf}) {
    Comparison c = compare(Tensor({3}, std::vector<double>{1, -kInf, bad}),
                           ref, 1e9);
    EXPECT_FALSE(c.pass) << bad;
    EXPECT_EQ(c.failures, 1);
    EXPECT_EQ(c.worst, 2);
  }
  // An infinity in the reference must be matched exactly.
  EXPECT_FALSE(compare(Tensor({3}, std::vector<double>{1, 0, 2}), ref, 1e9)
                   .pass);
  // Shapes that differ fail every element.
  Comparison shape = compare(Tensor({1, 3}, 0.0), ref, 1.0);
  EXPECT_FALSE(shape.pass);
  EXPECT_EQ(shape.failures, 3);
}

TEST(CompareTest, AnInfinityMatchesAReferenceBeyondTheResultTypesRange) {
  double f16 = fused::rt::overflowFor("f16");
  EXPECT_EQ(f16, 65520.0);
  EXPECT_TRUE(std::isinf(fused::rt::overflowFor("f64")));
  // exp(14) in f16 is +inf; the float64 reference is 1.2e6.
  Tensor ref({3}, std::vector<double>{1.2e6, -7e4, 0.5});
  Tensor out({3}, std::vector<double>{kInf, -kInf, 0.5});
  Comparison c = compare(out, ref, 2e-3, f16);
  EXPECT_TRUE(c.pass) << describe(c, ref.shape);
  EXPECT_EQ(c.relativeError, 0.0);
  // The out-of-range references do not scale the absolute allowance.
  EXPECT_DOUBLE_EQ(c.atol, 2e-3 * 0.5);
  // Without the range, or with the wrong sign, or where the reference is
  // well inside the range, an infinity still fails.
  EXPECT_FALSE(compare(out, ref, 2e-3).pass);
  EXPECT_FALSE(compare(Tensor({3}, std::vector<double>{-kInf, -kInf, 0.5}),
                       ref, 2e-3, f16)
                   .pass);
  Tensor inside({1}, std::vector<double>{6e4});
  EXPECT_FALSE(
      compare(Tensor({1}, std::vector<double>{kInf}), inside, 2e-3, f16).pass);
  // Within the rule's allowance of the edge, either side is accepted.
  Tensor edge({1}, std::vector<double>{65500.0});
  EXPECT_TRUE(
      compare(Tensor({1}, std::vector<double>{kInf}), edge, 2e-3, f16).pass);
  EXPECT_TRUE(
      compare(Tensor({1}, std::vector<double>{65504.0}), edge, 2e-3, f16)
          .pass);
}

} // namespace
