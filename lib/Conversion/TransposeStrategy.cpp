//===- TransposeStrategy.cpp - permutations of dimensions -----------------===//
//
// The transpose strategy: a `fused.kernel transpose` (one fused.transpose)
// becomes one GPU kernel that reads and writes every element once,
// coalesced on both sides:
//
// - when the innermost dimension stays innermost, rows move whole: each
//   thread copies V consecutive elements (16 bytes where the row length
//   allows) from their place in the input to theirs in the output; a
//   fused.slice that is not contiguous in its input (contiguous ones are
//   views and need no kernel) is copied the same way, row by row from its
//   offsets;
// - otherwise a block of 32 x 8 threads moves a 32 x 32 tile of the two
//   dimensions that trade places through shared memory (any of them
//   dynamic: the tile counts and bounds from the output's sizes): it reads the tile
//   along the input's innermost dimension, and writes it along the
//   output's. Tile rows are padded by one 32-bit word, so that reading a
//   column touches 32 different banks (0 conflicts for 8-, 16- and 32-bit
//   elements).
//
//===----------------------------------------------------------------------===//

#include "KernelBuilders.h"
#include "fused/Conversion/KernelStrategy.h"

using namespace mlir;
using namespace fused::fused;
using namespace fused::kernel_builders;

namespace {

constexpr int64_t kRowThreads = 256;
constexpr int64_t kTile = 32;
constexpr int64_t kTileRows = 8; // threads in y; each moves 4 tile rows

struct TransposeProblem {
  Operation *op = nullptr;
  SmallVector<int64_t> inShape, outShape, perm;
  /// For a slice: where it starts in the input (whose shape is
  /// inShape, the slice's being outShape).
  SmallVector<int64_t> offsets;
  Type elemType;
  /// All the elements when the shapes are static; else those of one index
  /// of every dynamic output dimension (`dynamic`).
  int64_t elements = 0;
  bool dynamic = false;
  /// The innermost dimension stays: row copies of `vector` elements.
  bool rowCopy = false;
  int64_t vector = 1;
  /// Tiled: the output dimension that is the input's innermost (k), and
  /// the output's innermost (j).
  int64_t k = 0, j = 0;
  int64_t tilesK = 1, tilesJ = 1, others = 1;
};

FailureOr<TransposeProblem> analyzeTranspose(KernelOp kernel) {
  Block &body = kernel.getBody().front();
  auto ops = body.without_terminator();
  TransposeProblem p;
  if (std::distance(ops.begin(), ops.end()) != 1 ||
      !isa<TransposeOp, SliceOp>(*ops.begin()))
    return kernel.emitOpError() << "transpose code generation handles a "
                                   "kernel holding one fused.transpose or "
                                   "fused.slice",
           failure();
  p.op = &*ops.begin();
  auto in = cast<RankedTensorType>(p.op->getOperand(0).getType());
  auto out = cast<RankedTensorType>(p.op->getResult(0).getType());
  p.dynamic = !in.hasStaticShape() || !out.hasStaticShape();
  auto staticElements = [](RankedTensorType t) {
    int64_t n = 1;
    for (int64_t d : t.getShape())
      if (!ShapedType::isDynamic(d))
        n *= d;
    return n;
  };
  if (staticElements(in) == 0 || in.getRank() == 0)
    return p.op->emitOpError()
               << "code generation needs a non-empty input of rank 1 or "
                  "more, got "
               << in,
           failure();
  p.elemType = in.getElementType();
  int64_t bits = p.elemType.getIntOrFloatBitWidth();
  if (bits != 8 && bits != 16 && bits != 32)
    return p.op->emitOpError()
               << "transpose code generation supports 8-, 16- and 32-bit "
                  "elements, got "
               << p.elemType,
           failure();
  p.inShape.assign(in.getShape().begin(), in.getShape().end());
  p.outShape.assign(out.getShape().begin(), out.getShape().end());
  int64_t r = in.getRank();
  if (auto slice = dyn_cast<SliceOp>(p.op)) {
    p.perm = llvm::to_vector(llvm::seq<int64_t>(0, r));
    p.offsets.assign(slice.getOffsets().begin(), slice.getOffsets().end());
    p.elements = staticElements(out);
    if (p.elements == 0)
      return p.op->emitOpError()
                 << "code generation needs a non-empty slice, got " << out,
             failure();
  } else {
    auto t = cast<TransposeOp>(p.op);
    p.perm.assign(t.getPermutation().begin(), t.getPermutation().end());
    p.offsets.assign(r, 0);
    p.elements = staticElements(in);
  }
  p.rowCopy = p.perm[r - 1] == r - 1;
  if (p.dynamic && p.rowCopy && ShapedType::isDynamic(p.outShape[r - 1]))
    return kernel.emitOpError()
               << "transpose code generation takes a dynamic innermost "
                  "dimension (?) only where it moves, so far, got "
               << in << " to " << out,
           failure();
  if (p.rowCopy) {
    // V consecutive elements start at a multiple of V in the input too.
    p.vector = 16 / elementBytes(p.elemType);
    while (p.vector > 1 && (p.outShape[r - 1] % p.vector != 0 ||
                            p.inShape[r - 1] % p.vector != 0 ||
                            p.offsets[r - 1] % p.vector != 0))
      p.vector /= 2;
    return p;
  }
  p.j = r - 1;
  for (int64_t d = 0; d < r; ++d)
    if (p.perm[d] == r - 1)
      p.k = d;
  // With dynamic sizes: the static parts (a dynamic k or j counts 1).
  auto staticSize = [](int64_t n) { return ShapedType::isDynamic(n) ? 1 : n; };
  p.tilesK = (staticSize(p.outShape[p.k]) + kTile - 1) / kTile;
  p.tilesJ = (staticSize(p.outShape[p.j]) + kTile - 1) / kTile;
  p.others = p.elements /
             (staticSize(p.outShape[p.k]) * staticSize(p.outShape[p.j]));
  return p;
}

/// The grid of a tiled transpose with dynamic sizes: the other output
/// dimensions' product times ceil(Nk / 32) times ceil(Nj / 32), from the
/// output's (argument `arg`) sizes.
std::string tiledGridExpr(const TransposeProblem &p, unsigned arg) {
  SmallVector<int64_t> others(p.outShape);
  others[p.k] = others[p.j] = 1;
  std::string e = ::fused::timesDynamicSizesExpr(p.others, arg, others);
  for (int64_t d : {p.k, p.j}) {
    std::string tiles =
        ShapedType::isDynamic(p.outShape[d])
            ? "(" + ::fused::ceilDivExpr(::fused::argDimName(arg, d), kTile) +
                  ")"
            : std::to_string((p.outShape[d] + kTile - 1) / kTile);
    e = "(" + e + ") * " + tiles;
  }
  return e;
}

/// The input index of output index `out`: input dimension perm[d] is
/// output dimension d.
SmallVector<Value> inputIndex(RB &r, const TransposeProblem &p,
                              ArrayRef<Value> out) {
  SmallVector<Value> in(out.size());
  for (size_t d = 0; d < out.size(); ++d)
    in[p.perm[d]] = p.offsets[p.perm[d]]
                        ? r.addi(out[d], r.idx(p.offsets[p.perm[d]]))
                        : out[d];
  return in;
}

void buildRowCopy(const TransposeProblem &p, gpu::GPUFuncOp kernel) {
  Location loc = p.op->getLoc();
  Block &entry = kernel.getBody().front();
  OpBuilder b = OpBuilder::atBlockEnd(&entry);
  RB r{b, loc};
  Value in = entry.getArgument(0), out = entry.getArgument(1);
  Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  Value bid = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
  int64_t accesses = p.elements / p.vector;
  int64_t blocks = (accesses + kRowThreads - 1) / kRowThreads;
  Value access = r.addi(r.muli(bid, kRowThreads), tid);
  // Dynamic output sizes, from the output's descriptor.
  SmallVector<Value> sizes;
  Value total = timesDynamicSizes(r, out, accesses, &sizes);
  OpBuilder g = b;
  if (p.dynamic || blocks * kRowThreads != accesses) {
    Value ok = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ult, access,
                                     total);
    auto guard = scf::IfOp::create(b, loc, ok, false);
    g = OpBuilder::atBlockBegin(guard.thenBlock());
  }
  RB gr{g, loc};
  SmallVector<Value> outIndex =
      delinearize(gr, gr.muli(access, p.vector), p.outShape, sizes);
  SmallVector<Value> inIndex = inputIndex(gr, p, outIndex);
  int64_t align = std::min<int64_t>(16, p.vector * elementBytes(p.elemType));
  if (p.vector == 1) {
    Value v = memref::LoadOp::create(g, loc, in, inIndex);
    memref::StoreOp::create(g, loc, v, out, outIndex);
  } else {
    auto vt = VectorType::get({p.vector}, p.elemType);
    Value v = vector::LoadOp::create(g, loc, vt, in, inIndex,
                                     /*nontemporal=*/false,
                                     llvm::MaybeAlign(align));
    vector::StoreOp::create(g, loc, v, out, outIndex, /*nontemporal=*/false,
                            llvm::MaybeAlign(align));
  }
  gpu::ReturnOp::create(b, loc);
}

