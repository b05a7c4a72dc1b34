//===- Tile.cpp - tile GEMM kernels to thread blocks and warps ------------===//
//
// The fused-tile pass. Each `fused.kernel gemm` becomes a kernel function on
// memrefs whose body is tiled for the GPU:
//
//   scf.forall (batch, M tiles, N tiles)            -- thread blocks
//     accumulator tile (f32, block_m x block_n)
//     scf.for over K tiles
//       scf.forall (warps_m, warps_n)               -- warps
//         linalg.generic contraction on the warp's sub-tiles
//     linalg.generic epilogue: accumulator (+ epilogue operands) -> output
//
// Tiles at the edges of M, N and K are clipped to the operand bounds
// (dynamic subview sizes), so nothing is read or written out of bounds. The
// kernel is replaced by a `fused.launch` of the new function.
//
//===----------------------------------------------------------------------===//

#include "fused/Conversion/KernelStructure.h"
#include "fused/Dialect/Fused/IR/FusedOps.h"
#include "fused/Dialect/Fused/IR/Shapes.h"
#include "fused/Dialect/Fused/Transforms/Passes.h"
#include "fused/Conversion/Elementwise.h"
#include "fused/Conversion/GemmStrategy.h"
#include "fused/Conversion/KernelStrategy.h"

#include "mlir/Dialect/Arith/IR/Arith.h"
#include "mlir/Dialect/Arith/Utils/Utils.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/Linalg/IR/Linalg.h"
#include "mlir/Dialect/Math/IR/Math.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/SymbolTable.h"
#include "llvm/ADT/TypeSwitch.h"

#include <cmath>

namespace fused::fused {
#define GEN_PASS_DEF_FUSEDTILEPASS
#include "fused/Dialect/Fused/Transforms/Passes.h.inc"
} // namespace fused::fused

using namespace mlir;
using namespace fused::fused;

namespace {

//===----------------------------------------------------------------------===//
// IR building helpers
//===----------------------------------------------------------------------===//

struct Builder : IndexBuilder {
  using IndexBuilder::IndexBuilder;

  /// A subview of `source` at `offsets` with `sizes` (unit strides), keeping
  /// the dimensions whose `keep` entry is true (the others have size 1 and
  /// are dropped).
  Value subview(Value source, ArrayRef<OpFoldResult> offsets,
                ArrayRef<OpFoldResult> sizes, ArrayRef<bool> keep) {
    auto srcType = cast<MemRefType>(source.getType());
    SmallVector<OpFoldResult> strides(offsets.size(), b.getIndexAttr(1));
    SmallVector<int64_t> resultShape;
    for (auto [s, k] : llvm::zip(sizes, keep)) {
      if (!k)
        continue;
      std::optional<int64_t> size = getConstantIntValue(s);
      resultShape.push_back(size ? *size : ShapedType::kDynamic);
    }
    auto type = memref::SubViewOp::inferRankReducedResultType(
        resultShape, srcType, offsets, sizes, strides);
    return memref::SubViewOp::create(b, loc, type, source, offsets, sizes,
                                     strides);
  }

  Value toF32(Value v) {
    if (v.getType().isF32())
      return v;
    return arith::ExtFOp::create(b, loc, b.getF32Type(), v);
  }
  /// Rounds an f32 value to `type` and back (a no-op for f32).
  Value roundTo(Value v, Type type) {
    if (type.isF32())
      return v;
    Value t = arith::TruncFOp::create(b, loc, type, v);
    return arith::ExtFOp::create(b, loc, b.getF32Type(), t);
  }
  Value f32(double v) {
    return arith::ConstantOp::create(b, loc, b.getF32FloatAttr(v));
  }
};

Type elementType(Value v) {
  return cast<ShapedType>(v.getType()).getElementType();
}


//===----------------------------------------------------------------------===//
// GEMM kernel function
//===----------------------------------------------------------------------===//

/// The tiled kernel function of one GEMM kernel, built piece by piece: the
/// function and its arguments, the grid of thread blocks, the K loop over
/// warp tiles, the epilogue over the block tile.
struct GemmFunctionBuilder {
  KernelOp kernel;
  ::fused::GemmKernel &g;
  GemmConfigAttr cfg;
  MLIRContext *ctx;
  Location loc;
  MatmulOp mm;
  RankedTensorType outType;
  func::FuncOp func;
  Block *entry = nullptr;
  OpBuilder b;
  Builder h;

