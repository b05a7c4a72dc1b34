//===- GpuBuilders.h - IR builders shared by the GPU kernel lowerings -*- C++
//-*-===//
//
// Index arithmetic with the shared-memory swizzle, the round-robin chunk
// loop of tile copies, and the tensor-core ops (mma.sync m16n8k16 and
// ldmatrix.x4) that fused-lower-to-mma and fused-lower-attention emit.
//
//===----------------------------------------------------------------------===//

#ifndef FUSED_LIB_CONVERSION_GPUBUILDERS_H
#define FUSED_LIB_CONVERSION_GPUBUILDERS_H

#include "fused/Conversion/KernelStructure.h"
#include "fused/Dialect/Fused/IR/FusedOps.h"
#include "fused/Transforms/Layouts.h"

#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/SCF/IR/SCF.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"

#include <array>

namespace fused::fused::gpu_builders {

using namespace mlir;

/// Index arithmetic, plus the shared-memory swizzle.
struct IB : IndexBuilder {
  using IndexBuilder::IndexBuilder;

  /// The stored column of the first element of `chunk` in `row` (the xor16
  /// swizzle of fused/Transforms/Layouts.h).
  Value swizzleCol(Value row, Value chunk, int64_t rowBytes,
                   int64_t elemsPerChunk = 8, int64_t rowStep = 1) {
    return ::fused::layout::swizzledColumn(*this, row, chunk, rowBytes,
                                           elemsPerChunk, rowStep);
  }
};

inline int64_t elementBytes(Type t) { return t.getIntOrFloatBitWidth() / 8; }

/// Which dynamic strides hasAligned16ByteRows(MemRefType, ...) lets pass
/// unchecked.
enum class DynamicStrides {
  /// Those of a dense row-major buffer outside its rows: multiples of the
  /// next inner stride, which is checked.
  denseOuter,
  /// Those and a dense buffer's row stride, which the caller checks at run
  /// time (rowStrideIsAligned16).
  denseWithRow,
  /// Any: a view's strides are its buffer's, which the caller checks.
  any
};

/// True if every row of a memref of `type` (its innermost dimension)
/// starts on a 16-byte boundary when the buffer's base does: unit inner
/// stride, outer strides that are multiples of 16 bytes or dynamic ones
/// that `dynamic` lets pass, and an offset that is one too (a dynamic
/// offset passes only with `dynamicOffset`).
inline bool hasAligned16ByteRows(MemRefType type, bool dynamicOffset,
                                 DynamicStrides dynamic) {
  SmallVector<int64_t> strides;
  int64_t offset;
  if (failed(type.getStridesAndOffset(strides, offset)) || strides.empty() ||
      strides.back() != 1)
    return false;
  int64_t bytes = elementBytes(type.getElementType());
  if (ShapedType::isDynamic(offset) ? !dynamicOffset
                                    : (offset * bytes) % 16 != 0)
    return false;
  bool dense = type.getLayout().isIdentity();
  size_t rowStride = strides.size() - 2;
  auto dynamicPasses = [&](size_t d) {
    switch (dynamic) {
    case DynamicStrides::denseOuter:
      return dense && d != rowStride;
    case DynamicStrides::denseWithRow:
      return dense;
    case DynamicStrides::any:
      return true;
    }
    return false;
  };
  for (auto [d, s] : llvm::enumerate(ArrayRef(strides).drop_back()))
    if (ShapedType::isDynamic(s) ? !dynamicPasses(d) : (s * bytes) % 16 != 0)
      return false;
  return true;
}

/// True if the rows of the view `memref` are 16-byte aligned: its own
/// strides are, and so are the buffer it views (its offset as well as its
/// strides: a kernel argument or an allocation) and every static inner
/// offset of the subviews in between. Dynamic subview offsets are the
/// tiles' positions, multiples of the tile sizes, which are whole 16-byte
/// chunks. With `dynamicRowStride`, the buffer's row stride may be dynamic
/// (a dynamic innermost dimension): the caller checks it at run time.
inline bool hasAligned16ByteRows(Value memref, bool dynamicRowStride = false) {
  auto type = cast<MemRefType>(memref.getType());
  // A view's dynamic strides are its buffer's (unit-stride subviews),
  // checked below; without `dynamicRowStride` they fail here already.
  if (!hasAligned16ByteRows(type, /*dynamicOffset=*/true,
                            dynamicRowStride ? DynamicStrides::any
                                             : DynamicStrides::denseOuter))
    return false;
  int64_t bytes = elementBytes(type.getElementType());
  Value v = memref;
  while (Operation *def = v.getDefiningOp()) {
    if (auto sv = dyn_cast<memref::SubViewOp>(def)) {
      int64_t inner = sv.getStaticOffsets().back();
      if (!ShapedType::isDynamic(inner) && (inner * bytes) % 16 != 0)
        return false;
      v = sv.getSource();
    } else if (isa<memref::CastOp>(def)) {
      v = def->getOperand(0);
    } else {
      break;
    }
  }
  return hasAligned16ByteRows(cast<MemRefType>(v.getType()),
                              /*dynamicOffset=*/false,
                              dynamicRowStride ? DynamicStrides::denseWithRow
                                               : DynamicStrides::denseOuter);
}

/// How the rows of a 2-D view are known to start on 16-byte boundaries.
enum class RowAlignment {
  none,       ///< not: element accesses
  aligned,    ///< always: 16-byte accesses
  ifRowStride ///< when its dynamic row stride is a multiple of 16 bytes
};

inline RowAlignment rowAlignment16(Value memref) {
  if (hasAligned16ByteRows(memref))
    return RowAlignment::aligned;
  if (hasAligned16ByteRows(memref, /*dynamicRowStride=*/true))
    return RowAlignment::ifRowStride;
  return RowAlignment::none;
}

/// i1: whether the row stride of the 2-D view `memref` is a whole number
/// of 16 bytes (the same for every thread: a uniform branch).
inline Value rowStrideIsAligned16(OpBuilder &b, Location loc, Value memref) {
  auto md = memref::ExtractStridedMetadataOp::create(b, loc, memref);
  IB h{b, loc};
  int64_t elems = 16 / elementBytes(
                           cast<MemRefType>(memref.getType()).getElementType());
  return arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                               h.rem(md.getStrides()[0], elems), h.c(0));
}

