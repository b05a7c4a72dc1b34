//===- Kernels.cpp - float64 reference kernels ----------------------------===//
//
// Straightforward float64 implementations of the reference kernels declared
// in Kernels.h. Every kernel is written as plain nested loops over row-major
// indices; speed is irrelevant here, readability is the point.
//
//===----------------------------------------------------------------------===//

#include "fused/Reference/Kernels.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <sstream>
#include <utility>

namespace fused {
namespace ref {

namespace {

constexpr double kInf = std::numeric_limits<double>::infinity();
constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

/// Product of shape[begin, end); 1 for an empty range.
int64_t product(const std::vector<int64_t> &shape, int64_t begin, int64_t end) {
  int64_t n = 1;
  for (int64_t i = begin; i < end; ++i)
    n *= shape[i];
  return n;
}

bool isValidShape(const std::vector<int64_t> &shape) {
  for (int64_t d : shape)
    if (d < 0)
      return false;
  return true;
}

/// Multi-index of row-major position `linear` in `shape`.
std::vector<int64_t> unravel(int64_t linear,
                             const std::vector<int64_t> &shape) {
  std::vector<int64_t> index(shape.size(), 0);
  for (int64_t d = static_cast<int64_t>(shape.size()) - 1; d >= 0; --d) {
    index[d] = linear % shape[d];
    linear /= shape[d];
  }
  return index;
}

std::string shapeToString(const std::vector<int64_t> &shape) {
  std::ostringstream os;
  os << '[';
  for (size_t i = 0; i < shape.size(); ++i)
    os << (i ? "," : "") << shape[i];
  os << ']';
  return os.str();
}

/// The parameters of a binary floating-point format with an implicit
/// leading bit.
struct Format {
  int mantissaBits; // Explicit fraction bits.
  int minExponent;  // Exponent of the smallest normal value.
  double maxFinite; // Largest finite value.
  bool hasInf;      // Whether overflow produces inf (else NaN).
};

Format getFormat(FloatKind kind) {
  switch (kind) {
  case FloatKind::F64:
    return {52, -1022, std::numeric_limits<double>::max(), true};
  case FloatKind::F32:
    return {23, -126, std::ldexp(16777215.0, 104), true}; // (2^24-1)*2^104
  case FloatKind::F16:
    return {10, -14, 65504.0, true};
  case FloatKind::BF16:
    return {7, -126, std::ldexp(255.0, 120), true}; // (2^8-1)*2^120
  case FloatKind::F8E4M3FN:
    return {3, -6, 448.0, false};
  case FloatKind::F8E5M2:
    return {2, -14, 57344.0, true};
  }
  return {52, -1022, std::numeric_limits<double>::max(), true};
}

/// Sizes of the dimensions before, along and after `axis`, so that element
/// (o, j, i) lives at (o * len + j) * inner + i. Returns false if `axis` is
/// out of range.
bool splitAtAxis(const Tensor &x, int64_t axis, int64_t &outer, int64_t &len,
                 int64_t &inner) {
  if (axis < 0 || axis >= x.rank())
    return false;
  outer = product(x.shape, 0, axis);
  len = x.shape[axis];
  inner = product(x.shape, axis + 1, x.rank());
  return true;
}

/// Shape of a reduction of `shape` along `axis`.
std::vector<int64_t> reducedShape(const std::vector<int64_t> &shape,
                                  int64_t axis, bool keepDim) {
  std::vector<int64_t> out;
  for (int64_t d = 0; d < static_cast<int64_t>(shape.size()); ++d) {
    if (d != axis)
      out.push_back(shape[d]);
    else if (keepDim)
      out.push_back(1);
  }
  return out;
}

/// The larger of `a` and `b`; NaN when either is NaN.
double nanMax(double a, double b) {
  if (std::isnan(a) || std::isnan(b))
    return kNaN;
  return a > b ? a : b;
}

} // namespace

//===----------------------------------------------------------------------===//
// Tensor
//===----------------------------------------------------------------------===//

Tensor::Tensor(std::vector<int64_t> shape, double fill) {
  if (!isValidShape(shape))
    return;
  int64_t n = product(shape, 0, static_cast<int64_t>(shape.size()));
  this->shape = std::move(shape);
  this->data.assign(static_cast<size_t>(n), fill);
}

Tensor::Tensor(std::vector<int64_t> shape, std::vector<double> data) {
  if (!isValidShape(shape))
    return;
  int64_t n = product(shape, 0, static_cast<int64_t>(shape.size()));
  if (static_cast<int64_t>(data.size()) != n)
    return;
  this->shape = std::move(shape);
  this->data = std::move(data);
}

int64_t Tensor::numel() const { return product(shape, 0, rank()); }

int64_t Tensor::rank() const { return static_cast<int64_t>(shape.size()); }

std::vector<int64_t> Tensor::strides() const {
  std::vector<int64_t> result(shape.size(), 1);
  for (int64_t d = rank() - 2; d >= 0; --d)
    result[d] = result[d + 1] * shape[d + 1];
  return result;
}

bool Tensor::isValid() const {
  return isValidShape(shape) && static_cast<int64_t>(data.size()) == numel();
}

//===----------------------------------------------------------------------===//
// Rounding
//===----------------------------------------------------------------------===//

double roundTo(double x, FloatKind kind) {
  if (kind == FloatKind::F64 || std::isnan(x) || x == 0.0)
    return x;
  Format format = getFormat(kind);
  if (std::isinf(x))
    return format.hasInf ? x : kNaN;

  // The quantum (spacing of representable values) at |x| is
  // 2^(exponent - mantissaBits), where exponent is that of |x| clamped below
  // at the smallest normal exponent, which yields the subnormal spacing.
  double a = std::fabs(x);
  int frexpExponent = 0;
  std::frexp(a, &frexpExponent); // a = f * 2^frexpExponent, f in [0.5, 1).
  int exponent = frexpExponent - 1;
  if (exponent < format.minExponent)
    exponent = format.minExponent;
  int quantumExponent = exponent - format.mantissaBits;

  // Count of quanta in |x|; scaling by a power of two is exact, and the count
  // is below 2^(mantissaBits + 1) so its fractional part is exact too.
  double units = std::ldexp(a, -quantumExponent);
  double whole = std::floor(units);
  double fraction = units - whole;
  bool wholeIsOdd = std::fmod(whole, 2.0) != 0.0;
  if (fraction > 0.5 || (fraction == 0.5 && wholeIsOdd))
    whole += 1.0;
  double rounded = std::ldexp(whole, quantumExponent);

  if (rounded > format.maxFinite)
    return format.hasInf ? std::copysign(kInf, x) : kNaN;
  return std::copysign(rounded, x);
}

Tensor roundTensor(const Tensor &t, FloatKind kind) {
  if (!t.isValid())
    return Tensor();
  Tensor result = t;
  for (double &value : result.data)
    value = roundTo(value, kind);
  return result;
}

//===----------------------------------------------------------------------===//
// Elementwise
//===----------------------------------------------------------------------===//

Tensor unary(const Tensor &x, const std::function<double(double)> &f) {
  if (!x.isValid())
    return Tensor();
  Tensor result = x;
  for (double &value : result.data)
    value = f(value);
  return result;
}

bool broadcastShapes(const std::vector<int64_t> &a,
                     const std::vector<int64_t> &b, std::vector<int64_t> &out,
                     std::string *error) {
  size_t rank = a.size() > b.size() ? a.size() : b.size();
  std::vector<int64_t> result(rank, 1);
  // Align trailing dimensions; a missing leading dimension counts as 1.
  for (size_t i = 0; i < rank; ++i) {
    int64_t da = i < a.size() ? a[a.size() - 1 - i] : 1;
    int64_t db = i < b.size() ? b[b.size() - 1 - i] : 1;
    if (da == db || db == 1) {
      result[rank - 1 - i] = da;
    } else if (da == 1) {
      result[rank - 1 - i] = db;
    } else {
      if (error)
        *error = "shapes " + shapeToString(a) + " and " + shapeToString(b) +
                 " do not broadcast: dimension " + std::to_string(da) + " vs " +
                 std::to_string(db) + " at " + std::to_string(i) +
                 " from the end";
      return false;
    }
  }
  out = std::move(result);
  return true;
}

Tensor broadcastTo(const Tensor &x, const std::vector<int64_t> &shape) {
  if (!x.isValid() || !isValidShape(shape) ||
      x.rank() > static_cast<int64_t>(shape.size()))
    return Tensor();
  int64_t offset = static_cast<int64_t>(shape.size()) - x.rank();
  for (int64_t d = 0; d < x.rank(); ++d)
    if (x.shape[d] != 1 && x.shape[d] != shape[offset + d])
      return Tensor();

  Tensor result(shape);
  std::vector<int64_t> xStrides = x.strides();
  for (int64_t linear = 0; linear < result.numel(); ++linear) {
    std::vector<int64_t> index = unravel(linear, shape);
    int64_t source = 0;
    for (int64_t d = 0; d < x.rank(); ++d)
      if (x.shape[d] != 1)
        source += index[offset + d] * xStrides[d];
    result.data[linear] = x.data[source];
  }
  return result;
}

Tensor binary(const Tensor &a, const Tensor &b,
              const std::function<double(double, double)> &f) {
  std::vector<int64_t> shape;
  if (!a.isValid() || !b.isValid() || !broadcastShapes(a.shape, b.shape, shape))
    return Tensor();
  Tensor lhs = broadcastTo(a, shape);
  Tensor rhs = broadcastTo(b, shape);
  Tensor result(shape);
  for (int64_t i = 0; i < result.numel(); ++i)
    result.data[i] = f(lhs.data[i], rhs.data[i]);
  return result;
}

//===----------------------------------------------------------------------===//
// Matmul
//===----------------------------------------------------------------------===//

Tensor matmul(const Tensor &a, const Tensor &b, bool transposeA,
              bool transposeB) {
  if (!a.isValid() || !b.isValid() || a.rank() < 2 || b.rank() < 2)
    return Tensor();
  int64_t ra = a.rank(), rb = b.rank();
  int64_t aRows = a.shape[ra - 2], aCols = a.shape[ra - 1];
  int64_t bRows = b.shape[rb - 2], bCols = b.shape[rb - 1];
  int64_t m = transposeA ? aCols : aRows;
  int64_t k = transposeA ? aRows : aCols;
  int64_t kb = transposeB ? bCols : bRows;
  int64_t n = transposeB ? bRows : bCols;
  if (k != kb)
    return Tensor();

  std::vector<int64_t> aBatch(a.shape.begin(), a.shape.end() - 2);
  std::vector<int64_t> bBatch(b.shape.begin(), b.shape.end() - 2);
  std::vector<int64_t> batch;
  if (!broadcastShapes(aBatch, bBatch, batch))
    return Tensor();

  // Materialise both operands over the common batch so that batch element
  // `i` of each is a contiguous matrix.
  std::vector<int64_t> aShape = batch, bShape = batch;
  aShape.push_back(aRows);
  aShape.push_back(aCols);
  bShape.push_back(bRows);
  bShape.push_back(bCols);
  Tensor aFull = broadcastTo(a, aShape);
  Tensor bFull = broadcastTo(b, bShape);

  std::vector<int64_t> outShape = batch;
  outShape.push_back(m);
  outShape.push_back(n);
  Tensor result(outShape);
  int64_t batchCount = product(batch, 0, static_cast<int64_t>(batch.size()));
  for (int64_t bi = 0; bi < batchCount; ++bi) {
    const double *aMat = aFull.data.data() + bi * aRows * aCols;
    const double *bMat = bFull.data.data() + bi * bRows * bCols;
    double *outMat = result.data.data() + bi * m * n;
    // Row i of the result accumulates A[i, p] * B[p, :] over p (the i-p-j
    // order streams through B and the result row).
    for (int64_t i = 0; i < m; ++i) {
      double *outRow = outMat + i * n;
      for (int64_t p = 0; p < k; ++p) {
        double av = transposeA ? aMat[p * aCols + i] : aMat[i * aCols + p];
        for (int64_t j = 0; j < n; ++j) {
          double bv = transposeB ? bMat[j * bCols + p] : bMat[p * bCols + j];
          outRow[j] += av * bv;
        }
      }
    }
  }
  return result;
}

//===----------------------------------------------------------------------===//
// Softmax and reductions
//===----------------------------------------------------------------------===//

Tensor softmax(const Tensor &x, int64_t axis) {
  int64_t outer, len, inner;
  if (!x.isValid() || !splitAtAxis(x, axis, outer, len, inner))
    return Tensor();
  Tensor result(x.shape);
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < inner; ++i) {
      auto at = [&](int64_t j) { return (o * len + j) * inner + i; };
      double maxValue = -kInf;
      bool hasNaN = false;
      for (int64_t j = 0; j < len; ++j) {
        hasNaN = hasNaN || std::isnan(x.data[at(j)]);
        if (x.data[at(j)] > maxValue)
          maxValue = x.data[at(j)];
      }
      if (hasNaN) {
        for (int64_t j = 0; j < len; ++j)
          result.data[at(j)] = kNaN;
        continue;
      }
      // An all -inf row has no probability mass anywhere: define it as 0.
      if (maxValue == -kInf) {
        for (int64_t j = 0; j < len; ++j)
          result.data[at(j)] = 0.0;
        continue;
      }
      double sum = 0.0;
      for (int64_t j = 0; j < len; ++j)
        sum += std::exp(x.data[at(j)] - maxValue);
      for (int64_t j = 0; j < len; ++j)
        result.data[at(j)] = std::exp(x.data[at(j)] - maxValue) / sum;
    }
  }
  return result;
}