  // Problem and configuration.
  ArrayRef<int64_t> aShape, bShape, outShape;
  bool ta = false, tb = false;
  /// A size is ShapedType::kDynamic when it is dynamic; `Mv`, `Nv`, `Kv`
  /// and `batchSizes` are the sizes as values (read from the output's and
  /// A's descriptors where they are dynamic).
  int64_t M = 0, N = 0, K = 0;
  Value Mv, Nv, Kv;
  SmallVector<int64_t> batchShape;
  SmallVector<Value> batchSizes;
  int64_t BM = 0, BN = 0, BK = 0;

  // The thread block's place: its output batch indices, first row and
  // column and clipped sizes.
  SmallVector<Value> batchIdx;
  Value m0, n0, mSize, nSize;

  GemmFunctionBuilder(KernelOp kernel, ::fused::GemmKernel &g,
                      GemmConfigAttr cfg)
      : kernel(kernel), g(g), cfg(cfg), ctx(kernel.getContext()),
        loc(kernel.getLoc()), mm(g.matmul),
        outType(cast<RankedTensorType>(kernel.getResultTypes()[0])),
        b(ctx), h{b, loc} {}

  /// The kernel function's argument for a value of the kernel's body.
  Value argFor(Value bodyValue) {
    return entry->getArgument(cast<BlockArgument>(bodyValue).getArgNumber());
  }
  Value outArg() { return entry->getArguments().back(); }

  /// The function: one memref per input, then the output.
  void createFunction(StringRef name) {
    SmallVector<Type> argTypes;
    for (Value v : kernel.getInputs()) {
      auto t = cast<RankedTensorType>(v.getType());
      argTypes.push_back(MemRefType::get(t.getShape(), t.getElementType()));
    }
    argTypes.push_back(
        MemRefType::get(outType.getShape(), outType.getElementType()));
    func = func::FuncOp::create(loc, name, FunctionType::get(ctx, argTypes, {}));
    FusedDialect::KernelKindAttrHelper(ctx).setAttr(
        func, KernelKindAttr::get(ctx, KernelKind::gemm));
    FusedDialect::GemmConfigAttrHelper(ctx).setAttr(func, cfg);
    entry = func.addEntryBlock();
    b.setInsertionPointToStart(entry);

    auto aType = cast<RankedTensorType>(mm.getA().getType());
    auto bType = cast<RankedTensorType>(mm.getB().getType());
    aShape = aType.getShape();
    bShape = bType.getShape();
    outShape = outType.getShape();
    int64_t ar = aShape.size(), orank = outShape.size();
    ta = mm.getTransposeA();
    tb = mm.getTransposeB();
    M = outShape[orank - 2];
    N = outShape[orank - 1];
    K = ta ? aShape[ar - 2] : aShape[ar - 1];
    batchShape.assign(outShape.begin(), outShape.end() - 2);
    BM = cfg.getBlockM();
    BN = cfg.getBlockN();
    BK = cfg.getBlockK();
    auto size = [&](Value arg, int64_t dim, int64_t staticSize) -> Value {
      if (ShapedType::isDynamic(staticSize))
        return memref::DimOp::create(b, loc, arg, dim);
      return h.c(staticSize);
    };
    Mv = size(outArg(), orank - 2, M);
    Nv = size(outArg(), orank - 1, N);
    Kv = size(argFor(mm.getA()), ta ? ar - 2 : ar - 1, K);
    for (auto [d, extent] : llvm::enumerate(batchShape))
      batchSizes.push_back(size(outArg(), d, extent));
  }

  /// ceil(`size` / `tile`), folded to a constant for a static size.
  OpFoldResult tileCount(int64_t size, Value sizeValue, int64_t tile) {
    if (ShapedType::isDynamic(size))
      return h.div(h.add(sizeValue, h.c(tile - 1)), tile);
    return b.getIndexAttr((size + tile - 1) / tile);
  }