/// Emits `aligned(b)` where `alignment` says the rows are aligned,
/// `unaligned(b)` where it says they are not, and a branch on
/// `strideAligned` (rowStrideIsAligned16) between them otherwise.
inline void emitByRowAlignment(OpBuilder &b, Location loc,
                               RowAlignment alignment, Value strideAligned,
                               function_ref<void(OpBuilder &)> aligned,
                               function_ref<void(OpBuilder &)> unaligned) {
  if (alignment != RowAlignment::ifRowStride)
    return alignment == RowAlignment::aligned ? aligned(b) : unaligned(b);
  scf::IfOp::create(
      b, loc, strideAligned,
      [&](OpBuilder &tb, Location l) {
        aligned(tb);
        scf::YieldOp::create(tb, l);
      },
      [&](OpBuilder &eb, Location l) {
        unaligned(eb);
        scf::YieldOp::create(eb, l);
      });
}

/// Hands `total` 16-byte chunks round-robin to the block's `numThreads`
/// threads: calls `emit` with the chunk id that thread `tid` handles in each
/// round, guarded in the last round when `total` is not a multiple of the
/// thread count.
inline void forEachThreadChunk(OpBuilder &b, Location loc, Value tid,
                               int64_t total, int64_t numThreads,
                               function_ref<void(OpBuilder &, Value)> emit) {
  IB h{b, loc};
  for (int64_t first = 0; first < total; first += numThreads) {
    Value chunkId = h.add(tid, first);
    if (first + numThreads <= total) {
      emit(b, chunkId);
      continue;
    }
    auto ifOp = scf::IfOp::create(b, loc, h.ult(chunkId, h.c(total)), false);
    OpBuilder ib = OpBuilder::atBlockBegin(ifOp.thenBlock());
    emit(ib, chunkId);
  }
}