Tensor reduceSum(const Tensor &x, int64_t axis, bool keepDim) {
  int64_t outer, len, inner;
  if (!x.isValid() || !splitAtAxis(x, axis, outer, len, inner))
    return Tensor();
  Tensor result(reducedShape(x.shape, axis, keepDim));
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < inner; ++i) {
      double sum = 0.0;
      for (int64_t j = 0; j < len; ++j)
        sum += x.data[(o * len + j) * inner + i];
      result.data[o * inner + i] = sum;
    }
  }
  return result;
}

Tensor reduceMax(const Tensor &x, int64_t axis, bool keepDim) {
  int64_t outer, len, inner;
  if (!x.isValid() || !splitAtAxis(x, axis, outer, len, inner))
    return Tensor();
  Tensor result(reducedShape(x.shape, axis, keepDim));
  for (int64_t o = 0; o < outer; ++o) {
    for (int64_t i = 0; i < inner; ++i) {
      double maxValue = -kInf;
      for (int64_t j = 0; j < len; ++j)
        maxValue = nanMax(maxValue, x.data[(o * len + j) * inner + i]);
      result.data[o * inner + i] = maxValue;
    }
  }
  return result;
}

//===----------------------------------------------------------------------===//
// Normalisations
//===----------------------------------------------------------------------===//