  /// The grid of thread blocks (batch, M tiles, N tiles); leaves the
  /// builder in its body.
  void buildGrid() {
    // The batch: the product of the static batch dims times the dynamic.
    int64_t batchCount = 1;
    Value dynamicBatch;
    for (auto [d, extent] : llvm::enumerate(batchShape)) {
      if (!ShapedType::isDynamic(extent))
        batchCount *= extent;
      else if (dynamicBatch)
        dynamicBatch = arith::MulIOp::create(b, loc, dynamicBatch,
                                             batchSizes[d]);
      else
        dynamicBatch = batchSizes[d];
    }
    OpFoldResult gridZ =
        !dynamicBatch     ? OpFoldResult(b.getIndexAttr(batchCount))
        : batchCount == 1 ? OpFoldResult(dynamicBatch)
                          : OpFoldResult(h.mul(dynamicBatch, batchCount));
    OpFoldResult gridM = tileCount(M, Mv, BM), gridN = tileCount(N, Nv, BN);
    auto blockMapping = b.getArrayAttr(
        {gpu::GPUBlockMappingAttr::get(ctx, gpu::MappingId::DimZ),
         gpu::GPUBlockMappingAttr::get(ctx, gpu::MappingId::DimY),
         gpu::GPUBlockMappingAttr::get(ctx, gpu::MappingId::DimX)});
    auto grid = scf::ForallOp::create(
        b, loc,
        ArrayRef<OpFoldResult>{gridZ, gridM, gridN},
        ValueRange{}, blockMapping);
    b.setInsertionPointToStart(grid.getBody());
    Value z = grid.getInductionVar(0), bi = grid.getInductionVar(1),
          bj = grid.getInductionVar(2);
    m0 = h.mul(bi, BM);
    n0 = h.mul(bj, BN);
    mSize = h.clip(BM, Mv, m0);
    nSize = h.clip(BN, Nv, n0);
    // Output batch indices, row-major from z.
    batchIdx.assign(batchShape.size(), Value());
    Value rest = z;
    for (int64_t d = batchShape.size() - 1; d >= 0; --d) {
      bool dynamic = ShapedType::isDynamic(batchShape[d]);
      if (d > 0) {
        batchIdx[d] = dynamic ? arith::RemUIOp::create(b, loc, rest,
                                                       batchSizes[d])
                                    .getResult()
                              : h.rem(rest, batchShape[d]);
        rest = dynamic ? arith::DivUIOp::create(b, loc, rest, batchSizes[d])
                             .getResult()
                       : h.div(rest, batchShape[d]);
      } else {
        batchIdx[d] = rest;
      }
    }
  }

  /// Offsets of the leading (batch) dims of an operand of shape `shape`
  /// whose trailing `inner` dims are not batch dims.
  SmallVector<OpFoldResult> batchOffsets(ArrayRef<int64_t> shape,
                                         int64_t inner) {
    SmallVector<OpFoldResult> offs;
    int64_t lead = shape.size() - inner;
    for (int64_t d = 0; d < lead; ++d) {
      int64_t od = batchShape.size() - lead + d;
      if (shape[d] == 1 || od < 0)
        offs.push_back(b.getIndexAttr(0));
      else
        offs.push_back(batchIdx[od]);
    }
    return offs;
  }

  /// The [r0, r0 + rSize) x [c0, c0 + cSize) tile of operand `arg` in this
  /// block's batch.
  Value operandTile(Value arg, ArrayRef<int64_t> shape, Value r0, Value rSize,
                    Value c0, Value cSize) {
    SmallVector<OpFoldResult> offs = batchOffsets(shape, 2);
    SmallVector<OpFoldResult> sizes(offs.size(), b.getIndexAttr(1));
    SmallVector<bool> keep(offs.size(), false);
    offs.push_back(r0);
    offs.push_back(c0);
    sizes.push_back(rSize);
    sizes.push_back(cSize);
    keep.push_back(true);
    keep.push_back(true);
    return h.subview(arg, offs, sizes, keep);
  }

  /// The f32 accumulator of the block tile, zeroed: its [mSize, nSize] part.
  Value buildAccumulator() {
    auto accType = MemRefType::get({BM, BN}, b.getF32Type());
    Value acc = memref::AllocaOp::create(b, loc, accType);
    Value zero = h.f32(0.0);
    linalg::FillOp::create(b, loc, ValueRange{zero}, ValueRange{acc});
    return h.subview(acc, {b.getIndexAttr(0), b.getIndexAttr(0)},
                     {mSize, nSize}, {true, true});
  }