void buildTiled(const TransposeProblem &p, gpu::GPUFuncOp kernel) {
  Location loc = p.op->getLoc();
  MLIRContext *ctx = kernel.getContext();
  Block &entry = kernel.getBody().front();
  OpBuilder b = OpBuilder::atBlockEnd(&entry);
  RB r{b, loc};
  Value in = entry.getArgument(0), out = entry.getArgument(1);
  Value tx = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  Value ty = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::y);
  Value bid = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
  // The output's dynamic sizes, from its descriptor.
  SmallVector<Value> sizes(p.outShape.size());
  for (auto [d, n] : llvm::enumerate(p.outShape))
    if (ShapedType::isDynamic(n))
      sizes[d] = memref::DimOp::create(b, loc, out, d);
  // Output dimension d's size, or `fixed` when it is static.
  auto sizeOf = [&](int64_t d, int64_t fixed) -> Value {
    return sizes[d] ? sizes[d] : r.idx(fixed);
  };
  // Block -> (other dimensions, tile of k, tile of j).
  SmallVector<Value> t;
  if (!sizes[p.k] && !sizes[p.j]) {
    t = delinearize(r, bid, {p.others, p.tilesK, p.tilesJ});
  } else {
    auto tiles = [&](int64_t d, int64_t fixed) {
      return sizes[d] ? r.divi(r.addi(sizes[d], r.idx(kTile - 1)), kTile)
                      : r.idx(fixed);
    };
    t = delinearize(r, bid, {1, 1, 1},
                    {Value(), tiles(p.k, p.tilesK), tiles(p.j, p.tilesJ)});
  }
  Value k0 = r.muli(t[1], kTile), j0 = r.muli(t[2], kTile);
  // The other output dimensions, in order.
  SmallVector<int64_t> otherDims, otherSizes;
  SmallVector<Value> otherDynamic;
  for (int64_t d = 0; d < static_cast<int64_t>(p.outShape.size()); ++d)
    if (d != p.k && d != p.j) {
      otherDims.push_back(d);
      otherSizes.push_back(p.outShape[d]);
      otherDynamic.push_back(sizes[d]);
    }
  SmallVector<Value> others = p.dynamic
                                  ? delinearize(r, t[0], otherSizes,
                                                otherDynamic)
                                  : delinearize(r, t[0], otherSizes);
  auto outIndexAt = [&](RB &rb, Value kk, Value jj) {
    SmallVector<Value> idx(p.outShape.size());
    for (size_t i = 0; i < otherDims.size(); ++i)
      idx[otherDims[i]] = others[i];
    idx[p.k] = kk;
    idx[p.j] = jj;
    return idx;
  };

  // The tile: 32 rows of 32 elements and one 32-bit word of padding.
  int64_t pad = 4 / elementBytes(p.elemType);
  auto wg = gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup);
  Value base = gpu::DynamicSharedMemoryOp::create(
      b, loc,
      MemRefType::get({ShapedType::kDynamic}, b.getI8Type(),
                      MemRefLayoutAttrInterface(), wg));
  Value tile = memref::ViewOp::create(
      b, loc,
      MemRefType::get({kTile, kTile + pad}, p.elemType,
                      MemRefLayoutAttrInterface(), wg),
      base, r.idx(0), ValueRange{});

  // Read along the input's innermost dimension (output dimension k):
  // tile[jj][kk] = in[.., k0 + tx, .., j0 + jj].
  auto guarded = [&](Value cond, function_ref<void(OpBuilder &)> fn) {
    auto ifOp = scf::IfOp::create(b, loc, cond, false);
    OpBuilder ib = OpBuilder::atBlockBegin(ifOp.thenBlock());
    fn(ib);
  };
  auto both = [&](Value x, int64_t nx, Value y, int64_t ny) {
    return arith::AndIOp::create(b, loc, r.ult(x, sizeOf(p.k, nx)),
                                 r.ult(y, sizeOf(p.j, ny)));
  };
  for (int64_t i = 0; i < kTile; i += kTileRows) {
    Value jj = r.addi(ty, r.idx(i));
    Value kIn = r.addi(k0, tx), jIn = r.addi(j0, jj);
    guarded(both(kIn, p.outShape[p.k], jIn, p.outShape[p.j]),
            [&](OpBuilder &ib) {
              Value v = memref::LoadOp::create(
                  ib, loc, in, inputIndex(r, p, outIndexAt(r, kIn, jIn)));
              memref::StoreOp::create(ib, loc, v, tile, ValueRange{jj, tx});
            });
  }
  gpu::BarrierOp::create(b, loc);
  // Write along the output's innermost dimension:
  // out[.., k0 + kk, .., j0 + tx] = tile[tx][kk].
  for (int64_t i = 0; i < kTile; i += kTileRows) {
    Value kk = r.addi(ty, r.idx(i));
    Value kOut = r.addi(k0, kk), jOut = r.addi(j0, tx);
    guarded(both(kOut, p.outShape[p.k], jOut, p.outShape[p.j]),
            [&](OpBuilder &ib) {
              Value v = memref::LoadOp::create(ib, loc, tile,
                                               ValueRange{tx, kk});
              memref::StoreOp::create(ib, loc, v, out,
                                      outIndexAt(r, kOut, jOut));
            });
  }
  gpu::ReturnOp::create(b, loc);
}