/// A tile staged in shared memory (rows of `rowBytes`, its 16-byte chunks
/// swizzled as IB::swizzleCol with `rowStep`) read back in 16-byte chunks
/// handed round-robin to the block's threads: `store` gets each chunk's
/// tile row, chunk index within the row and `epc` elements. Both GEMM and
/// attention outputs leave through it.
inline void forEachStagedChunk(
    OpBuilder &b, Location loc, Value tid, int64_t numThreads, Value staging,
    int64_t rows, int64_t rowBytes, int64_t epc, int64_t rowStep,
    function_ref<void(OpBuilder &, Value row, Value chunk, Value v)> store) {
  int64_t chunksPerRow = rowBytes / 16;
  auto elemType = cast<MemRefType>(staging.getType()).getElementType();
  auto chunkType = VectorType::get({epc}, elemType);
  forEachThreadChunk(
      b, loc, tid, rows * chunksPerRow, numThreads,
      [&](OpBuilder &ob, Value chunkId) {
        IB c{ob, loc};
        auto pos =
            ::fused::layout::copyChunkPosition(c, chunkId, chunksPerRow);
        Value v = vector::LoadOp::create(
            ob, loc, chunkType, staging,
            ValueRange{pos.row, c.swizzleCol(pos.row, pos.chunk, rowBytes, epc,
                                             rowStep)},
            /*nontemporal=*/false, llvm::MaybeAlign(16));
        store(ob, pos.row, pos.chunk, v);
      });
}

/// One mma.sync m16n8k16 with f32 accumulation: `a` is vector<4x2xT>,
/// `bFrag` vector<2x2xT>, `c` and the result vector<2x2xf32>.
inline Value emitMma(OpBuilder &b, Location loc, Type elemType, Value a,
                     Value bFrag, Value c) {
  if (elemType.isF16())
    return nvgpu::MmaSyncOp::create(b, loc, a, bFrag, c,
                                    b.getI64ArrayAttr({16, 8, 16}));
  // bf16: nvvm.mma.sync on 32-bit registers holding bf16 pairs.
  auto i32 = b.getI32Type();
  auto toI32 = [&](Value pair) -> Value {
    Value v =
        vector::BitCastOp::create(b, loc, VectorType::get({1}, i32), pair);
    return vector::ExtractOp::create(b, loc, v, ArrayRef<int64_t>{0});
  };
  SmallVector<Value> aRegs, bRegs, cRegs;
  for (int64_t i = 0; i < 4; ++i)
    aRegs.push_back(
        toI32(vector::ExtractOp::create(b, loc, a, ArrayRef<int64_t>{i})));
  for (int64_t i = 0; i < 2; ++i)
    bRegs.push_back(
        toI32(vector::ExtractOp::create(b, loc, bFrag, ArrayRef<int64_t>{i})));
  for (int64_t i = 0; i < 4; ++i)
    cRegs.push_back(
        vector::ExtractOp::create(b, loc, c, ArrayRef<int64_t>{i / 2, i % 2}));
  auto f32 = b.getF32Type();
  auto resType =
      LLVM::LLVMStructType::getLiteral(b.getContext(), {f32, f32, f32, f32});
  auto op = NVVM::MmaOp::create(
      b, loc, resType, aRegs, bRegs, cRegs, ArrayRef<int64_t>{16, 8, 16},
      std::nullopt, std::nullopt,
      std::array<NVVM::MMATypes, 2>{NVVM::MMATypes::bf16, NVVM::MMATypes::bf16},
      std::array<NVVM::MMALayout, 2>{NVVM::MMALayout::row,
                                     NVVM::MMALayout::col});
  SmallVector<Value> parts;
  for (int64_t i = 0; i < 4; ++i)
    parts.push_back(LLVM::ExtractValueOp::create(b, loc, op.getResult(),
                                                 ArrayRef<int64_t>{i}));
  Value flat =
      vector::FromElementsOp::create(b, loc, VectorType::get({4}, f32), parts);
  return vector::ShapeCastOp::create(b, loc, VectorType::get({2, 2}, f32),
                                     flat);
}