  /// The K loop: per step the operand tiles, split over the warps, each
  /// warp's contraction (marked fused.role = mma) into `accTile`.
  scf::ForOp buildKLoop(Value accTile) {
    int64_t WM = cfg.getWarpsM(), WN = cfg.getWarpsN();
    int64_t WTM = cfg.getWarpTileM(), WTN = cfg.getWarpTileN();
    OpFoldResult numK = tileCount(K, Kv, BK);
    auto warpMapping = b.getArrayAttr(
        {gpu::GPUWarpMappingAttr::get(ctx, gpu::MappingId::DimY),
         gpu::GPUWarpMappingAttr::get(ctx, gpu::MappingId::DimX)});
    Value aArg = argFor(mm.getA()), bArg = argFor(mm.getB());
    auto kLoop = scf::ForOp::create(
        b, loc, h.c(0), getValueOrCreateConstantIndexOp(b, loc, numK), h.c(1));
    OpBuilder::InsertionGuard guard(b);
    b.setInsertionPointToStart(kLoop.getBody());
    Value k0 = h.mul(kLoop.getInductionVar(), BK);
    Value kSize = h.clip(BK, Kv, k0);
    // A tile: [m, k] (or [k, m] with transpose_a); B tile: [k, n] (or [n, k]).
    Value aTile = ta ? operandTile(aArg, aShape, k0, kSize, m0, mSize)
                     : operandTile(aArg, aShape, m0, mSize, k0, kSize);
    Value bTile = tb ? operandTile(bArg, bShape, n0, nSize, k0, kSize)
                     : operandTile(bArg, bShape, k0, kSize, n0, nSize);

    auto warps = scf::ForallOp::create(
        b, loc, ArrayRef<OpFoldResult>{b.getIndexAttr(WM), b.getIndexAttr(WN)},
        ValueRange{}, warpMapping);
    b.setInsertionPointToStart(warps.getBody());
    Value wm0 = h.mul(warps.getInductionVar(0), WTM);
    Value wn0 = h.mul(warps.getInductionVar(1), WTN);
    Value wmSize = h.clip(WTM, mSize, wm0), wnSize = h.clip(WTN, nSize, wn0);
    OpFoldResult zeroIdx = b.getIndexAttr(0);
    Value aWarp =
        ta ? h.subview(aTile, {zeroIdx, wm0}, {kSize, wmSize}, {true, true})
           : h.subview(aTile, {wm0, zeroIdx}, {wmSize, kSize}, {true, true});
    Value bWarp =
        tb ? h.subview(bTile, {wn0, zeroIdx}, {wnSize, kSize}, {true, true})
           : h.subview(bTile, {zeroIdx, wn0}, {kSize, wnSize}, {true, true});
    Value accWarp =
        h.subview(accTile, {wm0, wn0}, {wmSize, wnSize}, {true, true});
    buildContraction(aWarp, bWarp, accWarp);
    return kLoop;
  }

  /// acc[m, n] += a[m, k] * b[k, n] in f32 on one warp's tiles.
  void buildContraction(Value aWarp, Value bWarp, Value accWarp) {
    AffineExpr dm, dn, dk;
    bindDims(ctx, dm, dn, dk);
    auto aMap = AffineMap::get(
        3, 0, ta ? ArrayRef<AffineExpr>{dk, dm} : ArrayRef<AffineExpr>{dm, dk},
        ctx);
    auto bMap = AffineMap::get(
        3, 0, tb ? ArrayRef<AffineExpr>{dn, dk} : ArrayRef<AffineExpr>{dk, dn},
        ctx);
    auto cMap = AffineMap::get(3, 0, {dm, dn}, ctx);
    auto contraction = linalg::GenericOp::create(
        b, loc, TypeRange{}, ValueRange{aWarp, bWarp}, ValueRange{accWarp},
        ArrayRef<AffineMap>{aMap, bMap, cMap},
        ArrayRef<utils::IteratorType>{utils::IteratorType::parallel,
                                      utils::IteratorType::parallel,
                                      utils::IteratorType::reduction},
        [&](OpBuilder &nb, Location nl, ValueRange args) {
          Builder nh{nb, nl};
          Value prod = arith::MulFOp::create(nb, nl, nh.toF32(args[0]),
                                             nh.toF32(args[1]));
          Value sum = arith::AddFOp::create(nb, nl, args[2], prod);
          linalg::YieldOp::create(nb, nl, sum);
        });
    FusedDialect::RoleAttrHelper(ctx).setAttr(
        contraction, TileRoleAttr::get(ctx, TileRole::mma));
  }