Tensor layerNorm(const Tensor &x, const Tensor *gamma, const Tensor *beta,
                 double eps) {
  if (!x.isValid() || x.rank() < 1)
    return Tensor();
  int64_t n = x.shape.back();
  std::vector<int64_t> paramShape = {n};
  if ((gamma && (!gamma->isValid() || gamma->shape != paramShape)) ||
      (beta && (!beta->isValid() || beta->shape != paramShape)))
    return Tensor();
  Tensor result(x.shape);
  int64_t rows = n == 0 ? 0 : x.numel() / n;
  for (int64_t r = 0; r < rows; ++r) {
    const double *row = x.data.data() + r * n;
    double *outRow = result.data.data() + r * n;
    double mean = 0.0;
    for (int64_t j = 0; j < n; ++j)
      mean += row[j];
    mean /= static_cast<double>(n);
    double var = 0.0;
    for (int64_t j = 0; j < n; ++j)
      var += (row[j] - mean) * (row[j] - mean);
    var /= static_cast<double>(n);
    double invStd = 1.0 / std::sqrt(var + eps);
    for (int64_t j = 0; j < n; ++j) {
      double y = (row[j] - mean) * invStd;
      if (gamma)
        y *= gamma->data[j];
      if (beta)
        y += beta->data[j];
      outRow[j] = y;
    }
  }
  return result;
}