struct TransposeStrategy : fused::MemoryBoundStrategy {
  KernelKind kind() const override { return KernelKind::transpose; }
  bool roots(Operation *op) const override {
    if (auto slice = dyn_cast<SliceOp>(op))
      return !slice.isContiguous(); // contiguous slices are views
    return isa<TransposeOp>(op);
  }

  /// A slice reads only its part of the input.
  double minimumBytes(KernelOp kernel) const override {
    Block &body = kernel.getBody().front();
    if (auto slice = dyn_cast<SliceOp>(body.front()))
      return !slice.getType().hasStaticShape() ? 0.0 : 2.0 * cast<ShapedType>(slice.getType()).getNumElements() *
             elementBytes(slice.getType().getElementType());
    return MemoryBoundStrategy::minimumBytes(kernel);
  }

  LogicalResult checkSupported(KernelOp kernel,
                               const fused::Target &) const override {
    return analyzeTranspose(kernel);
  }

  FailureOr<gpu::GPUFuncOp> buildGpuKernel(KernelOp kernel,
                                           const fused::Target &,
                                           gpu::GPUModuleOp module,
                                           StringRef name) const override {
    FailureOr<TransposeProblem> p = analyzeTranspose(kernel);
    if (failed(p))
      return failure();
    MLIRContext *ctx = kernel.getContext();
    int64_t threads = p->rowCopy ? kRowThreads : kTile * kTileRows;
    gpu::GPUFuncOp shell =
        fused::createKernelShell(kernel, module, name, threads);
    SmallVector<int64_t> grid, block;
    int64_t shared = 0;
    std::vector<std::string> gridSizes;
    if (p->rowCopy) {
      buildRowCopy(*p, shell);
      grid = {(p->elements / p->vector + kRowThreads - 1) / kRowThreads, 1, 1};
      block = {kRowThreads, 1, 1};
      if (p->dynamic) {
        // ceil(accesses / threads), the accesses from the output's sizes.
        gridSizes = {fused::ceilDivExpr(
                         fused::timesDynamicSizesExpr(
                             p->elements / p->vector, 1, p->outShape),
                         kRowThreads),
                     "", ""};
      }
    } else {
      // known_block_size follows the 2-D block.
      shell.setKnownBlockSizeAttr(DenseI32ArrayAttr::get(
          ctx, {static_cast<int32_t>(kTile), static_cast<int32_t>(kTileRows),
                1}));
      buildTiled(*p, shell);
      grid = {p->others * p->tilesK * p->tilesJ, 1, 1};
      if (p->dynamic)
        gridSizes = {tiledGridExpr(*p, kernel.getInputs().size()), "", ""};
      block = {kTile, kTileRows, 1};
      shared = kTile * (kTile * elementBytes(p->elemType) + 4);
    }
    setLaunch(shell, grid, block, shared, 1, gridSizes);
    return shell;
  }

  llvm::json::Array gridFormula(gpu::GPUFuncOp kernel) const override {
    auto launch =
        FusedDialect::LaunchAttrHelper(kernel.getContext()).getAttr(kernel);
    if (launch && launch.getBlock()[1] > 1) // Tiled.
      return llvm::json::Array{"product(other dims) x ceil(Nk / 32) x ceil(Nj / 32)", "1",
              "1"};
    return llvm::json::Array{"ceil(elements / (256 x vector))", "1", "1"};
  }
};

} // namespace

namespace fused {
const KernelStrategy *transposeStrategy() {
  static const TransposeStrategy s;
  return &s;
}
} // namespace fused
