//===- RowwiseStrategy.cpp - softmax, layernorm and rmsnorm over rows -----===//
//
// The row-wise strategy: a `fused.kernel softmax` or `fused.kernel
// normalization` (layernorm, rmsnorm, with or without their affine
// parameters) becomes one GPU kernel with a thread block per row. Each
// thread handles chunks of V consecutive elements (16 bytes when the row
// length allows, else single elements), the block reduces with warp
// shuffles and one shared-memory exchange per reduction, and everything is
// computed in f32.
//
// Rows of up to 32 elements per thread (32768 elements with 1024 threads)
// are held in registers: the row is read once and written once. Longer
// rows are streamed by 512 threads in two passes: one computes the
// reductions (an online softmax; for layernorm sums shifted by the row's
// first element, so that the variance does not cancel), the next
// normalises and writes. Where the row fits in the chip's shared memory
// (with the partials: 50257 bf16 or 40000 f32 on sm_80) the first pass
// stages it there and the second reads it back, so the row is read from
// global memory once; longer rows are read twice, which costs half the
// minimum traffic of a softmax. A row whose length is not a multiple of 16
// bytes (a vocabulary of 50257) goes in 16-byte windows from its first
// 32-byte boundary, its head and tail one element per thread
// (RowProblem::headTail); its affine parameters, which do not share that
// alignment, come from a copy in shared memory laid out by planes
// (RowProblem::paramPlanes). With affine parameters and many rows, a block
// normalises several rows in turn with the parameters loaded once. Rows of
// one warp that are not whole sectors would share a sector with the next
// row, requested twice: a block copies its rows to shared memory and back
// as one flat range (RowProblem::flatRows). A row length known only at run
// time (?) is streamed (configureDynamicLength).
//
// A softmax over another axis is a column kernel (ColumnSoftmax): a slab
// through shared memory, or a column walked by each thread.
//
//===----------------------------------------------------------------------===//

#include "KernelBuilders.h"
#include "fused/Conversion/KernelStrategy.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/Builders.h"

#include <cmath>
#include <limits>

using namespace mlir;
using namespace fused::fused;

using namespace fused::kernel_builders;

namespace {

/// The elements per thread a row may keep in registers.
constexpr int64_t kRegisterElements = 32;

enum class RowOp { Softmax, LayerNorm, RMSNorm };

/// A row-wise kernel: one op over the last dimension of `input`.
struct RowProblem {
  Operation *op = nullptr;
  RowOp kind = RowOp::Softmax;
  Value input, weight, bias; // kernel block arguments
  /// Residual add + norm: input = lhs + rhs (block arguments of one type),
  /// and the kernel's results: where the sum goes (-1: not returned) and
  /// where the normalised row goes.
  AddOp residual;
  int64_t sumResult = -1, normResult = 0;
  /// Rows: all of them when the shape is static; with a dynamic first
  /// dimension, the rows of one index of it (`dynamic`).
  int64_t rows = 0, n = 0;
  bool dynamic = false;
  /// A dynamic row length (?): the kernel reads it from the output's
  /// descriptor and streams the row (configureDynamicLength); `n` is then
  /// the elements its shared memory can stage.
  bool dynamicLength = false;
  /// Rows of one warp whose length is not a whole number of 32-byte
  /// sectors: a block's rows are consecutive in memory, and it copies them
  /// to shared memory and back as one flat range (16-byte windows from its
  /// first sector boundary, head and tail one element per thread), so that
  /// no sector is requested twice but where blocks meet; its warps
  /// normalise the rows there (configureFlatRows).
  bool flatRows = false;
  Type elemType;
  double epsilon = 0;
  /// Elements per access (16 bytes where the row length allows).
  int64_t vector = 1;
  int64_t threads = 32;
  /// Chunks of `vector` elements per thread.
  int64_t chunks = 1;
  /// Whether the row stays in registers; else it is streamed: staged in
  /// shared memory on the first pass when it fits there (`inShared`: read
  /// once from global memory), otherwise read twice.
  bool inRegisters = true;
  bool inShared = false;
  /// A row whose length is not a multiple of 16 bytes: the
  /// elements before its first 32-byte (sector) boundary (the head) and
  /// after its last whole 16-byte window (the tail) go one per thread, the
  /// head to threads 0 .. sector - 1 and the tail to threads sector ..
  /// sector + vector - 1, each in one request of its own; the rest in whole
  /// 16-byte windows from that boundary, so that every request covers
  /// whole sectors.
  bool headTail = false;
  /// With head and tail, the affine parameters do not share a row's
  /// alignment (each row's windows start at its own offset): the block
  /// copies them to shared memory by planes, element q at plane q mod
  /// `paramPlanes` (the elements of a window), index q / `paramPlanes`, so
  /// that a warp reading the i-th element of its windows reads one plane's
  /// consecutive elements (0: the parameters keep their own layout).
  int64_t paramPlanes = 0;
  /// Elements between the planes of a parameter of `et`: a plane's
  /// elements rounded up to 128 bytes, plus the bytes a warp's 32
  /// consecutive elements put in one plane, so that those of the planes
  /// fall in distinct banks when the block stages them.
  int64_t planeStride(Type et) const {
    int64_t bytes = elementBytes(et);
    int64_t plane = (n + paramPlanes - 1) / paramPlanes * bytes;
    return ((plane + 127) / 128 * 128 + 32 * bytes / paramPlanes) / bytes;
  }
  /// Elements per 32-byte sector.
  int64_t sector() const { return 32 / elementBytes(elemType); }
  /// The bytes of the widest element the row's accesses read: the row's
  /// or an affine parameter's.
  int64_t widestBytes() const {
    int64_t widest = elementBytes(elemType);
    for (Value v : {weight, bias})
      if (v)
        widest = std::max(widest, elementBytes(cast<RankedTensorType>(
                                                   v.getType())
                                                   .getElementType()));
    return widest;
  }

  /// The accesses of `vector` elements that cover a row (with head and
  /// tail, the most whole windows a row can hold: fewer when it starts
  /// off a boundary).
  int64_t accesses() const { return n / vector; }
  /// The accesses every row has.
  int64_t sureAccesses() const {
    return headTail ? std::max<int64_t>(0, (n - sector() + 1) / vector)
                    : accesses();
  }
  /// Rows each block normalises, its weight and bias read from global
  /// memory once for all of them.
  int64_t rowsPerBlock = 1;
  /// Warps of a block that each normalise their own rows (rows of one
  /// warp: `threads` is 32), sharing the affine parameters.
  int64_t groups = 1;
  /// Whether the block first copies the affine parameters to shared
  /// memory: where several warps share them, and where a thread would
  /// not keep them in registers (more than 256 threads per row).
  bool stagedParams = false;