Tensor rmsNorm(const Tensor &x, const Tensor *gamma, double eps) {
  if (!x.isValid() || x.rank() < 1)
    return Tensor();
  int64_t n = x.shape.back();
  std::vector<int64_t> paramShape = {n};
  if (gamma && (!gamma->isValid() || gamma->shape != paramShape))
    return Tensor();
  Tensor result(x.shape);
  int64_t rows = n == 0 ? 0 : x.numel() / n;
  for (int64_t r = 0; r < rows; ++r) {
    const double *row = x.data.data() + r * n;
    double *outRow = result.data.data() + r * n;
    double meanSquare = 0.0;
    for (int64_t j = 0; j < n; ++j)
      meanSquare += row[j] * row[j];
    meanSquare /= static_cast<double>(n);
    double invRms = 1.0 / std::sqrt(meanSquare + eps);
    for (int64_t j = 0; j < n; ++j) {
      double y = row[j] * invRms;
      if (gamma)
        y *= gamma->data[j];
      outRow[j] = y;
    }
  }
  return result;
}

//===----------------------------------------------------------------------===//
// Transpose
//===----------------------------------------------------------------------===//

Tensor transpose(const Tensor &x, const std::vector<int64_t> &perm) {
  if (!x.isValid() || static_cast<int64_t>(perm.size()) != x.rank())
    return Tensor();
  std::vector<bool> seen(perm.size(), false);
  for (int64_t p : perm) {
    if (p < 0 || p >= x.rank() || seen[p])
      return Tensor();
    seen[p] = true;
  }
  std::vector<int64_t> outShape(perm.size());
  for (size_t i = 0; i < perm.size(); ++i)
    outShape[i] = x.shape[perm[i]];
  Tensor result(outShape);
  std::vector<int64_t> xStrides = x.strides();
  for (int64_t linear = 0; linear < result.numel(); ++linear) {
    // Output dimension i walks input dimension perm[i].
    std::vector<int64_t> index = unravel(linear, outShape);
    int64_t source = 0;
    for (size_t i = 0; i < perm.size(); ++i)
      source += index[i] * xStrides[perm[i]];
    result.data[linear] = x.data[source];
  }
  return result;
}