/// ldmatrix.x4 of 16-bit `elemType` at (row, col) of a shared-memory tile.
inline Value emitLdMatrix(OpBuilder &b, Location loc, Type elemType, Value tile,
                          Value row, Value col, bool transpose) {
  auto type = VectorType::get({4, 2}, elemType);
  return nvgpu::LdMatrixOp::create(b, loc, type, tile, ValueRange{row, col},
                                   b.getBoolAttr(transpose),
                                   b.getI32IntegerAttr(4));
}

/// One 16-byte cp.async (L1 bypass) of `elements` elements (8 of 16 bits,
/// or 4 of 32) from `src` at `srcIndices` into shared `dst` at
/// `dstIndices`, copying `validElements` of them and zero-filling the rest.
inline void emitAsyncCopy16(OpBuilder &b, Location loc, Value dst,
                            ValueRange dstIndices, Value src,
                            ValueRange srcIndices, Value validElements,
                            int64_t elements = 8) {
  nvgpu::DeviceAsyncCopyOp::create(
      b, loc, nvgpu::DeviceAsyncTokenType::get(b.getContext()), dst,
      dstIndices, src, srcIndices, b.getIndexAttr(elements), validElements,
      b.getUnitAttr());
}

/// The B fragments of the two adjacent 8-column n-tiles that one
/// ldmatrix.x4 (vector<4x2xT>, from layout::bFragmentSegment) holds.
inline std::array<Value, 2> splitBFragments(OpBuilder &b, Location loc,
                                            Value x4) {
  std::array<Value, 2> out;
  for (int64_t half = 0; half < 2; ++half)
    out[half] = vector::ExtractStridedSliceOp::create(
        b, loc, x4, ArrayRef<int64_t>{2 * half, 0}, ArrayRef<int64_t>{2, 2},
        ArrayRef<int64_t>{1, 1});
  return out;
}

//===----------------------------------------------------------------------===//
// f32 operands on bf16 tensor cores (docs/Rationale.md, "f32 GEMM operands")
//===----------------------------------------------------------------------===//

/// The row step of the xor16 swizzle (layout::swizzledColumn) of the
/// shared tile `tile`, a view of a ring: 2 for xor16_pairs, else 1.
inline int64_t swizzleRowStep(Value tile) {
  Value v = tile;
  while (Operation *def = v.getDefiningOp()) {
    if (auto swizzle =
            FusedDialect::SwizzleAttrHelper(def->getContext()).getAttr(def))
      return swizzle.getValue() == Swizzle::xor16_pairs ? 2 : 1;
    if (!isa<memref::SubViewOp, memref::CastOp>(def))
      break;
    v = def->getOperand(0);
  }
  return 1;
}

/// Element (`r`, `c`) of the f32 shared tile `tile` (xor16-swizzled rows
/// of 4-element chunks), `count` (1 or 2) adjacent elements of its row.
inline SmallVector<Value> loadF32(OpBuilder &b, Location loc, Value tile,
                                  Value r, Value c, int64_t count) {
  IB h{b, loc};
  int64_t rowBytes = cast<MemRefType>(tile.getType()).getDimSize(1) * 4;
  Value col = h.add(
      h.swizzleCol(r, h.div(c, 4), rowBytes, 4, swizzleRowStep(tile)),
      h.rem(c, 4));
  if (count == 1)
    return {memref::LoadOp::create(b, loc, tile, ValueRange{r, col})};
  // A pair at an even column stays inside its 16-byte chunk.
  Value v = vector::LoadOp::create(
      b, loc, VectorType::get({2}, b.getF32Type()), tile, ValueRange{r, col},
      /*nontemporal=*/false, llvm::MaybeAlign(8));
  return {vector::ExtractOp::create(b, loc, v, ArrayRef<int64_t>{0}),
          vector::ExtractOp::create(b, loc, v, ArrayRef<int64_t>{1})};
}