  int64_t blockThreads() const { return threads * groups; }
  /// Whether a block looping over rows keeps the affine parameters in
  /// registers (rows of at most 256 threads); longer rows read them from
  /// shared memory for each row.
  bool paramsInRegisters() const { return threads <= 256; }
};

/// The shared memory of the reductions' partials: 2 slots of one f32 per
/// warp (none for one warp), rounded up to 16 bytes.
int64_t partialsBytes(const RowProblem &p) {
  int64_t warps = p.threads / 32;
  return warps > 1 ? (2 * warps * 4 + 15) / 16 * 16 : 0;
}

/// The shared memory a staged row takes: every access of the row.
int64_t stagedRowBytes(const RowProblem &p) {
  return p.accesses() * p.vector * elementBytes(p.elemType);
}

/// The bytes of `param`'s copy in shared memory, rounded up to 16.
int64_t stagedParamBytes(const RowProblem &p, Value param) {
  if (!param || !p.stagedParams)
    return 0;
  Type et = cast<ShapedType>(param.getType()).getElementType();
  int64_t elements = p.paramPlanes ? p.paramPlanes * p.planeStride(et) : p.n;
  return (elements * elementBytes(et) + 15) / 16 * 16;
}

/// The flat range of a block's rows (RowProblem::flatRows).
FlatRange flatRange(const RowProblem &p) {
  // With a dynamic first dimension the row count is a multiple of the
  // static dimensions' product (p.rows).
  return FlatRange{p.elemType, p.rowsPerBlock, p.n, p.rows, p.blockThreads()};
}

/// The bytes of one flat copy of a block's rows (none without flatRows).
int64_t flatBufferBytes(const RowProblem &p) {
  return p.flatRows ? flatRange(p).bufferBytes() : 0;
}

/// Flat copies: the input's, and a residual's (which takes the sum).
int64_t flatBuffers(const RowProblem &p) { return p.residual ? 2 : 1; }

/// All of a kernel's dynamic shared memory: the partials, then the row
/// when it is staged there, then the staged weight and bias, then the flat
/// copies of the block's rows.
int64_t sharedBytes(const RowProblem &p) {
  return partialsBytes(p) + (p.inShared ? stagedRowBytes(p) : 0) +
         stagedParamBytes(p, p.weight) + stagedParamBytes(p, p.bias) +
         flatBuffers(p) * flatBufferBytes(p);
}

/// The bytes a row moves per element (its input, a residual, the sum when
/// returned, the output) and the affine parameters' bytes per element.
std::pair<int64_t, int64_t> bytesPerElement(const RowProblem &p) {
  int64_t e = elementBytes(p.elemType);
  int64_t row = 2 * e;
  if (p.residual)
    row += e + (p.sumResult >= 0 ? e : 0);
  int64_t params = 0;
  for (Value v : {p.weight, p.bias})
    if (v)
      params += elementBytes(cast<ShapedType>(v.getType()).getElementType());
  return {row, params};
}

int64_t powerOf2AtLeast(int64_t n) {
  int64_t p = 1;
  while (p < n)
    p *= 2;
  return p;
}

/// The ops of a row-wise kernel (the norm or softmax, a residual add before
/// a norm) and which results it yields, into `p`.
LogicalResult matchRowKernel(KernelOp kernel, RowProblem &p) {
  Block &body = kernel.getBody().front();
  auto ops = body.without_terminator();
  auto count = std::distance(ops.begin(), ops.end());
  if (count == 2)
    p.residual = dyn_cast<AddOp>(*ops.begin());
  if (count != 1 && !(count == 2 && p.residual))
    return kernel.emitOpError()
               << "row-wise code generation handles a kernel holding one "
                  "softmax, layernorm or rmsnorm (a norm may follow a "
                  "residual add)",
           failure();
  p.op = &*std::prev(ops.end());
  if (auto sm = dyn_cast<SoftmaxOp>(p.op)) {
    p.kind = RowOp::Softmax;
    p.input = sm.getInput();
  } else if (auto ln = dyn_cast<LayerNormOp>(p.op)) {
    p.kind = RowOp::LayerNorm;
    p.input = ln.getInput();
    p.weight = ln.getWeight();
    p.bias = ln.getBias();
    p.epsilon = ln.getEpsilon().convertToDouble();
  } else if (auto rn = dyn_cast<RMSNormOp>(p.op)) {
    p.kind = RowOp::RMSNorm;
    p.input = rn.getInput();
    p.weight = rn.getWeight();
    p.epsilon = rn.getEpsilon().convertToDouble();
  } else {
    return p.op->emitOpError()
               << "row-wise code generation handles softmax, layernorm and "
                  "rmsnorm",
           failure();
  }
  auto yield = body.getTerminator();
  if (p.residual) {
    Value sum = p.residual.getResult();
    auto isArg = [&](Value v) {
      return isa<BlockArgument>(v) && v.getType() == sum.getType();
    };
    if (p.kind == RowOp::Softmax || p.input != sum ||
        !isArg(p.residual.getLhs()) || !isArg(p.residual.getRhs()))
      return kernel.emitOpError()
                 << "a residual add fuses into a layernorm or rmsnorm of its "
                    "sum, adding two inputs of the sum's shape",
             failure();
    for (auto [i, v] : llvm::enumerate(yield->getOperands()))
      if (v == sum)
        p.sumResult = static_cast<int64_t>(i);
      else if (v == p.op->getResult(0))
        p.normResult = static_cast<int64_t>(i);
    if (yield->getNumOperands() != (p.sumResult >= 0 ? 2u : 1u))
      return kernel.emitOpError()
                 << "must yield the norm's result and, optionally, the sum",
             failure();
  } else if (yield->getNumOperands() != 1 ||
             yield->getOperand(0) != p.op->getResult(0)) {
    return kernel.emitOpError() << "must yield the row-wise op's result",
           failure();
  }
  return success();
}

/// The accesses, threads and staging of a row-wise problem whose shape
/// `analyzeRows` checked; `windows`: rows that are not whole 16-byte chunks
/// go in head, tail and 16-byte windows where that fits in registers or
/// they are streamed.
RowProblem configureRows(RowProblem p, bool windows,
                         const fused::Target &target) {
  bool affine = p.weight || p.bias;
  // Each thread accesses `vector` consecutive elements of every operand:
  // 16 bytes of the widest element type (so that the warp's accesses to
  // each operand are contiguous), fewer when the row length is not a
  // multiple of that; every access then stays aligned to its size.
  int64_t widest = p.widestBytes();
  p.vector = 16 / widest;
  while (p.vector > 1 && p.n % p.vector != 0)
    p.vector /= 2;
  int64_t perThread = kRegisterElements;
  p.threads = std::clamp<int64_t>(powerOf2AtLeast((p.n + perThread - 1) /
                                                  perThread),
                                  32, 1024);
  int64_t accesses = p.n / p.vector;
  p.chunks = (accesses + p.threads - 1) / p.threads;
  p.inRegisters = p.chunks * p.vector <= kRegisterElements;
  int64_t full = 16 / elementBytes(p.elemType);
  if (p.inRegisters && windows) {
    // Not whole 16-byte chunks: head and tail by themselves, the rest in
    // 16-byte windows, when that still fits in registers.
    RowProblem q = p;
    q.headTail = true;
    q.vector = full;
    q.chunks = (q.accesses() + q.threads - 1) / q.threads;
    if (q.chunks * q.vector <= kRegisterElements)
      p = q;
  }
  if (!p.inRegisters) {
    // Streamed rows: 512 threads leave each 128 registers, two blocks per
    // SM keep the loads in flight.
    p.threads = 512;
    if (windows) {
      p.headTail = true;
      p.vector = full;
    }
    p.chunks = (p.accesses() + p.threads - 1) / p.threads;
    if (p.headTail && affine) {
      p.paramPlanes = p.vector;
      p.stagedParams = true;
    }
    p.inShared = partialsBytes(p) + stagedRowBytes(p) +
                     stagedParamBytes(p, p.weight) +
                     stagedParamBytes(p, p.bias) <=
                 target.limits.maxSharedMemoryPerBlock;
  } else if (affine) {
    // Weights and biases are read from global memory once per block:
    // enough rows per block that they add at most 1/32 to the bytes the
    // rows move (16 to 64 rows; fewer when there are fewer).
    auto [rowBytes, paramBytes] = bytesPerElement(p);
    p.rowsPerBlock = std::clamp<int64_t>(
        (32 * paramBytes + rowBytes - 1) / rowBytes, 1, 64);
    if (!p.dynamic)
      p.rowsPerBlock = std::min(p.rowsPerBlock, p.rows);
    // Rows of one warp: up to eight warps per block, each normalising its
    // share of the block's rows with the parameters from shared memory.
    if (p.threads == 32) {
      p.groups = std::min<int64_t>(8, p.rowsPerBlock);
      p.rowsPerBlock = (p.rowsPerBlock + p.groups - 1) / p.groups * p.groups;
    }
    if (p.headTail)
      p.paramPlanes = p.vector;
    p.stagedParams =
        p.groups > 1 || !p.paramsInRegisters() || p.paramPlanes > 0;
    if (sharedBytes(p) > target.limits.maxSharedMemoryPerBlock &&
        !p.paramPlanes) {
      // Too long to stage: each row reads them.
      p.groups = 1;
      p.rowsPerBlock = 1;
      p.stagedParams = false;
    }
  }
  return p;
}


/// Rows of one warp that are not whole sectors, through shared memory by
/// flat ranges (RowProblem::flatRows): eight
/// warps per block, a row per warp in turn, element accesses in shared
/// memory; enough rows per block that the range is at least 1 KiB (a
/// sector shared with the next block adds at most 1/32) and that the
/// affine parameters (staged once per block) add at most 1/32.
RowProblem configureFlatRows(RowProblem p) {
  p.flatRows = true;
  p.vector = 1;
  p.threads = 32;
  p.chunks = (p.n + 31) / 32;
  p.inRegisters = true;
  p.groups = 8;
  auto [rowBytes, paramBytes] = bytesPerElement(p);
  int64_t bytes = p.n * elementBytes(p.elemType);
  int64_t rows = std::max<int64_t>((1024 + bytes - 1) / bytes,
                                   (32 * paramBytes + rowBytes - 1) /
                                       rowBytes);
  p.rowsPerBlock = std::clamp<int64_t>(rows, p.groups, 64);
  if (!p.dynamic)
    p.rowsPerBlock = std::min(p.rowsPerBlock, p.rows);
  p.groups = std::min(p.groups, p.rowsPerBlock);
  p.rowsPerBlock = (p.rowsPerBlock + p.groups - 1) / p.groups * p.groups;
  p.stagedParams = p.weight || p.bias;
  return p;
}

/// A row of any length, known when the kernel runs: a block of
/// kDynamicThreads per row streams it in two passes, staging it in shared
/// memory when it holds at most `n` (what kDynamicStageBytes take). The
/// accesses are 16 bytes of the widest type where the row length turns out
/// to be a whole number of them, single elements otherwise (one uniform
/// branch); the affine parameters are read with the row's accesses.
constexpr int64_t kDynamicThreads = 256;
constexpr int64_t kDynamicStageBytes = 48 * 1024;

RowProblem configureDynamicLength(RowProblem p, bool aligned) {
  int64_t widest = p.widestBytes();
  p.vector = aligned ? 16 / widest : 1;
  p.threads = kDynamicThreads;
  p.inRegisters = false;
  p.inShared = true;
  p.n = (kDynamicStageBytes - partialsBytes(p)) / elementBytes(p.elemType);
  p.n -= p.n % (16 / elementBytes(p.elemType));
  p.chunks = 0; // from the length, when the kernel runs
  return p;
}

/// Dynamic sizes (?) in a row-wise kernel: the first dimension (rows) and
/// the last (the row length, and the affine parameters' length with it).
LogicalResult checkRowDynamicDims(KernelOp kernel) {
  SmallVector<Value> values(kernel.getInputs());
  llvm::append_range(values, kernel.getResults());
  for (Value v : values) {
    auto t = cast<RankedTensorType>(v.getType());
    for (int64_t d = 1; d + 1 < t.getRank(); ++d)
      if (t.isDynamicDim(d))
        return kernel.emitOpError()
                   << "row-wise code generation takes dynamic sizes (?) in "
                      "the first and last dimensions only, got "
                   << t,
               failure();
  }
  return success();
}

FailureOr<RowProblem> analyzeRows(KernelOp kernel,
                                  const fused::Target &target) {
  RowProblem p;
  if (failed(matchRowKernel(kernel, p)) ||
      failed(checkRowDynamicDims(kernel)))
    return failure();
  auto t = cast<RankedTensorType>(p.input.getType());
  p.dynamicLength = t.isDynamicDim(t.getRank() - 1);
  p.dynamic = t.getRank() >= 2 && t.isDynamicDim(0);
  p.elemType = t.getElementType();
  if (!p.elemType.isF16() && !p.elemType.isBF16() && !p.elemType.isF32())
    return p.op->emitOpError()
               << "row-wise code generation supports f16, bf16 and f32, got "
               << p.elemType,
           failure();
  for (Value v : {p.weight, p.bias})
    if (v && !isa<FloatType>(cast<RankedTensorType>(v.getType())
                                 .getElementType()))
      return p.op->emitOpError() << "affine parameters must be floats",
             failure();
  p.n = t.getShape().back();
  p.rows = 1;
  for (int64_t d = p.dynamic ? 1 : 0; d + 1 < t.getRank(); ++d)
    p.rows *= t.getDimSize(d);
  if ((!p.dynamicLength && p.n == 0) || p.rows == 0)
    return p.op->emitOpError() << "code generation needs non-empty rows, got "
                               << t,
           failure();
  if (p.dynamicLength)
    return configureDynamicLength(p, ::fused::inputsStartAligned(kernel, 16));
  // Rows that are not whole 16-byte chunks, not through a view that starts
  // off a 16-byte boundary (the windows assume the buffer's base is on
  // one): head, tail and windows, where the affine parameters' planes fit
  // in shared memory (beside the row, for streamed rows).
  int64_t full = 16 / elementBytes(p.elemType);
  bool aligned = ::fused::inputsStartAligned(kernel, 16);
  // Rows under 1 KiB that are not whole sectors, where a sector shared
  // with the next row would add more than 1/32: by flat ranges.
  int64_t rowBytes = p.n * elementBytes(p.elemType);
  if (aligned && rowBytes % 32 != 0 && rowBytes < 1024 &&
      (p.dynamic || p.rows > 1)) {
    RowProblem q = configureFlatRows(p);
    if (sharedBytes(q) <= target.limits.maxSharedMemoryPerBlock)
      return q;
  }
  bool windows = p.n % full != 0 && aligned;
  RowProblem q = configureRows(p, windows, target);
  if (q.paramPlanes &&
      (sharedBytes(q) > target.limits.maxSharedMemoryPerBlock ||
       (!q.inRegisters && !q.inShared)))
    q = configureRows(p, false, target);
  return q;
}

/// Where element `q` of an affine parameter of element type `et` lies in
/// its copy by planes (RowProblem::paramPlanes).
Value planeIndex(RB &r, const RowProblem &p, Type et, Value q) {
  return r.addi(r.muli(r.remi(q, p.paramPlanes), p.planeStride(et)),
                r.divi(q, p.paramPlanes));
}

/// How the kernel reads and writes a row.
struct RowAccess {
  RB &r;
  const RowProblem &p;
  Value in, out, weight, bias;
  SmallVector<Value> rowIndices; // leading indices of the row
  /// A residual add before the norm: the row is in + residual (rounded to
  /// the element type), stored to `sum` when the kernel returns it, on
  /// the row's first read (`storeSum`).
  Value residual, sum;
  bool storeSum = true;
  /// The row in shared memory (streamed rows that fit): the first pass
  /// stores each chunk there as it reads it, the second reads it back
  /// (`fromStaged`).
  Value staged;
  bool fromStaged = false;
  /// Rows with a head and tail: the head's length; access `e` is the
  /// window of row elements offset + e .. offset + e + vector.
  Value offset;