  /// The epilogue's operands from outside the kernel, tiled to the block:
  /// the trailing (up to 2) dims that align with M and N are tiled; leading
  /// dims index the batch (or are 1) and drop. Appends them to `ins` and
  /// their indexing maps to `maps`, and numbers them in `index`.
  void tileEpilogueOperands(SmallVectorImpl<Value> &ins,
                            SmallVectorImpl<AffineMap> &maps,
                            llvm::DenseMap<Value, unsigned> &index) {
    Block &body = kernel.getBody().front();
    AffineExpr r, c;
    bindDims(ctx, r, c);
    for (Operation *op : g.epilogue)
      for (Value operand : op->getOperands()) {
        auto arg = dyn_cast<BlockArgument>(operand);
        if (!arg || arg.getOwner() != &body || index.count(operand))
          continue;
        ArrayRef<int64_t> shape =
            cast<RankedTensorType>(operand.getType()).getShape();
        int64_t rank = shape.size();
        int64_t inner = std::min<int64_t>(rank, 2);
        SmallVector<OpFoldResult> offs = batchOffsets(shape, inner);
        SmallVector<OpFoldResult> sizes(offs.size(), b.getIndexAttr(1));
        SmallVector<bool> keep(offs.size(), false);
        SmallVector<AffineExpr> exprs;
        for (int64_t d = rank - inner; d < rank; ++d) {
          bool isM = (rank - d) == 2; // aligned with M; else with N
          keep.push_back(true);
          if (shape[d] == 1) {
            offs.push_back(b.getIndexAttr(0));
            sizes.push_back(b.getIndexAttr(1));
            exprs.push_back(getAffineConstantExpr(0, ctx));
          } else {
            offs.push_back(isM ? m0 : n0);
            sizes.push_back(isM ? mSize : nSize);
            exprs.push_back(isM ? r : c);
          }
        }
        index[operand] = ins.size() - 1; // ins[0] is the accumulator
        ins.push_back(h.subview(argFor(operand), offs, sizes, keep));
        maps.push_back(AffineMap::get(2, 0, exprs, ctx));
      }
  }