/// Logical element (`i`, `j`) of a K-major or not f32 tile and (i, j + 1):
/// `ijMajor` says the tile is stored [i][j] (the pair is adjacent).
inline SmallVector<Value> loadPair(OpBuilder &b, Location loc, Value tile,
                                   Value i, Value j, bool ijMajor) {
  if (ijMajor)
    return loadF32(b, loc, tile, i, j, 2);
  IB h{b, loc};
  Value first = loadF32(b, loc, tile, j, i, 1)[0];
  Value second = loadF32(b, loc, tile, h.add(j, 1), i, 1)[0];
  return {first, second};
}

/// The bf16 parts of `x`: hi = bf16(x), mid = bf16(x - hi), lo =
/// bf16(x - hi - mid). The differences are exact in f32; an infinite x
/// (whose difference is NaN) gets zero mid and lo parts.
inline std::array<Value, 3> splitBf16(OpBuilder &b, Location loc, Value x) {
  Type bf16 = b.getBF16Type(), f32 = b.getF32Type();
  Value zero = arith::ConstantOp::create(b, loc, b.getF32FloatAttr(0.0f));
  std::array<Value, 3> parts;
  Value rest = x;
  for (int64_t p = 0; p < 3; ++p) {
    parts[p] = arith::TruncFOp::create(b, loc, bf16, rest);
    if (p == 2)
      break;
    Value diff = arith::SubFOp::create(
        b, loc, rest, arith::ExtFOp::create(b, loc, f32, parts[p]));
    Value ordered = arith::CmpFOp::create(b, loc, arith::CmpFPredicate::ORD,
                                          diff, diff);
    rest = arith::SelectOp::create(b, loc, ordered, diff, zero);
  }
  return parts;
}

/// Fragments of each part from their f32 elements (in register order).
inline std::array<Value, 3> fragmentParts(OpBuilder &b, Location loc,
                                          ArrayRef<Value> elements,
                                          ArrayRef<int64_t> shape) {
  std::array<SmallVector<Value>, 3> parts;
  for (Value x : elements) {
    auto split = splitBf16(b, loc, x);
    for (int64_t p = 0; p < 3; ++p)
      parts[p].push_back(split[p]);
  }
  std::array<Value, 3> frags;
  auto type = VectorType::get(shape, b.getBF16Type());
  for (int64_t p = 0; p < 3; ++p)
    frags[p] = vector::FromElementsOp::create(b, loc, type, parts[p]);
  return frags;
}

/// The six products of (A part, B part) that f32 operands split in three
/// bf16 parts accumulate, smallest first: those whose orders add up to at
/// most 2 (the three dropped ones are below 2^-24 of the product).
inline constexpr std::array<std::pair<int, int>, 6> kSplitProducts = {
    {{1, 1}, {2, 0}, {0, 2}, {1, 0}, {0, 1}, {0, 0}}};

/// The gpu.module that holds every generated kernel.
constexpr llvm::StringLiteral kGpuModuleName = "fused_kernels";

/// The kernels' gpu.module of `module` (created at its end if missing);
/// `module` becomes a gpu.container_module.
inline gpu::GPUModuleOp getOrCreateKernelModule(ModuleOp module) {
  module->setAttr(gpu::GPUDialect::getContainerModuleAttrName(),
                  UnitAttr::get(module.getContext()));
  if (auto existing = module.lookupSymbol<gpu::GPUModuleOp>(kGpuModuleName))
    return existing;
  OpBuilder b = OpBuilder::atBlockEnd(module.getBody());
  return gpu::GPUModuleOp::create(b, module.getLoc(), kGpuModuleName);
}

/// `@fused_kernels::@name`, what a fused.launch of a kernel names.
inline SymbolRefAttr kernelRef(gpu::GPUFuncOp kernel) {
  return SymbolRefAttr::get(kernel.getContext(), kGpuModuleName,
                            {FlatSymbolRefAttr::get(kernel.getNameAttr())});
}

} // namespace fused::fused::gpu_builders

#endif // FUSED_LIB_CONVERSION_GPUBUILDERS_H