  /// The same access with builders at `nr`.
  RowAccess rebind(RB &nr) const {
    return RowAccess{nr,     p,        in,         out,
                     weight, bias,     rowIndices, residual,
                     sum,    storeSum, staged,     fromStaged,
                     offset};
  }

  SmallVector<Value> at(Value e) {
    SmallVector<Value> i(rowIndices);
    i.push_back(offset ? r.addi(e, offset) : e);
    return i;
  }
  /// The `vector` elements of `memref` at `indices`, as f32 values.
  SmallVector<Value> load(Value memref, ValueRange indices) {
    return loadF32(r, memref, indices, p.vector);
  }
  SmallVector<Value> loadRow(Value e) {
    if (staged && fromStaged)
      return load(staged, ValueRange{e});
    SmallVector<Value> x = load(in, at(e));
    if (residual) {
      SmallVector<Value> y = load(residual, at(e));
      for (auto [xi, yi] : llvm::zip(x, y))
        xi = r.roundTo(r.add(xi, yi), p.elemType);
      if (sum && storeSum)
        storeF32(r, x, sum, at(e));
    }
    if (staged)
      storeF32(r, x, staged, ValueRange{e});
    return x;
  }
  /// The row's first element.
  Value first() {
    SmallVector<Value> i0(rowIndices);
    i0.push_back(r.idx(0));
    Value x = r.toF32(memref::LoadOp::create(r.b, r.loc, in, i0));
    if (!residual)
      return x;
    Value y = r.toF32(memref::LoadOp::create(r.b, r.loc, residual, i0));
    return r.roundTo(r.add(x, y), p.elemType);
  }
  /// The affine parameter's `vector` elements for access `e` (a window
  /// with `offset`), from its planes in shared memory where the block
  /// staged them so (RowProblem::paramPlanes).
  SmallVector<Value> loadParam(Value param, Value e) {
    if (!p.paramPlanes)
      return load(param, ValueRange{e});
    Type et = cast<MemRefType>(param.getType()).getElementType();
    SmallVector<Value> values;
    for (int64_t i = 0; i < p.vector; ++i) {
      // A window's e is a multiple of the planes: element e + offset + i
      // lies at e / planes past where element offset + i does.
      Value index =
          offset ? r.addi(planeIndex(r, p, et, r.addi(offset, r.idx(i))),
                          r.divi(e, p.paramPlanes))
                 : planeIndex(r, p, et, r.addi(e, r.idx(i)));
      values.push_back(
          r.toF32(memref::LoadOp::create(r.b, r.loc, param, index)));
    }
    return values;
  }
  void store(ArrayRef<Value> values, Value e) {
    storeF32(r, values, out, at(e));
  }
};

/// `fn(e, values)` for each of this thread's chunks that holds elements:
/// chunk c starts at element (c * threads + tid) * vector. In registers the
/// chunks are unrolled and `values` are their loaded elements; each call
/// happens inside a guard (access < `bound`, the row's accesses) where a
/// chunk may lie past the end.
void forEachChunk(RB &r, const RowProblem &p, Value tid, Value bound,
                  function_ref<void(OpBuilder &, int64_t, Value)> fn) {
  int64_t accesses = p.sureAccesses();
  for (int64_t c = 0; c < p.chunks; ++c) {
    Value access = r.addi(tid, r.idx(c * p.threads));
    bool full = (c + 1) * p.threads <= accesses;
    if (full) {
      fn(r.b, c, r.muli(access, p.vector));
      continue;
    }
    auto ifOp = scf::IfOp::create(r.b, r.loc, r.ult(access, bound), false);
    OpBuilder ib = OpBuilder::atBlockBegin(ifOp.thenBlock());
    RB ir{ib, r.loc};
    fn(ib, c, ir.muli(access, p.vector));
  }
}

/// Every chunk of this thread, loaded by `load` (neutral values where the
/// chunk is past the end), as f32.
SmallVector<SmallVector<Value>>
loadChunksWith(RB &r, const RowProblem &p, Value tid, Value bound,
               double neutral,
               function_ref<SmallVector<Value>(RB &, Value e)> load) {
  int64_t accesses = p.sureAccesses();
  SmallVector<SmallVector<Value>> chunks;
  Type f32 = r.b.getF32Type();
  for (int64_t c = 0; c < p.chunks; ++c) {
    Value access = r.addi(tid, r.idx(c * p.threads));
    Value e = r.muli(access, p.vector);
    if ((c + 1) * p.threads <= accesses) {
      chunks.push_back(load(r, e));
      continue;
    }
    SmallVector<Type> types(p.vector, f32);
    auto ifOp = scf::IfOp::create(r.b, r.loc, types, r.ult(access, bound),
                                  /*withElseRegion=*/true);
    {
      OpBuilder tb = OpBuilder::atBlockBegin(ifOp.thenBlock());
      RB tr{tb, r.loc};
      scf::YieldOp::create(tb, r.loc, load(tr, e));
    }
    {
      OpBuilder eb = OpBuilder::atBlockBegin(ifOp.elseBlock());
      RB er{eb, r.loc};
      SmallVector<Value> n(p.vector, er.f(neutral));
      scf::YieldOp::create(eb, r.loc, n);
    }
    chunks.push_back(SmallVector<Value>(ifOp.getResults()));
  }
  return chunks;
}

/// The row in registers.
SmallVector<SmallVector<Value>> loadChunks(RB &r, RowAccess &a, Value tid,
                                           Value bound, double neutral) {
  return loadChunksWith(r, a.p, tid, bound, neutral, [&](RB &lr, Value e) {
    RowAccess la = a.rebind(lr);
    return la.loadRow(e);
  });
}

/// (x - mean) * scale, times the weight and plus the bias where there are
/// ones (empty: none).
SmallVector<Value> normalize(RB &r, ArrayRef<Value> x, Value mean,
                             Value scale, ArrayRef<Value> weight,
                             ArrayRef<Value> bias) {
  SmallVector<Value> y;
  for (size_t i = 0; i < x.size(); ++i) {
    Value t = r.mul(r.sub(x[i], mean), scale);
    if (!weight.empty())
      t = r.mul(t, weight[i]);
    if (!bias.empty())
      t = r.add(t, bias[i]);
    y.push_back(t);
  }
  return y;
}

/// What building one row's computation needs.
struct RowContext {
  const RowProblem &p;
  OpBuilder &b;
  RB &r;
  Location loc;
  RowAccess &a;
  Value tid;
  BlockReduce &red;
  Value invN, negInf;
  /// Preloaded affine parameters per chunk (empty: load them per row).
  SmallVector<SmallVector<Value>> &weights, &biases;
  /// Whether the block loops over several rows.
  bool loopsRows;
  int64_t warps;
  /// The row's accesses of `vector` elements (with a head and tail, its
  /// whole windows), and its head and tail (RowProblem::headTail).
  Value windows;
  std::optional<WindowedRow> split;
  /// Streamed rows of a dynamic length: the passes' trip count (else
  /// RowProblem::chunks), and a layernorm's shift (the row's first
  /// element), loaded once for all the variants of the row.
  Value chunkCount = {}, first = {};
};

/// A row's head and tail (RowProblem::headTail, WindowedRow): loaded and
/// stored one element per thread, each part in an access of its own.
struct RowEdges {
  RowContext &c;
  /// The same problem, one element per access.
  RowProblem single;
  Value headIn, tailIn, tailAt;