//===----------------------------------------------------------------------===//
// Reshape, slice
//===----------------------------------------------------------------------===//

Tensor reshape(const Tensor &x, const std::vector<int64_t> &shape) {
  Tensor result(shape);
  if (!x.isValid() || result.numel() != x.numel())
    return Tensor();
  result.data = x.data;
  return result;
}

Tensor slice(const Tensor &x, const std::vector<int64_t> &offsets,
             const std::vector<int64_t> &sizes) {
  if (!x.isValid() || static_cast<int64_t>(offsets.size()) != x.rank() ||
      sizes.size() != offsets.size())
    return Tensor();
  for (size_t d = 0; d < sizes.size(); ++d)
    if (offsets[d] < 0 || sizes[d] < 0 || offsets[d] + sizes[d] > x.shape[d])
      return Tensor();
  Tensor result(sizes);
  std::vector<int64_t> xStrides = x.strides();
  for (int64_t linear = 0; linear < result.numel(); ++linear) {
    std::vector<int64_t> index = unravel(linear, sizes);
    int64_t source = 0;
    for (size_t d = 0; d < sizes.size(); ++d)
      source += (offsets[d] + index[d]) * xStrides[d];
    result.data[linear] = x.data[source];
  }
  return result;
}

//===----------------------------------------------------------------------===//
// Rotary position embedding
//===----------------------------------------------------------------------===//

Tensor rope(const Tensor &x, const Tensor &cos, const Tensor &sin,
            bool interleaved) {
  if (!x.isValid() || !cos.isValid() || !sin.isValid() || x.rank() < 2 ||
      cos.rank() != 2 || cos.shape != sin.shape)
    return Tensor();
  int64_t s = x.shape[x.rank() - 2], d = x.shape[x.rank() - 1];
  int64_t half = cos.shape[1];
  if (cos.shape[0] != s || 2 * half > d)
    return Tensor();
  Tensor result = x;
  int64_t rows = x.numel() / d;
  for (int64_t row = 0; row < rows; ++row) {
    int64_t pos = row % s;
    const double *in = &x.data[row * d];
    double *out = &result.data[row * d];
    for (int64_t j = 0; j < half; ++j) {
      int64_t a = interleaved ? 2 * j : j;
      int64_t b = interleaved ? 2 * j + 1 : j + half;
      double c = cos.data[pos * half + j], sn = sin.data[pos * half + j];
      out[a] = in[a] * c - in[b] * sn;
      out[b] = in[b] * c + in[a] * sn;
    }
  }
  return result;
}

//===----------------------------------------------------------------------===//
// Attention
//===----------------------------------------------------------------------===//