  /// The epilogue over the block tile (marked fused.role = epilogue): the
  /// accumulator and the epilogue's operands in, the output tile out.
  LogicalResult buildEpilogue(Value accTile) {
    SmallVector<OpFoldResult> cOffs = batchOffsets(outShape, 2);
    SmallVector<OpFoldResult> cSizes(cOffs.size(), b.getIndexAttr(1));
    SmallVector<bool> cKeep(cOffs.size(), false);
    cOffs.append({m0, n0});
    cSizes.append({mSize, nSize});
    cKeep.append({true, true});
    Value cTile = h.subview(outArg(), cOffs, cSizes, cKeep);

    AffineExpr r, c;
    bindDims(ctx, r, c);
    SmallVector<Value> ins = {accTile};
    SmallVector<AffineMap> maps = {AffineMap::get(2, 0, {r, c}, ctx)};
    llvm::DenseMap<Value, unsigned> extIndex;
    tileEpilogueOperands(ins, maps, extIndex);
    maps.push_back(AffineMap::get(2, 0, {r, c}, ctx)); // output

    Type mmElem = mm.getType().getElementType();
    bool failedScalar = false;
    auto epilogue = linalg::GenericOp::create(
        b, loc, TypeRange{}, ins, ValueRange{cTile}, maps,
        ArrayRef<utils::IteratorType>{utils::IteratorType::parallel,
                                      utils::IteratorType::parallel},
        [&](OpBuilder &nb, Location nl, ValueRange args) {
          Builder nh{nb, nl};
          llvm::DenseMap<Value, Value> scalar;
          // The matmul result, rounded to its element type.
          scalar[mm.getResult()] = nh.roundTo(args[0], mmElem);
          for (auto [v, i] : extIndex)
            scalar[v] = nh.toF32(args[1 + i]);
          for (Operation *op : g.epilogue) {
            SmallVector<Value> operands;
            for (Value o : op->getOperands()) {
              Value s = scalar.lookup(o);
              operands.push_back(s ? s : ::fused::splatConstantF32(nb, nl, o));
            }
            auto ew = dyn_cast<ElementwiseOpInterface>(op);
            Value res = ew ? ew.emitF32(nb, nl, operands) : Value();
            if (!res) {
              failedScalar = true;
              res = operands[0];
            }
            scalar[op->getResult(0)] =
                nh.roundTo(res, elementType(op->getResult(0)));
          }
          Value last = g.epilogue.empty() ? Value(mm.getResult())
                                          : g.epilogue.back()->getResult(0);
          Value out = scalar.lookup(last);
          Type outEt = outType.getElementType();
          if (!outEt.isF32())
            out = arith::TruncFOp::create(nb, nl, outEt, out);
          linalg::YieldOp::create(nb, nl, out);
        });
    FusedDialect::RoleAttrHelper(ctx).setAttr(
        epilogue, TileRoleAttr::get(ctx, TileRole::epilogue));
    if (failedScalar)
      return kernel.emitOpError() << "unsupported op in the gemm epilogue",
             failure();
    return success();
  }
};

/// Builds the tiled kernel function of `kernel` and returns it.
FailureOr<func::FuncOp> buildGemmFunction(KernelOp kernel,
                                          ::fused::GemmKernel &g,
                                          GemmConfigAttr cfg, StringRef name) {
  GemmFunctionBuilder fb(kernel, g, cfg);
  fb.createFunction(name);
  fb.buildGrid();
  Value accTile = fb.buildAccumulator();
  scf::ForOp kLoop = fb.buildKLoop(accTile);
  fb.b.setInsertionPointAfter(kLoop);
  if (failed(fb.buildEpilogue(accTile))) {
    fb.func.erase();
    return failure();
  }
  fb.b.setInsertionPointToEnd(fb.entry);
  func::ReturnOp::create(fb.b, fb.loc);
  return fb.func;
}

struct TilePass : public ::fused::fused::impl::FusedTilePassBase<TilePass> {
  using FusedTilePassBase::FusedTilePassBase;

  void runOnOperation() override {
    ModuleOp module = getOperation();
    SymbolTable symbols(module);
    ::fused::Target target = moduleTarget(module);
    SmallVector<KernelOp> kernels;
    // GEMM kernels that their strategy builds directly (the Hopper path)
    // wait for fused-lower-kernels.
    const ::fused::KernelStrategy *gemm =
        ::fused::strategyFor(KernelKind::gemm);
    module.walk([&](KernelOp k) {
      if (k.getKind() == KernelKind::gemm && !gemm->lowersToGpu(k, target))
        kernels.push_back(k);
    });
    for (KernelOp kernel : kernels)
      if (failed(tileGemm(kernel, symbols, target)))
        return signalPassFailure();
  }

  LogicalResult tileGemm(KernelOp kernel, SymbolTable &symbols,
                         const ::fused::Target &target) {
    FailureOr<::fused::GemmKernel> g = ::fused::analyzeGemmKernel(kernel);
    if (failed(g))
      return failure();
    FailureOr<GemmConfigAttr> cfg = ::fused::gemmConfigFor(kernel, *g, target);
    if (failed(cfg))
      return failure();

    auto func = kernel->getParentOfType<func::FuncOp>();
    std::string base =
        (func ? func.getSymName().str() : std::string("kernel")) + "_gemm";
    FailureOr<func::FuncOp> fn = buildGemmFunction(kernel, *g, *cfg, base);
    if (failed(fn))
      return failure();
    (*fn).setPrivate();
    // Placed after the function that launches it; renamed on collision.
    symbols.insert(*fn,
                   func ? std::next(Block::iterator(func)) : Block::iterator());

    OpBuilder b(kernel);
    FailureOr<LaunchOp> launch = ::fused::createLaunchFor(
        b, kernel, FlatSymbolRefAttr::get((*fn).getSymNameAttr()));
    if (failed(launch))
      return failure();
    kernel.replaceAllUsesWith(launch->getResults());
    kernel.erase();
    return success();
  }
};

} // namespace