  explicit RowEdges(RowContext &ctx)
      : c(ctx), single(ctx.p), headIn(ctx.split->headIn),
        tailIn(ctx.split->tailIn), tailAt(ctx.split->tailAt) {
    single.vector = 1;
  }
  RowAccess access(RB &nr) const {
    RowAccess e = c.a.rebind(nr);
    return RowAccess{nr,       single,     e.in,         e.out,
                     e.weight, e.bias,     e.rowIndices, e.residual,
                     e.sum,    e.storeSum, Value(),      false,
                     Value()};
  }
  /// The element at `at` where `in` holds, else `neutral`.
  Value load(Value in, Value at, double neutral) {
    return load(in, at, c.r.f(neutral));
  }
  Value load(Value in, Value at, Value neutral) {
    RB &r = c.r;
    auto ifOp = scf::IfOp::create(r.b, r.loc, TypeRange{r.b.getF32Type()}, in,
                                  /*withElseRegion=*/true);
    OpBuilder tb = OpBuilder::atBlockBegin(ifOp.thenBlock());
    RB tr{tb, r.loc};
    RowAccess ta = access(tr);
    scf::YieldOp::create(tb, r.loc, ta.loadRow(at));
    OpBuilder eb = OpBuilder::atBlockBegin(ifOp.elseBlock());
    scf::YieldOp::create(eb, r.loc, neutral);
    return ifOp.getResult(0);
  }
  /// Where an edge element's affine parameters are read: `at` where `in`
  /// holds (they are read by every thread, and used by those that hold the
  /// element), else an element that threads holding one read too, in the
  /// same 4-byte word (a broadcast, not a bank conflict): the head's first,
  /// or the tail's first (the row's last when it has no tail).
  Value paramAt(Value in, Value at) {
    if (!c.p.paramPlanes)
      return at;
    RB &r = c.r;
    Value other =
        in == headIn ? r.idx(0)
                     : arith::MinUIOp::create(r.b, r.loc, c.split->tailStart,
                                              r.idx(c.p.n - 1))
                           .getResult();
    return r.select(in, at, other);
  }
  /// The affine parameters of the edge element at `at` (none: empty).
  std::pair<SmallVector<Value>, SmallVector<Value>> params(Value in,
                                                           Value at) {
    RowAccess a = access(c.r);
    Value q = paramAt(in, at);
    SmallVector<Value> w, bi;
    if (a.weight)
      w = a.loadParam(a.weight, q);
    if (a.bias)
      bi = a.loadParam(a.bias, q);
    return {w, bi};
  }
  /// Stores `value` at `at` where `in` holds.
  void store(Value in, Value at, Value value) {
    RB &r = c.r;
    auto ifOp = scf::IfOp::create(r.b, r.loc, in, false);
    OpBuilder tb = OpBuilder::atBlockBegin(ifOp.thenBlock());
    RB tr{tb, r.loc};
    RowAccess ta = access(tr);
    ta.store({value}, at);
  }
};

/// A row held in registers: its reductions, then each chunk finished and
/// stored.
void buildRowInRegisters(RowContext &c) {
  const RowProblem &p = c.p;
  OpBuilder &b = c.b;
  RB &r = c.r;
  Location loc = c.loc;
  RowAccess &a = c.a;
  Value tid = c.tid;
  BlockReduce &red = c.red;
  Value invN = c.invN, negInf = c.negInf;
  auto &weights = c.weights;
  auto &biases = c.biases;
  // The reductions, then `finishFn` on each chunk.
  std::function<SmallVector<Value>(RB &, RowAccess &, int64_t, Value,
                                   ArrayRef<Value>)>
      finishFn;
  double neutral = p.kind == RowOp::Softmax
                       ? -std::numeric_limits<double>::infinity()
                       : 0.0;
  SmallVector<SmallVector<Value>> x =
      loadChunks(r, a, tid, c.windows, neutral);
  // The head and tail element of this thread (`neutral` where it has none),
  // as two more chunks of one element.
  std::optional<RowEdges> edges;
  if (p.headTail) {
    edges.emplace(c);
    x.push_back({edges->load(edges->headIn, tid, neutral)});
    x.push_back({edges->load(edges->tailIn, edges->tailAt, neutral)});
  }
  if (p.kind == RowOp::Softmax) {
    Value m = negInf;
    for (auto &c : x)
      for (Value v : c)
        m = r.max(m, v);
    m = red.reduce(m, /*isMax=*/true);
    Value s = r.f(0);
    for (auto &c : x)
      for (Value &v : c) {
        v = r.expShifted(v, m);
        s = r.add(s, v);
      }
    s = red.reduce(s, false);
    // A row that is -inf everywhere sums to 0: its result is 0.
    Value inv = r.reciprocalOrZero(s);
    finishFn = [inv](RB &fr, RowAccess &, int64_t, Value,
                     ArrayRef<Value> e) {
      SmallVector<Value> y;
      for (Value v : e)
        y.push_back(fr.mul(v, inv));
      return y;
    };
  } else {
    Value mean = r.f(0);
    if (p.kind == RowOp::LayerNorm) {
      Value s = r.f(0);
      for (auto &c : x)
        for (Value v : c)
          s = r.add(s, v);
      mean = r.mul(red.reduce(s, false), invN);
    }
    // Squares about the mean (0 for rmsnorm); chunks past the end hold 0
    // and must not count, nor a head or tail element a thread has not.
    Value q = r.f(0);
    int64_t accesses = p.sureAccesses();
    for (int64_t ci = 0; ci < static_cast<int64_t>(x.size()); ++ci) {
      Value valid;
      if (ci >= p.chunks)
        valid = ci == p.chunks ? edges->headIn : edges->tailIn;
      else if (ci + 1 > accesses / p.threads)
        valid = r.ult(r.addi(tid, r.idx(ci * p.threads)), c.windows);
      for (Value v : x[ci]) {
        Value d = r.sub(v, mean);
        Value sq = r.mul(d, d);
        q = r.add(q, valid ? r.select(valid, sq, r.f(0)) : sq);
      }
    }
    Value var = r.mul(red.reduce(q, false), invN);
    Value scale = r.rsqrt(r.add(var, r.f(p.epsilon)));
    finishFn = [mean, scale, &weights, &biases](
                   RB &fr, RowAccess &fa, int64_t c, Value e,
                   ArrayRef<Value> v) {
      SmallVector<Value> w, bi;
      if (fa.weight)
        w = weights.empty() ? fa.loadParam(fa.weight, e) : weights[c];
      if (fa.bias)
        bi = biases.empty() ? fa.loadParam(fa.bias, e) : biases[c];
      return normalize(fr, v, mean, scale, w, bi);
    };
  }
  forEachChunk(r, p, tid, c.windows, [&](OpBuilder &cb, int64_t c, Value e) {
    RB cr{cb, loc};
    RowAccess ca = a.rebind(cr);
    ca.store(finishFn(cr, ca, c, e, x[c]), e);
  });
  if (edges) {
    // Head and tail, each stored by its own instruction.
    RowAccess ea = edges->access(r);
    edges->store(edges->headIn, tid,
                 finishFn(r, ea, p.chunks, edges->paramAt(edges->headIn, tid),
                          x[p.chunks])[0]);
    edges->store(edges->tailIn, edges->tailAt,
                 finishFn(r, ea, p.chunks + 1,
                          edges->paramAt(edges->tailIn, edges->tailAt),
                          x[p.chunks + 1])[0]);
  }
  if (c.loopsRows && c.warps > 1)
    // The next row's reductions reuse the partials' slots.
    gpu::BarrierOp::create(b, loc);
}

/// The passes over a streamed row: `step(e, acc)` on each of this
/// thread's accesses (access tid + i * threads, for the i of [lb, ub)
/// whose access is inside the row), carrying `init` through them.
struct ChunkLoop {
  RowContext &c;
  Value lb, ub, one;
  using Step = function_ref<SmallVector<Value>(RB &, RowAccess &, Value e,
                                               ValueRange acc)>;
  ValueRange operator()(ValueRange init, Step step) {
    const RowProblem &p = c.p;
    OpBuilder &b = c.b;
    Location loc = c.loc;
    Value tid = c.tid;
    RowAccess &a = c.a;
    // Without results the builders add the terminators themselves; ops
    // go in front of them.
    bool carries = !init.empty();
    auto loop = scf::ForOp::create(b, loc, lb, ub, one, init);
    OpBuilder lbld = OpBuilder::atBlockBegin(loop.getBody());
    RB lr{lbld, loc};
    Value access = lr.addi(tid, lr.muli(loop.getInductionVar(), p.threads));
    auto ifOp = scf::IfOp::create(lbld, loc, TypeRange(init),
                                  lr.ult(access, c.windows), carries);
    {
      OpBuilder tb = OpBuilder::atBlockBegin(ifOp.thenBlock());
      RB tr{tb, loc};
      RowAccess ta = a.rebind(tr);
      SmallVector<Value> next =
          step(tr, ta, tr.muli(access, p.vector), loop.getRegionIterArgs());
      if (carries)
        scf::YieldOp::create(tb, loc, next);
    }
    if (carries) {
      OpBuilder eb = OpBuilder::atBlockBegin(ifOp.elseBlock());
      scf::YieldOp::create(eb, loc, loop.getRegionIterArgs());
      scf::YieldOp::create(lbld, loc, ifOp.getResults());
    }
    return loop.getResults();
  }
};

/// A streamed row: one pass reduces (staging the row in shared memory when
/// it fits), the next reads it again (from there) and writes.
void buildRowStreamed(RowContext &c) {
  const RowProblem &p = c.p;
  RB &r = c.r;
  Location loc = c.loc;
  RowAccess &a = c.a;
  Value tid = c.tid;
  BlockReduce &red = c.red;
  Value invN = c.invN, negInf = c.negInf;
  // Streaming: pass 1 reduces, pass 2 reads again (the staged row when
  // there is one) and writes.
  Value lb = r.idx(0), one = r.idx(1);
  Value ub = c.chunkCount ? c.chunkCount : r.idx(p.chunks);
  ChunkLoop chunkLoop{c, lb, ub, one};
  if (p.kind == RowOp::Softmax) {
    // Online: a running maximum and a sum rescaled when it grows.
    ValueRange ms = chunkLoop(
        ValueRange{negInf, r.f(0)},
        [](RB &lr, RowAccess &la, Value e, ValueRange acc) {
          Value m = acc[0], s = acc[1];
          SmallVector<Value> x = la.loadRow(e);
          Value mNew = m;
          for (Value v : x)
            mNew = lr.max(mNew, v);
          s = lr.mul(s, lr.expShifted(m, mNew));
          for (Value v : x)
            s = lr.add(s, lr.expShifted(v, mNew));
          return SmallVector<Value>{mNew, s};
        });
    Value mt = ms[0], st = ms[1];
    // The head and tail elements (held in registers for the second pass).
    std::optional<RowEdges> edges;
    Value xh, xt;
    if (p.headTail) {
      edges.emplace(c);
      xh = edges->load(edges->headIn, tid, negInf);
      xt = edges->load(edges->tailIn, edges->tailAt, negInf);
      Value mNew = r.max(mt, r.max(xh, xt));
      st = r.add(r.mul(st, r.expShifted(mt, mNew)),
                 r.add(r.expShifted(xh, mNew), r.expShifted(xt, mNew)));
      mt = mNew;
    }
    Value m = red.reduce(mt, true);
    Value s = red.reduce(r.mul(st, r.expShifted(mt, m)), false);
    Value inv = r.reciprocalOrZero(s);
    chunkLoop(ValueRange{}, [m, inv](RB &lr, RowAccess &la, Value e,
                                     ValueRange) {
      la.fromStaged = true;
      SmallVector<Value> y;
      for (Value v : la.loadRow(e))
        y.push_back(lr.mul(lr.expShifted(v, m), inv));
      la.store(y, e);
      return SmallVector<Value>{};
    });
    if (edges) {
      edges->store(edges->headIn, tid, r.mul(r.expShifted(xh, m), inv));
      edges->store(edges->tailIn, edges->tailAt,
                   r.mul(r.expShifted(xt, m), inv));
    }
  } else {
    // Sums of (x - k) and (x - k)^2 with k the row's first element: the
    // variance without the cancellation of E[x^2] - E[x]^2.
    Value k = p.kind != RowOp::LayerNorm ? r.f(0)
              : c.first              ? c.first
                                     : a.first();
    ValueRange sums = chunkLoop(
        ValueRange{r.f(0), r.f(0)},
        [k](RB &lr, RowAccess &la, Value e, ValueRange acc) {
          Value s = acc[0], q = acc[1];
          for (Value v : la.loadRow(e)) {
            Value d = lr.sub(v, k);
            s = lr.add(s, d);
            q = lr.add(q, lr.mul(d, d));
          }
          return SmallVector<Value>{s, q};
        });
    Value sk = sums[0], qk = sums[1];
    std::optional<RowEdges> edges;
    Value xh, xt;
    if (p.headTail) {
      // The head and tail elements (k where a thread has none: they add
      // nothing), held in registers for the second pass.
      edges.emplace(c);
      xh = edges->load(edges->headIn, tid, k);
      xt = edges->load(edges->tailIn, edges->tailAt, k);
      for (Value x : {xh, xt}) {
        Value d = r.sub(x, k);
        sk = r.add(sk, d);
        qk = r.add(qk, r.mul(d, d));
      }
    }
    Value meanK = r.mul(red.reduce(sk, false), invN);
    Value q = r.mul(red.reduce(qk, false), invN);
    Value mean = r.add(meanK, k);
    Value var = p.kind == RowOp::LayerNorm
                    ? r.max(r.sub(q, r.mul(meanK, meanK)), r.f(0))
                    : q;
    Value scale = r.rsqrt(r.add(var, r.f(p.epsilon)));
    if (p.kind == RowOp::RMSNorm)
      mean = r.f(0);
    chunkLoop(ValueRange{}, [mean, scale](RB &lr, RowAccess &la, Value e,
                                          ValueRange) {
      SmallVector<Value> w, bi;
      if (la.weight)
        w = la.loadParam(la.weight, e);
      if (la.bias)
        bi = la.loadParam(la.bias, e);
      la.storeSum = false; // the first pass stored the sum
      la.fromStaged = true;
      SmallVector<Value> x = la.loadRow(e);
      la.store(normalize(lr, x, mean, scale, w, bi), e);
      return SmallVector<Value>{};
    });
    if (edges) {
      auto [wh, bh] = edges->params(edges->headIn, tid);
      edges->store(edges->headIn, tid,
                   normalize(r, {xh}, mean, scale, wh, bh)[0]);
      auto [wt, bt] = edges->params(edges->tailIn, edges->tailAt);
      edges->store(edges->tailIn, edges->tailAt,
                   normalize(r, {xt}, mean, scale, wt, bt)[0]);
    }
  }
}

/// Copies affine parameter `param` to `copy` in shared memory, the block's
/// threads taking consecutive accesses of `vector` elements.
void stageParam(RB &r, const RowProblem &p, Value tid, Value param,
                Value copy) {
  int64_t accesses = p.n / p.vector;
  auto loop = scf::ForOp::create(r.b, r.loc, tid, r.idx(accesses),
                                 r.idx(p.blockThreads()));
  OpBuilder lb = OpBuilder::atBlockBegin(loop.getBody());
  lb.setInsertionPoint(loop.getBody()->getTerminator());
  RB lr{lb, r.loc};
  Value e = lr.muli(loop.getInductionVar(), p.vector);
  storeF32(lr, loadF32(lr, param, ValueRange{e}, p.vector), copy,
           ValueRange{e});
}

/// Copies affine parameter `param` to `copy` in shared memory by planes
/// (RowProblem::paramPlanes): 16-byte chunks, the block's threads taking
/// consecutive ones, then the elements after the last whole chunk one per
/// thread.
void stageParamPlanes(RB &r, const RowProblem &p, Value tid, Value param,
                      Value copy) {
  Type et = cast<MemRefType>(param.getType()).getElementType();
  int64_t width = 16 / elementBytes(et), chunks = p.n / width;
  int64_t planes = p.paramPlanes;
  auto put = [&](RB &pr, Value q, Value v) {
    memref::StoreOp::create(pr.b, pr.loc, v, copy, planeIndex(pr, p, et, q));
  };
  if (chunks > 0) {
    auto loop = scf::ForOp::create(r.b, r.loc, tid, r.idx(chunks),
                                   r.idx(p.blockThreads()));
    OpBuilder lb = OpBuilder::atBlockBegin(loop.getBody());
    lb.setInsertionPoint(loop.getBody()->getTerminator());
    RB lr{lb, r.loc};
    Value first = lr.muli(loop.getInductionVar(), width);
    SmallVector<Value> chunk = loadF32(lr, param, ValueRange{first}, width);
    // A chunk wider than the planes puts `run` consecutive elements in
    // each plane (elements i, i + planes, ...): one store of them, as the
    // backend would merge them anyway.
    int64_t run = std::max<int64_t>(1, width / planes);
    for (int64_t i = 0; i < std::min(width, planes); ++i) {
      Value q = lr.addi(first, lr.idx(i));
      if (run == 1) {
        put(lr, q, lr.fromF32(chunk[i], et));
        continue;
      }
      SmallVector<Value> parts;
      for (int64_t j = 0; j < run; ++j)
        parts.push_back(lr.fromF32(chunk[i + j * planes], et));
      Value v = vector::FromElementsOp::create(
          lb, r.loc, VectorType::get({run}, et), parts);
      vector::StoreOp::create(lb, r.loc, v, copy,
                              ValueRange{planeIndex(lr, p, et, q)},
                              /*nontemporal=*/false,
                              llvm::MaybeAlign(run * elementBytes(et)));
    }
  }
  if (int64_t rest = p.n - chunks * width) {
    auto ifOp = scf::IfOp::create(r.b, r.loc, r.ult(tid, r.idx(rest)), false);
    OpBuilder ib = OpBuilder::atBlockBegin(ifOp.thenBlock());
    RB ir{ib, r.loc};
    Value q = ir.addi(tid, ir.idx(chunks * width));
    put(ir, q, memref::LoadOp::create(ib, r.loc, param, q));
  }
}

/// A row of a dynamic length (RowProblem::dynamicLength), read from the
/// output's descriptor: nothing for an empty row; else streamed with
/// `p.vector` elements per access where the length is a multiple of it;
/// otherwise, without affine parameters (which would not share the
/// windows' alignment), in 16-byte windows from the row's first sector
/// boundary with its head and tail one element per thread
/// (RowProblem::headTail), and with them single elements. Staged in shared
/// memory where it fits.
void buildDynamicLengthRow(const RowProblem &p, RB &r, RowAccess &a,
                           Value tid, Value row, Value shared,
                           Value staged) {
  Location loc = r.loc;
  auto outType = cast<MemRefType>(a.out.getType());
  Value n = memref::DimOp::create(r.b, loc, a.out, outType.getRank() - 1);
  auto ifOp = scf::IfOp::create(r.b, loc, r.ult(r.idx(0), n), false);
  OpBuilder nb = OpBuilder::atBlockBegin(ifOp.thenBlock());
  RB nr{nb, loc};
  Value invN = nr.div(
      nr.f(1), arith::UIToFPOp::create(
                   nb, loc, nb.getF32Type(),
                   arith::IndexCastUIOp::create(nb, loc, nb.getI64Type(), n)));
  Value negInf = nr.f(-std::numeric_limits<float>::infinity());
  Value first;
  if (p.kind == RowOp::LayerNorm)
    first = a.rebind(nr).first();
  // One variant of the row: its accesses and whether it is staged.
  bool affine = p.weight || p.bias;
  int64_t full = 16 / elementBytes(p.elemType);
  auto variant = [&](OpBuilder &vb, int64_t vector, bool stage) {
    RB vr{vb, loc};
    RowProblem q = p;
    q.vector = vector;
    q.headTail = vector == 1 && p.vector > 1 && !affine;
    if (q.headTail)
      q.vector = full;
    RowAccess va{vr,     q,           a.in,     a.out,
                 a.weight, a.bias,    a.rowIndices, a.residual,
                 a.sum,  true,        stage ? staged : Value(),
                 false,  Value()};
    BlockReduce red{vr, tid, shared, p.threads / 32};
    SmallVector<SmallVector<Value>> noWeights, noBiases;
    RowContext c{q,       vb,       vr,    loc,    va,  tid, red, invN, negInf,
                 noWeights, noBiases, false, p.threads / 32};
    if (q.headTail) {
      c.split.emplace(vr, tid, arith::MulIOp::create(vb, loc, row, n), n,
                      q.vector, q.sector());
      c.windows = c.split->windows;
      va.offset = c.split->headLen;
    } else {
      c.windows = vr.divi(n, vector);
    }
    c.first = first;
    c.chunkCount = vr.divi(vr.addi(c.windows, vr.idx(p.threads - 1)),
                           p.threads);
    buildRowStreamed(c);
  };
  // Staged where the row fits in shared memory, else read twice.
  auto staging = [&](OpBuilder &vb, int64_t vector) {
    RB vr{vb, loc};
    Value fits = vr.ult(n, p.n + 1);
    auto sIf = scf::IfOp::create(vb, loc, fits, true);
    OpBuilder tb = OpBuilder::atBlockBegin(sIf.thenBlock());
    variant(tb, vector, true);
    OpBuilder eb = OpBuilder::atBlockBegin(sIf.elseBlock());
    variant(eb, vector, false);
  };
  if (p.vector == 1) {
    staging(nb, 1);
    return;
  }
  Value whole = arith::CmpIOp::create(nb, loc, arith::CmpIPredicate::eq,
                                      nr.remi(n, p.vector), nr.idx(0));
  auto vIf = scf::IfOp::create(nb, loc, whole, true);
  OpBuilder tb = OpBuilder::atBlockBegin(vIf.thenBlock());
  staging(tb, p.vector);
  OpBuilder eb = OpBuilder::atBlockBegin(vIf.elseBlock());
  staging(eb, 1);
}

/// A block's rows through shared memory (RowProblem::flatRows): their
/// copies there and where the range starts.
struct FlatRows {
  Value in, residual;
  Value start, length, alignedStart;
};

/// Copies the block's `count` rows from `first` on (of `in` and of a
/// residual's other operand) to their flat copies in shared memory.
FlatRows copyRowsIn(RB &r, const RowProblem &p, FlatRows flat, Value tid,
                    Value first, Value count, Value in, Value residual) {
  int64_t full = 16 / elementBytes(p.elemType);
  flat.start = r.muli(first, p.n);
  flat.length = r.muli(count, p.n);
  flat.alignedStart = arith::SubIOp::create(r.b, r.loc, flat.start,
                                            r.remi(flat.start, full));
  copyFlat(r, flatRange(p), tid, flatView(r.b, r.loc, in), flat.in, flat.start,
           flat.length, flat.alignedStart, true);
  if (residual)
    copyFlat(r, flatRange(p), tid, flatView(r.b, r.loc, residual), flat.residual,
             flat.start, flat.length, flat.alignedStart, true);
  gpu::BarrierOp::create(r.b, r.loc);
  return flat;
}

/// A row kernel's shared memory (the layout of sharedBytes): the
/// reductions' partials, the staged row, the affine parameters (copied
/// there, `weight` and `bias` then naming the copies) and the flat copies
/// of the block's rows.
struct RowShared {
  Value partials, staged;
  FlatRows flat;
};

RowShared setUpRowShared(const RowProblem &p, RB &r, Value blockTid,
                         Value &weight, Value &bias) {
  RowShared sm;
  if (sharedBytes(p) == 0)
    return sm;
  OpBuilder &b = r.b;
  Location loc = r.loc;
  int64_t warps = p.threads / 32;
  auto wg = gpu::AddressSpaceAttr::get(b.getContext(),
                                       gpu::AddressSpace::Workgroup);
  auto baseType = MemRefType::get({ShapedType::kDynamic}, b.getI8Type(),
                                  MemRefLayoutAttrInterface(), wg);
  Value base = gpu::DynamicSharedMemoryOp::create(b, loc, baseType);
  if (warps > 1) {
    auto viewType = MemRefType::get({2, warps}, b.getF32Type(),
                                    MemRefLayoutAttrInterface(), wg);
    sm.partials = memref::ViewOp::create(b, loc, viewType, base, r.idx(0),
                                         ValueRange{});
  }
  // The staged row, after the partials (16-byte aligned).
  if (p.inShared)
    sm.staged = memref::ViewOp::create(
        b, loc,
        MemRefType::get({p.n}, p.elemType, MemRefLayoutAttrInterface(), wg),
        base, r.idx(partialsBytes(p)), ValueRange{});
  // The staged weight and bias, after the partials and the staged row
  // (the layout of sharedBytes).
  int64_t offset = partialsBytes(p) + (p.inShared ? stagedRowBytes(p) : 0);
  for (Value *param : {&weight, &bias}) {
    if (!*param || !p.stagedParams)
      continue;
    Type et = cast<MemRefType>(param->getType()).getElementType();
    int64_t elements =
        p.paramPlanes ? p.paramPlanes * p.planeStride(et) : p.n;
    Value copy = memref::ViewOp::create(
        b, loc,
        MemRefType::get({elements}, et, MemRefLayoutAttrInterface(), wg),
        base, r.idx(offset), ValueRange{});
    if (p.paramPlanes)
      stageParamPlanes(r, p, blockTid, *param, copy);
    else
      stageParam(r, p, blockTid, *param, copy);
    offset += stagedParamBytes(p, *param);
    *param = copy;
  }
  if (p.stagedParams)
    gpu::BarrierOp::create(b, loc);
  // The flat copies of the block's rows, after the parameters.
  for (Value *copy : {&sm.flat.in, &sm.flat.residual}) {
    if (!p.flatRows || (copy == &sm.flat.residual && !p.residual))
      continue;
    int64_t bytes = flatBufferBytes(p);
    *copy = memref::ViewOp::create(
        b, loc,
        MemRefType::get({bytes / elementBytes(p.elemType)}, p.elemType,
                        MemRefLayoutAttrInterface(), wg),
        base, r.idx(offset), ValueRange{});
    offset += bytes;
  }
  return sm;
}

LogicalResult buildRowKernel(const RowProblem &p, KernelOp kernelOp,
                             gpu::GPUFuncOp kernel) {
  Location loc = p.op->getLoc();
  Block &entry = kernel.getBody().front();
  OpBuilder b = OpBuilder::atBlockEnd(&entry);
  RB r{b, loc};
  Block &body = kernelOp.getBody().front();
  auto argOf = [&](Value v) -> Value {
    return v ? entry.getArgument(cast<BlockArgument>(v).getArgNumber())
             : Value();
  };
  Value out = entry.getArgument(body.getNumArguments() + p.normResult);
  Value blockTid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  Value bid = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
  // The thread's place in its row; with several warps normalising rows
  // each, its lane and its warp.
  Value tid = p.groups > 1 ? r.remi(blockTid, 32) : blockTid;
  Value group = p.groups > 1 ? r.divi(blockTid, 32) : Value();

  // Shared memory for the reductions' partials: 2 slots of one f32 per
  // warp.
  int64_t warps = p.threads / 32;
  Value weight = argOf(p.weight), bias = argOf(p.bias);
  // The row's input: a residual add's two operands, or the op's input.
  AddOp add = p.residual;
  Value inputArg = argOf(add ? add.getLhs() : p.input);
  Value residualArg = add ? argOf(add.getRhs()) : Value();
  Value sumArg = p.sumResult >= 0 ? entry.getArgument(body.getNumArguments() +
                                                      p.sumResult)
                                  : Value();
  RowShared sm = setUpRowShared(p, r, blockTid, weight, bias);
  Value shared = sm.partials, staged = sm.staged;
  FlatRows flat = sm.flat;
  BlockReduce red{r, tid, shared, warps};
  Value invN = r.f(1.0 / double(p.n));
  Value negInf = r.f(-std::numeric_limits<float>::infinity());

  // With several rows per block: the affine parameters of this thread's
  // chunks, loaded once, and a loop over the block's rows.
  SmallVector<SmallVector<Value>> weights, biases;
  scf::ForOp rowLoop;
  Value row = bid;
  if (p.rowsPerBlock > 1) {
    auto params = [&](Value param) {
      return loadChunksWith(r, p, tid, r.idx(p.accesses()), 0.0,
                            [&](RB &lr, Value e) {
        RowAccess la{lr, p, Value(), out, Value(), Value(), {}};
        return la.loadParam(param, e);
      });
    };
    if (p.paramsInRegisters() && !p.paramPlanes) {
      if (weight)
        weights = params(weight);
      if (bias)
        biases = params(bias);
    }
    Value first = r.muli(bid, p.rowsPerBlock);
    // The row count; with a dynamic first dimension, from the output's
    // descriptor.
    Value rows = timesDynamicSizes(r, out, p.rows);
    Value count = arith::MinSIOp::create(
        b, loc, r.idx(p.rowsPerBlock),
        arith::SubIOp::create(b, loc, rows, first));
    if (p.flatRows)
      flat = copyRowsIn(r, p, flat, blockTid, first, count, inputArg,
                        residualArg);
    // Warp `group` takes rows group, group + groups, ... of the block's.
    rowLoop = scf::ForOp::create(b, loc, group ? group : r.idx(0), count,
                                 r.idx(p.groups));
    b.setInsertionPointToStart(rowLoop.getBody());
    row = r.addi(first, rowLoop.getInductionVar());
  }

  // The row's leading indices: the row number, delinearized.
  auto shape = cast<RankedTensorType>(p.input.getType()).getShape();
  SmallVector<Value> rowIndices(shape.size() - 1);
  Value rest = row;
  for (int64_t d = static_cast<int64_t>(shape.size()) - 2; d >= 0; --d) {
    rowIndices[d] = d == 0 ? rest : r.remi(rest, shape[d]);
    if (d > 0)
      rest = r.divi(rest, shape[d]);
  }
  RowAccess a{r, p, inputArg, out, weight, bias, rowIndices, residualArg,
              sumArg};
  a.staged = staged;
  if (p.flatRows) {
    // The row in the flat copies, normalised in place (a thread reads its
    // elements before it writes them), the sum over the residual's.
    a.in = a.out = flat.in;
    a.residual = flat.residual;
    a.sum = sumArg ? flat.residual : Value();
    a.rowIndices.clear();
    a.offset = arith::SubIOp::create(b, loc, r.muli(row, p.n),
                                     flat.alignedStart);
  }

  if (p.dynamicLength) {
    buildDynamicLengthRow(p, r, a, tid, row, shared, staged);
    gpu::ReturnOp::create(b, loc);
    return success();
  }
  RowContext c{p,     b,       r,        loc, a, tid, red, invN, negInf,
               weights, biases, static_cast<bool>(rowLoop), warps};
  if (p.headTail) {
    c.split.emplace(r, tid, r.muli(row, p.n), p.n, p.vector, p.sector());
    c.windows = c.split->windows;
    a.offset = c.split->headLen;
  } else {
    c.windows = r.idx(p.accesses());
  }
  if (p.inRegisters)
    buildRowInRegisters(c);
  else
    buildRowStreamed(c);
  if (rowLoop)
    b.setInsertionPointAfter(rowLoop);
  if (p.flatRows) {
    gpu::BarrierOp::create(b, loc);
    copyFlat(r, flatRange(p), blockTid, flatView(b, loc, out), flat.in, flat.start,
             flat.length, flat.alignedStart, false);
    if (sumArg)
      copyFlat(r, flatRange(p), blockTid, flatView(b, loc, sumArg), flat.residual,
               flat.start, flat.length, flat.alignedStart, false);
  }
  gpu::ReturnOp::create(b, loc);
  return success();
}

/// A softmax over an axis other than the last: the input as [outer, K,
/// inner] (K the softmax axis). Where one outer index's slab (K x inner
/// elements, contiguous in memory) fits in 48 KiB, a block per outer index
/// copies it to shared memory with 16-byte accesses (where the innermost
/// dimension allows), a thread per inner index computes its column there,
/// and the block copies the slab out: each element read and written once,
/// every warp's accesses contiguous. Otherwise each thread owns `vector`
/// consecutive elements of the inner part for one outer index and walks
/// K: the column stays in registers when K x vector elements fit (read
/// once), else it is read twice, once for the running maximum and sum,
/// once to write.
struct ColumnSoftmax {
  SoftmaxOp op;
  SmallVector<int64_t> shape;
  int64_t axis = 0, outer = 1, k = 1, inner = 1, vector = 1;
  Type elemType;
  /// A dynamic first dimension: left out of outer (or of k when the axis
  /// is 0, then walked to its size).
  bool dynamic = false;
  static constexpr int64_t kThreads = 256;

