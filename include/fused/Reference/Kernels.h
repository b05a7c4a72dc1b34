//===- Kernels.h - float64 reference kernels --------------------*- C++ -*-===//
//
// The float64 reference oracle against which every numerical result of the
// compiler is checked: dense row-major tensors, format rounding, elementwise
// ops, matmul, reductions, normalisations, transposes and attention. The code
// is plain C++17 with no LLVM/MLIR dependency and deliberately simple loops,
// so that its correctness can be judged by reading it.
//
// Invalid inputs (mismatched shapes, out-of-range axes, bad permutations) do
// not abort: the kernels return a default-constructed `Tensor`, which reports
// `isValid() == false`. Negative axes are not accepted; callers normalise them.
//
//===----------------------------------------------------------------------===//

#ifndef FUSED_REFERENCE_KERNELS_H
#define FUSED_REFERENCE_KERNELS_H

#include "fused/Runtime/Compare.h"

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace fused {
namespace ref {

/// A dense row-major float64 tensor. A rank-0 tensor (empty shape) holds one
/// element. A default-constructed tensor has an empty shape and no data and is
/// therefore invalid; kernels return it to signal bad input.
struct Tensor {
  std::vector<int64_t> shape;
  std::vector<double> data;

  Tensor() = default;
  /// A tensor of `shape` with every element set to `fill`. A shape with a
  /// negative dimension leaves the tensor invalid.
  Tensor(std::vector<int64_t> shape, double fill = 0.0);
  /// A tensor of `shape` holding `data` in row-major order. If the sizes do
  /// not match the tensor is left default-constructed (invalid).
  Tensor(std::vector<int64_t> shape, std::vector<double> data);

  /// Number of elements implied by `shape` (1 for rank 0).
  int64_t numel() const;
  /// Number of dimensions.
  int64_t rank() const;
  /// Row-major element strides, one per dimension.
  std::vector<int64_t> strides() const;
  /// True when every dimension is non-negative and `data` holds exactly
  /// `numel()` elements.
  bool isValid() const;
};

/// Floating-point formats that `roundTo` can emulate.
enum class FloatKind { F64, F32, F16, BF16, F8E4M3FN, F8E5M2 };

/// Rounds `x` to the nearest value representable in `kind`, with ties to
/// even, so that the reference can model the precision of a narrow storage
/// type. Subnormals of the target format are produced exactly and NaN stays
/// NaN; the sign of zero is kept. Overflow follows each format:
///   - F32, F16, BF16, F8E5M2 have infinities: a value whose magnitude rounds
///     above the largest finite value (e.g. 65504 for F16, 57344 for F8E5M2)
///     becomes +-inf, and +-inf stays +-inf.
///   - F8E4M3FN has no infinity: a value whose magnitude rounds above 448
///     becomes NaN, and so does +-inf (the APFloat / ml_dtypes convention for
///     non-saturating conversion).
double roundTo(double x, FloatKind kind);
/// Applies `roundTo` to every element of `t`.
Tensor roundTensor(const Tensor &t, FloatKind kind);

/// Applies `f` to every element of `x`. (What each elementwise op of the
/// dialect computes is the op's own definition: ElementwiseOpInterface.)
Tensor unary(const Tensor &x, const std::function<double(double)> &f);

/// Computes the numpy broadcast of shapes `a` and `b` into `out`. Returns
/// false and, if `error` is non-null, describes the clash when the shapes do
/// not broadcast.
bool broadcastShapes(const std::vector<int64_t> &a,
                     const std::vector<int64_t> &b, std::vector<int64_t> &out,
                     std::string *error = nullptr);
/// Materialises `x` broadcast to `shape` by numpy rules (x's rank must not
/// exceed the rank of `shape`).
Tensor broadcastTo(const Tensor &x, const std::vector<int64_t> &shape);
/// Applies `f` elementwise with numpy broadcasting.
Tensor binary(const Tensor &a, const Tensor &b,
              const std::function<double(double, double)> &f);

/// Batched matrix product. `a` is [..., M, K] ([..., K, M] if `transposeA`),
/// `b` is [..., K, N] ([..., N, K] if `transposeB`); both have rank >= 2. The
/// leading batch dimensions broadcast numpy-style, so a rank-2 operand is
/// shared across the other operand's batch. The result is [batch..., M, N].
Tensor matmul(const Tensor &a, const Tensor &b, bool transposeA,
              bool transposeB);

/// Softmax along `axis`, numerically stable (the row maximum is subtracted
/// before exponentiating). A row whose elements are all -inf yields all
/// zeros rather than NaN, matching a fully masked attention row; a row that
/// contains a NaN yields all NaN.
Tensor softmax(const Tensor &x, int64_t axis);
/// Sum along `axis`; the axis is kept with size 1 if `keepDim`, else removed.
Tensor reduceSum(const Tensor &x, int64_t axis, bool keepDim);
/// Maximum along `axis` (NaN propagates; an empty axis gives -inf); the axis
/// is kept with size 1 if `keepDim`, else removed.
Tensor reduceMax(const Tensor &x, int64_t axis, bool keepDim);

/// Normalises over the last dimension: (x - mean) / sqrt(var + eps) with the
/// biased variance (divide by N); then * gamma + beta if given. `gamma` and
/// `beta` have shape [N] where N is the last dimension; pass nullptr to omit.
Tensor layerNorm(const Tensor &x, const Tensor *gamma, const Tensor *beta,
                 double eps);
/// x / sqrt(mean(x^2 over the last dimension) + eps), then * gamma if given
/// (shape [N]; pass nullptr to omit).
Tensor rmsNorm(const Tensor &x, const Tensor *gamma, double eps);

/// Permutes dimensions with numpy semantics: result.shape[i] =
/// x.shape[perm[i]]. `perm` must be a permutation of 0..rank-1.
Tensor transpose(const Tensor &x, const std::vector<int64_t> &perm);

/// The elements of `x` in row-major order under `shape` (same count).
Tensor reshape(const Tensor &x, const std::vector<int64_t> &shape);

/// The block of `sizes` starting at `offsets` (one per dimension, in range).
Tensor slice(const Tensor &x, const std::vector<int64_t> &offsets,
             const std::vector<int64_t> &sizes);

/// Rotary position embedding of `x` [..., S, D] with `cos` and `sin`
/// [S, R/2] (R <= D even): the first R features of each row rotate by the
/// angles of the row's position s, the rest pass through. Half-split form
/// (GPT-NeoX, Llama) pairs feature j with j + R/2; the interleaved form
/// (GPT-J) pairs 2j with 2j + 1.
Tensor rope(const Tensor &x, const Tensor &cos, const Tensor &sin,
            bool interleaved);

/// The output of `attention`: `out` is [B, Hq, Sq, Dv] and `lse` is the
/// natural-log logsumexp of the scores per query, [B, Hq, Sq].
struct AttentionResult {
  Tensor out;
  Tensor lse;
};

/// Scaled dot-product attention with grouped KV heads.
/// q is [B, Hq, Sq, D], k is [B, Hkv, Skv, D], v is [B, Hkv, Skv, Dv], with
/// Hq % Hkv == 0; query head h reads KV head h / (Hq / Hkv) (GQA/MQA).
/// The scores are s[i][j] = scale * dot(q_i, k_j) + bias[b, h, i, j], where
/// `bias` is optional and numpy-broadcastable to [B, Hq, Sq, Skv].
/// With `causal`, masking is aligned bottom-right: query i may attend key j
/// iff j <= i + (Skv - Sq).
/// lse[i] is the logsumexp over the allowed j of s[i][j] and
/// out[i] = sum_j softmax_j(s[i]) * v_j. A row with no allowed key (causal
/// with Sq > Skv for the first Sq - Skv rows, or a bias that is -inf over the
/// whole row) yields out = 0 and lse = -inf. A row whose scores contain a
/// NaN yields NaN in both.
AttentionResult attention(const Tensor &q, const Tensor &k, const Tensor &v,
                          const Tensor *bias, double scale, bool causal);

/// Formats a shape as "[2, 3, 4]" for messages.
std::string formatShape(const std::vector<int64_t> &shape);

/// Relative error ||out - ref||_2 / ||ref||_2, or ||out||_2 when
/// ||ref||_2 == 0. Returns +inf if the shapes differ and NaN if any element
/// of `out` or `ref` is NaN. Infinite elements must match exactly (same
/// position and sign), in which case they are left out of both norms, so
/// that e.g. the -inf lse of masked rows compares equal; an unmatched
/// infinity gives +inf.
double relativeError(const Tensor &out, const Tensor &ref);

/// The judgement of one result against the reference (the rule of
/// fused/Runtime/Compare.h).
using Comparison = rt::Comparison;

/// Judges `out` against `ref` with relative tolerance `rtol`. Differing
/// shapes fail with every element counted as a failure.
/// `overflow`: where the result type's range ends (rt::compare).
Comparison compare(const Tensor &out, const Tensor &ref, double rtol,
                   double overflow = HUGE_VAL);

/// "relative error ..., N of M elements outside ..." (rt::describe).
using rt::describe;

} // namespace ref
} // namespace fused

#endif // FUSED_REFERENCE_KERNELS_H