AttentionResult attention(const Tensor &q, const Tensor &k, const Tensor &v,
                          const Tensor *bias, double scale, bool causal) {
  if (!q.isValid() || !k.isValid() || !v.isValid() || q.rank() != 4 ||
      k.rank() != 4 || v.rank() != 4)
    return {};
  int64_t batch = q.shape[0], hq = q.shape[1], sq = q.shape[2], d = q.shape[3];
  int64_t hkv = k.shape[1], skv = k.shape[2], dv = v.shape[3];
  if (k.shape[0] != batch || v.shape[0] != batch || k.shape[3] != d ||
      v.shape[1] != hkv || v.shape[2] != skv || hkv <= 0 || hq % hkv != 0)
    return {};
  int64_t group = hq / hkv;

  Tensor biasFull;
  if (bias) {
    biasFull = broadcastTo(*bias, {batch, hq, sq, skv});
    if (!biasFull.isValid())
      return {};
  }

  AttentionResult result;
  result.out = Tensor({batch, hq, sq, dv});
  result.lse = Tensor({batch, hq, sq});
  std::vector<double> scores(static_cast<size_t>(skv));
  std::vector<bool> allowed(static_cast<size_t>(skv));

  for (int64_t b = 0; b < batch; ++b) {
    for (int64_t h = 0; h < hq; ++h) {
      int64_t kvHead = h / group;
      const double *qHead = q.data.data() + (b * hq + h) * sq * d;
      const double *kHead = k.data.data() + (b * hkv + kvHead) * skv * d;
      const double *vHead = v.data.data() + (b * hkv + kvHead) * skv * dv;
      for (int64_t i = 0; i < sq; ++i) {
        double *outRow = result.out.data.data() + ((b * hq + h) * sq + i) * dv;
        double &lse = result.lse.data[(b * hq + h) * sq + i];

        // Scores and the maximum over the allowed keys.
        double maxScore = -kInf;
        bool hasNaN = false;
        for (int64_t j = 0; j < skv; ++j) {
          allowed[j] = !causal || j <= i + (skv - sq);
          if (!allowed[j])
            continue;
          double dot = 0.0;
          for (int64_t c = 0; c < d; ++c)
            dot += qHead[i * d + c] * kHead[j * d + c];
          double s = scale * dot;
          if (bias)
            s += biasFull.data[((b * hq + h) * sq + i) * skv + j];
          scores[j] = s;
          hasNaN = hasNaN || std::isnan(s);
          if (s > maxScore)
            maxScore = s;
        }

        if (hasNaN) {
          for (int64_t c = 0; c < dv; ++c)
            outRow[c] = kNaN;
          lse = kNaN;
          continue;
        }
        // No allowed key, or all allowed scores are -inf: nothing to attend.
        if (maxScore == -kInf) {
          for (int64_t c = 0; c < dv; ++c)
            outRow[c] = 0.0;
          lse = -kInf;
          continue;
        }

        // Unnormalised weights, then out = sum_j w_j v_j / sum_j w_j.
        double sum = 0.0;
        for (int64_t j = 0; j < skv; ++j) {
          scores[j] = allowed[j] ? std::exp(scores[j] - maxScore) : 0.0;
          sum += scores[j];
        }
        for (int64_t c = 0; c < dv; ++c)
          outRow[c] = 0.0;
        for (int64_t j = 0; j < skv; ++j)
          if (allowed[j])
            for (int64_t c = 0; c < dv; ++c)
              outRow[c] += scores[j] * vHead[j * dv + c];
        for (int64_t c = 0; c < dv; ++c)
          outRow[c] /= sum;
        lse = maxScore + std::log(sum);
      }
    }
  }
  return result;
}

//===----------------------------------------------------------------------===//
// Comparison
//===----------------------------------------------------------------------===//

std::string formatShape(const std::vector<int64_t> &shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i)
    s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

double relativeError(const Tensor &out, const Tensor &ref) {
  if (out.shape != ref.shape)
    return kInf;
  return rt::relativeError(out.data, ref.data);
}

Comparison compare(const Tensor &out, const Tensor &ref, double rtol,
                   double overflow) {
  if (out.shape != ref.shape) {
    Comparison c = rt::compare({}, ref.data, rtol, overflow);
    c.relativeError = kInf;
    return c;
  }
  return rt::compare(out.data, ref.data, rtol, overflow);
}

} // namespace ref
} // namespace fused