  bool dynamicK() const { return dynamic && axis == 0; }
  bool inRegisters() const {
    return !dynamicK() && k * vector <= kRegisterElements;
  }
  int64_t slabBytes() const { return k * inner * elementBytes(elemType); }
  bool inSlab() const { return !dynamicK() && slabBytes() <= 48 * 1024; }
  int64_t threadsTotal() const { return outer * (inner / vector); }
  int64_t blocks() const { return (threadsTotal() + kThreads - 1) / kThreads; }
};

/// The column softmax of `kernel`, nothing when it holds no softmax over a
/// non-last axis, or an error.
FailureOr<std::optional<ColumnSoftmax>> analyzeColumns(KernelOp kernel) {
  Block &body = kernel.getBody().front();
  auto ops = body.without_terminator();
  if (std::distance(ops.begin(), ops.end()) != 1)
    return std::optional<ColumnSoftmax>();
  auto sm = dyn_cast<SoftmaxOp>(*ops.begin());
  if (!sm)
    return std::optional<ColumnSoftmax>();
  auto t = cast<RankedTensorType>(sm.getInput().getType());
  if (sm.getNormalizedAxis() == t.getRank() - 1)
    return std::optional<ColumnSoftmax>();
  ColumnSoftmax c;
  c.op = sm;
  c.axis = sm.getNormalizedAxis();
  for (int64_t d = 1; d < t.getRank(); ++d)
    if (t.isDynamicDim(d))
      return sm.emitOpError()
                 << "code generation of a softmax over an axis other than "
                    "the last takes a dynamic size (?) in the first "
                    "dimension only, got "
                 << t,
             failure();
  c.dynamic = t.isDynamicDim(0);
  c.elemType = t.getElementType();
  if (!c.elemType.isF16() && !c.elemType.isBF16() && !c.elemType.isF32())
    return sm.emitOpError()
               << "softmax code generation supports f16, bf16 and f32, got "
               << c.elemType,
           failure();
  c.shape.assign(t.getShape().begin(), t.getShape().end());
  for (int64_t d = c.dynamic ? 1 : 0; d < t.getRank(); ++d)
    (d < c.axis ? c.outer : d == c.axis ? c.k : c.inner) *= c.shape[d];
  if (c.outer * c.k * c.inner == 0)
    return sm.emitOpError() << "code generation needs a non-empty input, got "
                            << t,
           failure();
  c.vector = 16 / elementBytes(c.elemType);
  while (c.vector > 1 && c.shape.back() % c.vector != 0)
    c.vector /= 2;
  // A view that starts off a 16-byte boundary: element accesses.
  if (!::fused::inputsStartAligned(kernel, 16))
    c.vector = 1;
  return std::optional<ColumnSoftmax>(c);
}

/// Whether `kernel` is a column softmax: the row kernels reduce across
/// threads with warp shuffles, a column softmax within each thread.
bool isColumnSoftmax(gpu::GPUFuncOp kernel) {
  bool shuffles = false;
  kernel.walk([&](gpu::ShuffleOp) { shuffles = true; });
  return !shuffles;
}

/// The slab kernel of ColumnSoftmax: one block per outer index.
void buildSlabSoftmax(const ColumnSoftmax &c, gpu::GPUFuncOp kernel) {
  Location loc = c.op->getLoc();
  MLIRContext *ctx = kernel.getContext();
  Block &entry = kernel.getBody().front();
  OpBuilder b = OpBuilder::atBlockEnd(&entry);
  RB r{b, loc};
  Value in = entry.getArgument(0), out = entry.getArgument(1);
  Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  Value outer = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
  ArrayRef<int64_t> shape(c.shape);
  SmallVector<Value> outerIndex =
      delinearize(r, outer, shape.take_front(c.axis));
  auto wg = gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup);
  Value base = gpu::DynamicSharedMemoryOp::create(
      b, loc,
      MemRefType::get({ShapedType::kDynamic}, b.getI8Type(),
                      MemRefLayoutAttrInterface(), wg));
  int64_t slab = c.k * c.inner;
  Value smem = memref::ViewOp::create(
      b, loc,
      MemRefType::get({slab}, c.elemType, MemRefLayoutAttrInterface(), wg),
      base, r.idx(0), ValueRange{});
  // Slab element f of this outer index, as an index of the input.
  auto at = [&](RB &lr, Value f) {
    SmallVector<Value> index(outerIndex);
    index.append(delinearize(lr, f, shape.drop_front(c.axis)));
    return index;
  };
  // The block's threads over the slab's accesses of `vector` elements.
  auto overSlab = [&](function_ref<void(RB &, Value f)> body) {
    int64_t accesses = slab / c.vector;
    auto loop = scf::ForOp::create(b, loc, tid, r.idx(accesses),
                                   r.idx(ColumnSoftmax::kThreads));
    OpBuilder lb = OpBuilder::atBlockBegin(loop.getBody());
    lb.setInsertionPoint(loop.getBody()->getTerminator());
    RB lr{lb, loc};
    body(lr, lr.muli(loop.getInductionVar(), c.vector));
  };
  overSlab([&](RB &lr, Value f) {
    storeF32(lr, loadF32(lr, in, at(lr, f), c.vector), smem, ValueRange{f});
  });
  gpu::BarrierOp::create(b, loc);
  // A thread per column: its maximum, its sum, then its outputs in place.
  {
    auto loop = scf::ForOp::create(b, loc, tid, r.idx(c.inner),
                                   r.idx(ColumnSoftmax::kThreads));
    OpBuilder lb = OpBuilder::atBlockBegin(loop.getBody());
    lb.setInsertionPoint(loop.getBody()->getTerminator());
    RB lr{lb, loc};
    Value col = loop.getInductionVar();
    auto walk = [&](ValueRange init,
                    function_ref<SmallVector<Value>(RB &, Value x, Value at,
                                                    ValueRange acc)>
                        step) {
      auto kl = scf::ForOp::create(lb, loc, lr.idx(0), lr.idx(c.k),
                                   lr.idx(1), init);
      OpBuilder kb = OpBuilder::atBlockBegin(kl.getBody());
      if (init.empty())
        kb.setInsertionPoint(kl.getBody()->getTerminator());
      RB kr{kb, loc};
      Value e = kr.addi(kr.muli(kl.getInductionVar(), c.inner), col);
      Value x = loadF32(kr, smem, ValueRange{e}, 1)[0];
      SmallVector<Value> next = step(kr, x, e, kl.getRegionIterArgs());
      if (!init.empty())
        scf::YieldOp::create(kb, loc, next);
      return kl.getResults();
    };
    Value negInf = lr.f(-std::numeric_limits<double>::infinity());
    Value m = walk(ValueRange{negInf},
                   [](RB &kr, Value x, Value, ValueRange acc) {
                     return SmallVector<Value>{kr.max(acc[0], x)};
                   })[0];
    Value s = walk(ValueRange{lr.f(0)},
                   [m](RB &kr, Value x, Value, ValueRange acc) {
                     return SmallVector<Value>{
                         kr.add(acc[0], kr.expShifted(x, m))};
                   })[0];
    Value inv = lr.reciprocalOrZero(s);
    walk(ValueRange{}, [&](RB &kr, Value x, Value e, ValueRange) {
      storeF32(kr, {kr.mul(kr.expShifted(x, m), inv)}, smem, ValueRange{e});
      return SmallVector<Value>{};
    });
  }
  gpu::BarrierOp::create(b, loc);
  overSlab([&](RB &lr, Value f) {
    storeF32(lr, loadF32(lr, smem, ValueRange{f}, c.vector), out, at(lr, f));
  });
  gpu::ReturnOp::create(b, loc);
}

void buildColumnSoftmax(const ColumnSoftmax &c, gpu::GPUFuncOp kernel) {
  if (c.inSlab())
    return buildSlabSoftmax(c, kernel);
  Location loc = c.op->getLoc();
  Block &entry = kernel.getBody().front();
  OpBuilder b = OpBuilder::atBlockEnd(&entry);
  RB r{b, loc};
  Value in = entry.getArgument(0), out = entry.getArgument(1);
  Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  Value bid = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
  Value gid = r.addi(r.muli(bid, ColumnSoftmax::kThreads), tid);
  OpBuilder g = b;
  bool dynamicOuter = c.dynamic && !c.dynamicK();
  if (dynamicOuter ||
      c.blocks() * ColumnSoftmax::kThreads != c.threadsTotal()) {
    // The threads: with a dynamic outer part, times the input's first size.
    Value total = dynamicOuter
                      ? r.muli(memref::DimOp::create(b, loc, in, 0),
                               c.threadsTotal())
                      : r.idx(c.threadsTotal());
    auto guard = scf::IfOp::create(b, loc, r.ult(gid, total), false);
    g = OpBuilder::atBlockBegin(guard.thenBlock());
  }
  RB gr{g, loc};
  ArrayRef<int64_t> shape(c.shape);
  int64_t perOuter = c.inner / c.vector;
  SmallVector<Value> outerIndex =
      delinearize(gr, gr.divi(gid, perOuter), shape.take_front(c.axis));
  SmallVector<Value> innerIndex =
      delinearize(gr, gr.muli(gr.remi(gid, perOuter), c.vector),
                  shape.drop_front(c.axis + 1));
  auto at = [&](Value kv) {
    SmallVector<Value> index(outerIndex);
    index.push_back(kv);
    index.append(innerIndex);
    return index;
  };
  Value negInf = gr.f(-std::numeric_limits<double>::infinity());
  if (c.inRegisters()) {
    // The column in registers: read once.
    SmallVector<SmallVector<Value>> x;
    for (int64_t k = 0; k < c.k; ++k)
      x.push_back(loadF32(gr, in, at(gr.idx(k)), c.vector));
    for (int64_t l = 0; l < c.vector; ++l) {
      Value m = negInf;
      for (auto &xk : x)
        m = gr.max(m, xk[l]);
      Value s = gr.f(0);
      for (auto &xk : x) {
        xk[l] = gr.expShifted(xk[l], m);
        s = gr.add(s, xk[l]);
      }
      Value inv = gr.reciprocalOrZero(s);
      for (auto &xk : x)
        xk[l] = gr.mul(xk[l], inv);
    }
    for (int64_t k = 0; k < c.k; ++k)
      storeF32(gr, x[k], out, at(gr.idx(k)));
    gpu::ReturnOp::create(b, loc);
    return;
  }
  // Read twice: a running maximum and a sum rescaled when it grows, per
  // lane, then the outputs.
  SmallVector<Value> init(c.vector, negInf);
  init.append(c.vector, gr.f(0));
  // The column's length: the input's first size when it is dynamic.
  Value kLen = c.dynamicK() ? Value(memref::DimOp::create(g, loc, in, 0))
                            : gr.idx(c.k);
  auto pass1 = scf::ForOp::create(g, loc, gr.idx(0), kLen, gr.idx(1), init);
  {
    OpBuilder lb = OpBuilder::atBlockBegin(pass1.getBody());
    RB lr{lb, loc};
    SmallVector<Value> x =
        loadF32(lr, in, at(pass1.getInductionVar()), c.vector);
    ValueRange acc = pass1.getRegionIterArgs();
    SmallVector<Value> next(2 * c.vector);
    for (int64_t l = 0; l < c.vector; ++l) {
      Value m = acc[l], s = acc[c.vector + l];
      Value mNew = lr.max(m, x[l]);
      next[l] = mNew;
      next[c.vector + l] = lr.add(lr.mul(s, lr.expShifted(m, mNew)),
                                  lr.expShifted(x[l], mNew));
    }
    scf::YieldOp::create(lb, loc, next);
  }
  SmallVector<Value> m, inv;
  for (int64_t l = 0; l < c.vector; ++l) {
    m.push_back(pass1.getResult(l));
    Value s = pass1.getResult(c.vector + l);
    inv.push_back(
        gr.reciprocalOrZero(s));
  }
  auto pass2 = scf::ForOp::create(g, loc, gr.idx(0), kLen, gr.idx(1));
  {
    OpBuilder lb = OpBuilder::atBlockBegin(pass2.getBody());
    lb.setInsertionPoint(pass2.getBody()->getTerminator());
    RB lr{lb, loc};
    SmallVector<Value> x =
        loadF32(lr, in, at(pass2.getInductionVar()), c.vector);
    for (int64_t l = 0; l < c.vector; ++l)
      x[l] = lr.mul(lr.expShifted(x[l], m[l]), inv[l]);
    storeF32(lr, x, out, at(pass2.getInductionVar()));
  }
  gpu::ReturnOp::create(b, loc);
}

struct RowwiseStrategy : fused::MemoryBoundStrategy {
  explicit RowwiseStrategy(KernelKind kind) : k(kind) {}
  KernelKind kind() const override { return k; }
  bool roots(Operation *op) const override {
    return k == KernelKind::softmax ? isa<SoftmaxOp>(op)
                                    : isa<LayerNormOp, RMSNormOp>(op);
  }

  LogicalResult checkSupported(KernelOp kernel,
                               const fused::Target &target) const override {
    auto columns = analyzeColumns(kernel);
    if (failed(columns))
      return failure();
    if (*columns)
      return success();
    return analyzeRows(kernel, target);
  }

  FailureOr<gpu::GPUFuncOp> buildGpuKernel(KernelOp kernel,
                                           const fused::Target &target,
                                           gpu::GPUModuleOp module,
                                           StringRef name) const override {
    auto columns = analyzeColumns(kernel);
    if (failed(columns))
      return failure();
    if (*columns) {
      const ColumnSoftmax &c = **columns;
      gpu::GPUFuncOp shell = fused::createKernelShell(
          kernel, module, name, ColumnSoftmax::kThreads);
      buildColumnSoftmax(c, shell);
      // A dynamic outer part: the grid times the input's first size.
      bool dynamicOuter = c.dynamic && !c.dynamicK();
      ArrayRef<int64_t> first = ArrayRef<int64_t>(c.shape).take_front(1);
      std::vector<std::string> sizes;
      if (c.inSlab()) {
        if (dynamicOuter)
          sizes = {fused::timesDynamicSizesExpr(c.outer, 0, first), "", ""};
        setLaunch(shell, {c.outer, 1, 1}, {ColumnSoftmax::kThreads, 1, 1},
                  (c.slabBytes() + 15) / 16 * 16, 1, sizes);
      } else {
        if (dynamicOuter)
          sizes = {fused::ceilDivExpr(fused::timesDynamicSizesExpr(
                                          c.threadsTotal(), 0, first),
                                      ColumnSoftmax::kThreads),
                   "", ""};
        setLaunch(shell, {c.blocks(), 1, 1}, {ColumnSoftmax::kThreads, 1, 1},
                  0, 1, sizes);
      }
      return shell;
    }
    FailureOr<RowProblem> p = analyzeRows(kernel, target);
    if (failed(p))
      return failure();
    gpu::GPUFuncOp shell =
        fused::createKernelShell(kernel, module, name, p->blockThreads());
    if (failed(buildRowKernel(*p, kernel, shell)))
      return failure();
    if (p->dynamicLength)
      // Its 48 KiB of shared memory allow a few blocks per SM: without a
      // bound ptxas keeps the registers to those of eight (full occupancy)
      // and spills.
      shell->setAttr("nvvm.minctasm",
                     IntegerAttr::get(IntegerType::get(kernel.getContext(), 32),
                                      2));
    std::vector<std::string> sizes;
    if (p->dynamic) {
      // ceil(rows / rows per block), the rows from the output's first
      // dimension (not its last, a dynamic row length).
      std::string rows = fused::timesDynamicSizesExpr(
          p->rows, kernel.getInputs().size() + p->normResult,
          cast<ShapedType>(kernel.getResultTypes()[p->normResult])
              .getShape()
              .drop_back());
      sizes = {fused::ceilDivExpr(rows, p->rowsPerBlock), "", ""};
    }
    setLaunch(shell,
              {(p->rows + p->rowsPerBlock - 1) / p->rowsPerBlock, 1, 1},
              {p->blockThreads(), 1, 1}, sharedBytes(*p),
              kernel.getNumResults(),
              sizes);
    return shell;
  }

  llvm::json::Array gridFormula(gpu::GPUFuncOp kernel) const override {
    bool slab = false;
    kernel.walk([&](gpu::DynamicSharedMemoryOp) { slab = true; });
    if (isColumnSoftmax(kernel) && slab)
      return llvm::json::Array{"outer", "1", "1"};
    if (isColumnSoftmax(kernel))
      return llvm::json::Array{
          "ceil(outer x inner / (" + std::to_string(ColumnSoftmax::kThreads) +
              " x vector))",
          "1", "1"};
    return llvm::json::Array{"ceil(rows / rows per block)", "1", "1"};
  }

private:
  KernelKind k;
};

} // namespace

namespace fused {
const KernelStrategy *softmaxStrategy() {
  static const RowwiseStrategy s(KernelKind::softmax);
  return &s;
}
const KernelStrategy *normalizationStrategy() {
  static const RowwiseStrategy s(KernelKind::normalization);
  return &s;
}
} // namespace fused
