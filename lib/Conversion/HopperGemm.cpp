//===- HopperGemm.cpp - GEMM kernels of the Hopper path (sm_90a) ----------===//
//
// A `fused.kernel gemm` with 16-bit operands on sm_90/sm_90a becomes one
// warp-specialised kernel: warpgroup 0 is the producer, whose first thread
// loads the A and B tiles of each 64-deep K step by TMA into a ring of
// `stages` shared-memory stages (128-byte swizzle, tile bases aligned to
// 1024 bytes) and completes them on the stage's "full" mbarrier; one or
// two consumer warpgroups (64 rows of the block's M each) wait for a
// stage, multiply it with four wgmma.mma_async m64nNk16 from shared-memory
// descriptors into f32 accumulators in registers, keep that group in
// flight while they wait for the next stage, and release a stage on its
// "empty" mbarrier once the wait for the following one retired its group.
// With two consumers the producer gives its registers to them
// (setmaxnreg 40 / 232) and the block tile is 128 x 256 where that pads N
// no further than 128 and the grid still fills the SMs. The epilogue chain
// (bias, activation, residual, cast) runs on the accumulators in
// registers; where the output's rows are whole 16-byte units each consumer
// warp stages 16 rows x 128 bytes at a time in shared memory (128-byte
// swizzle) and one lane writes them by a TMA store, else each thread
// stores its own elements, two adjacent columns at a time where rows have
// an even length. Tails in M, N and K: TMA fills out-of-bounds elements
// with zeros and clips its stores; the thread stores are predicated.
// Sizes may be dynamic: the tensor maps are encoded at launch from the
// arguments' sizes.
//
// What is not here yet (docs/Rationale.md, "The Hopper path"): a
// persistent grid, clusters, split-K for small M.
//
//===----------------------------------------------------------------------===//

#include "HopperGemm.h"
#include "KernelBuilders.h"

#include "fused/Conversion/Elementwise.h"
#include "fused/Conversion/KernelStrategy.h"

#include "mlir/Dialect/LLVMIR/NVVMDialect.h"

using namespace mlir;
using namespace fused::fused;
using namespace fused::kernel_builders;

namespace fused {
namespace {

constexpr int64_t kBlockK = 64;    // One 128-byte swizzle row of 16-bit K.
constexpr int64_t kSwizzle = 128;  // Bytes.
constexpr int64_t kBarrierBytes = 1024;
/// A consumer warp's output staging buffer: 16 rows of 128 bytes.
constexpr int64_t kStagingBufferBytes = 2048;

/// The contiguous (innermost) dimension of `t` in elements, or nothing when
/// it is dynamic.
std::optional<int64_t> innerSize(RankedTensorType t) {
  int64_t n = t.getShape().back();
  return ShapedType::isDynamic(n) ? std::nullopt : std::optional(n);
}

} // namespace

std::optional<HopperGemmPlan> planHopperGemm(KernelOp kernel,
                                             const Target &target) {
  if (!target.isHopper() || !target.archSpecific ||
      kernel.getKind() != KernelKind::gemm)
    return std::nullopt;
  // An explicit #fused.gemm_config names the Ampere-class kernel.
  for (Operation &op : kernel.getBody().front())
    if (op.hasAttr("fused.config"))
      return std::nullopt;
  if (kernel->hasAttr("fused.config"))
    return std::nullopt;
  Block &body = kernel.getBody().front();
  MatmulOp mm;
  for (Operation &op : body)
    if ((mm = dyn_cast<MatmulOp>(op)))
      break;
  if (!mm || !mm.getAccumulatorType().isF32())
    return std::nullopt;
  auto a = mm.getA().getType(), b = mm.getB().getType();
  Type et = a.getElementType();
  if ((!et.isF16() && !et.isBF16()) || b.getElementType() != et)
    return std::nullopt;
  auto argA = dyn_cast<BlockArgument>(mm.getA());
  auto argB = dyn_cast<BlockArgument>(mm.getB());
  if (!argA || !argB || argA.getOwner() != &body || argB.getOwner() != &body)
    return std::nullopt;
  // TMA: rows a multiple of 16 bytes, bases 16-byte aligned, rank <= 5.
  for (RankedTensorType t : {a, b}) {
    std::optional<int64_t> inner = innerSize(t);
    if (!inner || *inner % 8 != 0 || t.getRank() > 5)
      return std::nullopt;
  }
  if (!inputsStartAligned(kernel, 16) || mm.getType().getRank() > 5)
    return std::nullopt;
  HopperGemmPlan p;
  p.matmul = mm;
  p.argA = argA.getArgNumber();
  p.argB = argB.getArgNumber();
  p.transA = mm.getTransposeA();
  p.transB = mm.getTransposeB();
  p.bf16 = et.isBF16();
  auto out = mm.getType();
  int64_t rank = out.getRank();
  int64_t m = out.getDimSize(rank - 2), n = out.getDimSize(rank - 1);
  bool smallM = !ShapedType::isDynamic(m) && m <= 64;
  bool smallN = !ShapedType::isDynamic(n) && n <= 64;
  p.consumers = smallM ? 1 : 2;
  p.blockM = 64 * p.consumers;
  if (p.consumers == 2) {
    // One block per SM: launched with 65536 / 384 = 168 registers a
    // thread, the producer warpgroup gives all but 40 back and the
    // consumers take them (128 * 40 + 256 * 232 = 64512).
    p.producerRegisters = 40;
    p.consumerRegisters = 232;
  }
  p.blockN = smallN ? 64 : 128;
  // 128 x 256 tiles halve the A tile loads per output and issue wgmma
  // m64n256k16, where N pads no further than with 128 and the grid still
  // fills the SMs (the batch counted in).
  if (p.consumers == 2 && !ShapedType::isDynamic(m) &&
      !ShapedType::isDynamic(n) && n > 128 &&
      llvm::divideCeil(n, 256) * 256 == llvm::divideCeil(n, 128) * 128) {
    int64_t blocks = llvm::divideCeil(m, 128) * llvm::divideCeil(n, 256);
    for (int64_t d : out.getShape().drop_back(2))
      blocks = ShapedType::isDynamic(d) ? target.smCount : blocks * d;
    if (blocks >= target.smCount)
      p.blockN = 256;
  }
  int64_t k = a.getDimSize(a.getRank() - (p.transA ? 2 : 1));
  p.stages = !ShapedType::isDynamic(k) && k <= 2 * kBlockK ? 2 : 4;
  p.staticK = !ShapedType::isDynamic(k) && k > 0;
  p.exactTiles = !ShapedType::isDynamic(m) && !ShapedType::isDynamic(n) &&
                 m % p.blockM == 0 && n % p.blockN == 0;
  p.stageBytes = (p.blockM + p.blockN) * kBlockK * 2;
  // The output by TMA stores where its rows are whole 16-byte units: each
  // consumer warp stages 16 rows x 128 bytes at a time in one of two
  // buffers of its own.
  auto result = cast<RankedTensorType>(kernel.getResultTypes()[0]);
  Type ot = result.getElementType();
  int64_t outBytes = ot.isF32() ? 4 : (ot.isF16() || ot.isBF16()) ? 2 : 0;
  std::optional<int64_t> outInner = innerSize(result);
  if (outBytes && outInner && *outInner * outBytes % 16 == 0 && rank <= 5) {
    p.outElementBytes = outBytes;
    p.stagingBytes = p.consumers * 4 * 2 * kStagingBufferBytes;
  }
  // Slack to align the tiles to 1024 bytes, the barriers, the ring, the
  // staging buffers.
  auto shared = [&] {
    return 1024 + kBarrierBytes + p.stages * p.stageBytes + p.stagingBytes;
  };
  int64_t limit = target.limits.maxSharedMemoryPerBlock;
  if (shared() > limit && p.stages > 3)
    p.stages = 3;
  if (shared() > limit)
    return std::nullopt;
  p.sharedBytes = shared();
  return p;
}

namespace {

struct Builder {
  const HopperGemmPlan &p;
  KernelOp kernelOp;
  gpu::GPUFuncOp kernel;
  OpBuilder &b;
  Location loc;
  MLIRContext *ctx;
  Type i32, i64;

  RB r() { return RB{b, loc}; }
  Value c32(int64_t v) {
    return arith::ConstantIntOp::create(b, loc, i32, v);
  }
  Value c64(int64_t v) {
    return arith::ConstantIntOp::create(b, loc, i64, v);
  }
  Value toI32(Value index) {
    return arith::IndexCastOp::create(b, loc, i32, index);
  }
  Value toI64(Value index) {
    return arith::IndexCastOp::create(b, loc, i64, index);
  }
  Value add64(Value x, int64_t y) {
    return y ? arith::AddIOp::create(b, loc, x, c64(y)).getResult() : x;
  }
  Value shared3(Value addr) {
    return LLVM::IntToPtrOp::create(b, loc,
                                    LLVM::LLVMPointerType::get(ctx, 3), addr);
  }

  /// Tensor map `i` of the launch configuration.
  Value tensorMap(int64_t i) {
    auto module = kernel->getParentOfType<gpu::GPUModuleOp>();
    auto ptr = LLVM::LLVMPointerType::get(ctx);
    auto fnTy = LLVM::LLVMFunctionType::get(ptr, {i32});
    if (!module.lookupSymbol(kTensorMapCallee)) {
      OpBuilder mb = OpBuilder::atBlockBegin(module.getBody());
      LLVM::LLVMFuncOp::create(mb, loc, kTensorMapCallee, fnTy);
    }
    return LLVM::CallOp::create(b, loc, fnTy,
                                FlatSymbolRefAttr::get(ctx, kTensorMapCallee),
                                ValueRange{c32(i)})
        .getResult();
  }

  /// A wgmma descriptor of the tile at shared address `addr` (i64): 128-byte
  /// swizzle, `lbo` and `sbo` bytes.
  Value descriptor(Value addr, int64_t lbo, int64_t sbo) {
    Value low = arith::AndIOp::create(b, loc, addr, c64(0x3ffff));
    Value start = arith::ShRUIOp::create(b, loc, low, c64(4));
    int64_t fields = ((lbo >> 4) << 16) | ((sbo >> 4) << 32) |
                     (int64_t(1) << 62);
    return arith::OrIOp::create(b, loc, start, c64(fields));
  }

  /// A consumer thread's accumulators: blockN / 2 f32 registers.
  Type accType() {
    return LLVM::LLVMStructType::getLiteral(
        ctx, SmallVector<Type>(p.blockN / 2, b.getF32Type()));
  }

  /// K step `kt`'s stage of the ring (an i64 index) and the parity of the
  /// round of the ring it is in (i32).
  struct Stage {
    Value index, parity;
  };
  Stage stageOf(Value kt) {
    RB rb = r();
    Value s = rb.remi(kt, p.stages), round = rb.divi(kt, p.stages);
    Value index = toI64(s);
    return {index, arith::AndIOp::create(b, loc, toI32(round), c32(1))};
  }
  /// The i64 address `base` + `stride` * the stage's index.
  Value at(const Stage &s, Value base, int64_t stride) {
    return arith::AddIOp::create(
        b, loc, base, arith::MulIOp::create(b, loc, s.index, c64(stride)));
  }

  void build();
  /// The producer's loop: TMA loads of every K step.
  void produce(Value numK, Value full, Value empty, Value tiles,
               ArrayRef<Value> batchIndex, Value m0, Value n0);
  /// A consumer warpgroup's loop; returns its accumulators.
  Value consume(Value numK, Value full, Value empty, Value tiles,
                Value consumer);
  /// K step `kt` of a consumer warpgroup: wait for its stage, multiply it
  /// into `acc` (which the first step does not read), release the stage
  /// of the step before.
  Value step(Value kt, Value acc, bool first, Value full, Value empty,
             Value tiles, Value consumer);
  /// The epilogue of a consumer thread: the chain on its accumulators, the
  /// results stored by the thread itself or staged for TMA stores.
  void epilogue(Value acc, Value consumer, Value tid, Value staging,
                ArrayRef<Value> batchIndex, Value m0, Value n0);
  struct Fragment;
  /// The epilogue's inputs that do not vary along the rows (a bias),
  /// loaded once for a thread's two rows at register i's columns, by
  /// kernel argument.
  using Preloaded = llvm::DenseMap<unsigned, SmallVector<Value>>;
  Preloaded preload(const Fragment &f, int64_t i, int64_t lanes);
  /// Kernel input `arg` of the epilogue at the output's `outIndex`
  /// (broadcast dimensions at 0), `lanes` columns as f32 values.
  SmallVector<Value> loadInput(OpBuilder &lb, unsigned arg,
                               ArrayRef<Value> outIndex, int64_t lanes);
  /// The output's index of (row, col) of the block's batch.
  SmallVector<Value> outputIndex(const Fragment &f, Value row, Value col);
  SmallVector<Value> chainValues(OpBuilder &ib, const Fragment &f, int64_t i,
                                 int64_t lanes, ArrayRef<Value> outIndex,
                                 const Preloaded &pre);
  std::pair<Value, Value> position(const Fragment &f, int64_t i);
  /// Whether register group jj's columns (8 jj + 2 q + ..) are past a
  /// static N that one block column covers (n0 is 0): nothing is loaded
  /// or stored there.
  bool deadColumns(int64_t jj) {
    auto outTy = cast<MemRefType>(
        kernel.getArgument(kernelOp.getInputs().size()).getType());
    int64_t n = outTy.getShape().back();
    return !ShapedType::isDynamic(n) && n <= p.blockN && 8 * jj >= n;
  }
  /// Whether the epilogue chain loads kernel inputs (a bias, a residual).
  bool epilogueReadsInputs() {
    Block &body = kernelOp.getBody().front();
    for (Operation *op = p.matmul->getNextNode(); op; op = op->getNextNode())
      for (Value v : op->getOperands())
        if (auto arg = dyn_cast<BlockArgument>(v);
            arg && arg.getOwner() == &body)
          return true;
    return false;
  }
  void storeDirect(const Fragment &f);
  void storeStaged(const Fragment &f, Value staging);
  /// Coordinates (innermost first) of operand `arg` at matrix position
  /// (`row`, `col`) of its last two dimensions, its batch dimensions from
  /// the output's batch index.
  SmallVector<Value> coords(int64_t arg, Value row, Value col,
                            ArrayRef<Value> batchIndex);
};

SmallVector<Value> Builder::coords(int64_t arg, Value row, Value col,
                                   ArrayRef<Value> batchIndex) {
  auto t = cast<MemRefType>(kernel.getArgument(arg).getType());
  int64_t rank = t.getRank();
  SmallVector<Value> c{toI32(col), toI32(row)};
  for (int64_t d = rank - 3; d >= 0; --d) {
    int64_t outDim = static_cast<int64_t>(batchIndex.size()) - (rank - 2) + d;
    c.push_back(t.getShape()[d] == 1 ? c32(0) : toI32(batchIndex[outDim]));
  }
  return c;
}

void Builder::produce(Value numK, Value full, Value empty, Value tiles,
                      ArrayRef<Value> batchIndex, Value m0, Value n0) {
  RB rb = r();
  Value ticks = c32(10000000);
  Value mapA = tensorMap(0), mapB = tensorMap(1);
  auto loop = scf::ForOp::create(b, loc, rb.idx(0), numK, rb.idx(1));
  OpBuilder::InsertionGuard g(b);
  b.setInsertionPointToStart(loop.getBody());
  Value kt = loop.getInductionVar();
  Stage st = stageOf(kt);
  // The empty barrier's first round passes at once (its previous phase).
  Value parity = arith::XOrIOp::create(b, loc, st.parity, c32(1));
  Value emptyBar = shared3(at(st, empty, 8)), fullBar = shared3(at(st, full, 8));
  NVVM::MBarrierTryWaitParityOp::create(b, loc, emptyBar, parity, ticks);
  NVVM::MBarrierArriveExpectTxOp::create(b, loc, Type(), fullBar,
                                         c32(p.stageBytes),
                                         NVVM::MemScopeKind::CTA, false,
                                         Value());
  Value stage = at(st, tiles, p.stageBytes);
  Value k0 = rb.muli(kt, kBlockK);
  auto load = [&](Value map, Value dst, SmallVector<Value> c) {
    Value p3 = shared3(dst);
    Value p7 = LLVM::AddrSpaceCastOp::create(
        b, loc, LLVM::LLVMPointerType::get(ctx, 7), p3);
    NVVM::CpAsyncBulkTensorGlobalToSharedClusterOp::create(
        b, loc, p7, map, c, fullBar, ValueRange(), Value(), Value(),
        NVVM::TMALoadMode::TILE, false, NVVM::CTAGroupKindAttr(), Value());
  };
  // A: [.., M, K] in one box of blockM x 64; transposed, [.., K, M] in
  // boxes of 64 x 64 per 64 rows of M.
  if (!p.transA) {
    load(mapA, stage, coords(p.argA, m0, k0, batchIndex));
  } else {
    for (int64_t c = 0; c < p.consumers; ++c)
      load(mapA, add64(stage, c * 64 * kSwizzle),
           coords(p.argA, k0, rb.addi(m0, rb.idx(64 * c)), batchIndex));
  }
  // B: [.., K, N] in boxes of 64 x 64 per 64 columns; transposed,
  // [.., N, K] in one box of blockN x 64.
  Value tileB = add64(stage, p.blockM * kBlockK * 2);
  if (!p.transB) {
    for (int64_t c = 0; c < p.blockN / 64; ++c)
      load(mapB, add64(tileB, c * 64 * kSwizzle),
           coords(p.argB, k0, rb.addi(n0, rb.idx(64 * c)), batchIndex));
  } else {
    load(mapB, tileB, coords(p.argB, n0, k0, batchIndex));
  }
}

Value Builder::step(Value kt, Value acc, bool first, Value full, Value empty,
                    Value tiles, Value consumer) {
  RB rb = r();
  Type accTy = accType();
  Stage st = stageOf(kt);
  NVVM::MBarrierTryWaitParityOp::create(b, loc, shared3(at(st, full, 8)),
                                        st.parity, c32(10000000));
  Value stage = at(st, tiles, p.stageBytes);
  // This warpgroup's 64 rows of A: 64 rows of 128 bytes (K-major), or the
  // box of its 64 columns (M-major).
  Value tileA = arith::AddIOp::create(
      b, loc, stage,
      arith::MulIOp::create(b, loc, toI64(consumer), c64(64 * kSwizzle)));
  Value tileB = add64(stage, p.blockM * kBlockK * 2);
  NVVM::WgmmaFenceAlignedOp::create(b, loc);
  auto ty = p.bf16 ? NVVM::WGMMATypes::bf16 : NVVM::WGMMATypes::f16;
  for (int64_t j = 0; j < kBlockK / 16; ++j) {
    // K advances 32 bytes along a K-major row, 16 rows of 128 bytes in an
    // MN-major box.
    Value da = p.transA ? descriptor(add64(tileA, j * 2048), 8192, 1024)
                        : descriptor(add64(tileA, j * 32), 16, 1024);
    Value db = p.transB ? descriptor(add64(tileB, j * 32), 16, 1024)
                        : descriptor(add64(tileB, j * 2048), 8192, 1024);
    // The first multiply of the first step ignores the accumulators
    // (scale-d 0) rather than adding to zeros: registers that ordinary
    // instructions define inside the pipeline make ptxas fence or
    // serialise the wgmma.
    acc = NVVM::WgmmaMmaAsyncOp::create(
        b, loc, accTy, acc, da, db,
        NVVM::MMAShapeAttr::get(ctx, 64, p.blockN, 16), ty, ty,
        NVVM::WGMMATypes::f32,
        first && j == 0 ? NVVM::WGMMAScaleOut::zero : NVVM::WGMMAScaleOut::one,
        NVVM::WGMMAScaleIn::one, NVVM::WGMMAScaleIn::one,
        p.transA ? NVVM::MMALayout::col : NVVM::MMALayout::row,
        p.transB ? NVVM::MMALayout::col : NVVM::MMALayout::row,
        NVVM::MMAIntOverflowAttr());
  }
  NVVM::WgmmaGroupSyncAlignedOp::create(b, loc);
  // One group stays in flight: the wait retires the previous step's, whose
  // stage goes back to the producer.
  NVVM::WgmmaWaitGroupSyncOp::create(b, loc, 1);
  if (!first) {
    Stage previous =
        stageOf(arith::SubIOp::create(b, loc, kt, rb.idx(1)).getResult());
    NVVM::MBarrierArriveOp::create(b, loc, Type(),
                                   shared3(at(previous, empty, 8)), Value());
  }
  return acc;
}

Value Builder::consume(Value numK, Value full, Value empty, Value tiles,
                       Value consumer) {
  RB rb = r();
  Type accTy = accType();
  Value undef = LLVM::PoisonOp::create(b, loc, accTy);
  // The first K step (peeled: it starts the accumulators), where there is
  // one: a K of 0 leaves them zero.
  Value acc;
  if (p.staticK) {
    acc = step(rb.idx(0), undef, true, full, empty, tiles, consumer);
  } else {
    auto any = scf::IfOp::create(
        b, loc, TypeRange{accTy},
        arith::CmpIOp::create(b, loc, arith::CmpIPredicate::ugt, numK,
                              rb.idx(0)),
        true);
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(any.thenBlock());
    scf::YieldOp::create(
        b, loc, step(rb.idx(0), undef, true, full, empty, tiles, consumer));
    b.setInsertionPointToStart(any.elseBlock());
    scf::YieldOp::create(b, loc,
                         LLVM::ZeroOp::create(b, loc, accTy).getResult());
    acc = any.getResult(0);
  }
  auto loop = scf::ForOp::create(b, loc, rb.idx(1), numK, rb.idx(1),
                                 ValueRange{acc});
  {
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(loop.getBody());
    scf::YieldOp::create(b, loc,
                         step(loop.getInductionVar(),
                              loop.getRegionIterArgs()[0], false, full, empty,
                              tiles, consumer));
  }
  // The last step's group; its stage is not loaded again.
  NVVM::WgmmaWaitGroupSyncOp::create(b, loc, 0);
  return loop.getResult(0);
}

/// Where the epilogue runs: a consumer thread's rows and columns.
struct Builder::Fragment {
  Value acc, M, N, rowBase, colBase, warp, lane;
  SmallVector<Value> batchIndex;
  Value m0, n0, consumer;
};

SmallVector<Value> Builder::outputIndex(const Fragment &f, Value row,
                                        Value col) {
  SmallVector<Value> index(f.batchIndex.begin(), f.batchIndex.end());
  index.push_back(row);
  index.push_back(col);
  return index;
}

SmallVector<Value> Builder::loadInput(OpBuilder &lb, unsigned arg,
                                      ArrayRef<Value> outIndex,
                                      int64_t lanes) {
  RB lr{lb, loc};
  Value memref = kernel.getArgument(arg);
  auto mt = cast<MemRefType>(memref.getType());
  int64_t rank = mt.getRank();
  SmallVector<Value> index;
  for (int64_t d = 0; d < rank; ++d)
    index.push_back(mt.getShape()[d] == 1
                        ? lr.idx(0)
                        : outIndex[outIndex.size() - rank + d]);
  bool spans = rank > 0 && mt.getShape().back() != 1;
  SmallVector<Value> e = loadF32(lr, memref, index, spans ? lanes : 1);
  if (e.size() != static_cast<size_t>(lanes))
    e.assign(lanes, e[0]);
  return e;
}

Builder::Preloaded Builder::preload(const Fragment &f, int64_t i,
                                    int64_t lanes) {
  RB rb = r();
  Preloaded pre;
  Block &body = kernelOp.getBody().front();
  auto [row, col] = position(f, i);
  SmallVector<Value> outIndex = outputIndex(f, row, col);
  for (Operation *op = p.matmul->getNextNode(); op; op = op->getNextNode())
    for (Value v : op->getOperands()) {
      auto arg = dyn_cast<BlockArgument>(v);
      if (!arg || arg.getOwner() != &body || pre.count(arg.getArgNumber()))
        continue;
      auto mt = cast<MemRefType>(kernel.getArgument(arg.getArgNumber())
                                     .getType());
      int64_t rank = mt.getRank();
      if (rank >= 2 && mt.getShape()[rank - 2] != 1)
        continue; // It varies along the rows.
      if (p.exactTiles) {
        pre[arg.getArgNumber()] =
            loadInput(b, arg.getArgNumber(), outIndex, lanes);
        continue;
      }
      // Past the last column: zeros (the stores there are clipped or
      // predicated away).
      auto guard = scf::IfOp::create(
          b, loc, SmallVector<Type>(lanes, b.getF32Type()), rb.ult(col, f.N),
          true);
      OpBuilder tb = OpBuilder::atBlockBegin(guard.thenBlock());
      scf::YieldOp::create(tb, loc,
                           loadInput(tb, arg.getArgNumber(), outIndex, lanes));
      OpBuilder eb = OpBuilder::atBlockBegin(guard.elseBlock());
      RB er{eb, loc};
      scf::YieldOp::create(eb, loc, SmallVector<Value>(lanes, er.f(0)));
      pre[arg.getArgNumber()] = SmallVector<Value>(guard.getResults());
    }
  return pre;
}

SmallVector<Value> Builder::chainValues(OpBuilder &ib, const Fragment &f,
                                        int64_t i, int64_t lanes,
                                        ArrayRef<Value> outIndex,
                                        const Preloaded &pre) {
  RB ir{ib, loc};
  Block &body = kernelOp.getBody().front();
  MatmulOp mm = p.matmul;
  auto roundTo = [&](Value v, Type ty) -> Value {
    return ty.isF32() ? v : ir.roundTo(v, ty);
  };
  llvm::DenseMap<Value, SmallVector<Value>> values;
  SmallVector<Value> xs;
  for (int64_t l = 0; l < lanes; ++l) {
    Value x = LLVM::ExtractValueOp::create(ib, loc, f.acc,
                                           ArrayRef<int64_t>{i + l});
    xs.push_back(roundTo(x, mm.getType().getElementType()));
  }
  values[mm.getResult()] = xs;
  // Kernel inputs the epilogue reads, broadcast to the output's index.
  auto operand = [&](Value v) -> SmallVector<Value> {
    if (auto it = values.find(v); it != values.end())
      return it->second;
    if (auto arg = dyn_cast<BlockArgument>(v); arg && arg.getOwner() == &body) {
      if (auto it = pre.find(arg.getArgNumber()); it != pre.end())
        return it->second;
      SmallVector<Value> e = loadInput(ib, arg.getArgNumber(), outIndex, lanes);
      values[v] = e;
      return e;
    }
    return SmallVector<Value>(lanes, ::fused::splatConstantF32(ib, loc, v));
  };
  SmallVector<Value> current = values[mm.getResult()];
  for (Operation *op = mm->getNextNode();
       op && !op->hasTrait<OpTrait::IsTerminator>(); op = op->getNextNode()) {
    SmallVector<SmallVector<Value>> operands;
    for (Value o : op->getOperands())
      operands.push_back(operand(o));
    Type et =
        cast<RankedTensorType>(op->getResult(0).getType()).getElementType();
    current.clear();
    for (int64_t l = 0; l < lanes; ++l) {
      SmallVector<Value> args;
      for (auto &o : operands)
        args.push_back(o[l]);
      current.push_back(roundTo(
          cast<ElementwiseOpInterface>(op).emitF32(ib, loc, args), et));
    }
    values[op->getResult(0)] = current;
  }
  return current;
}

/// Registers i and i + 1 (p = 0, 1 or 2, 3) hold adjacent columns of one
/// row: row 16 w + g + 8 (p / 2), column 8 j + 2 q + p % 2 with j = i / 4.
std::pair<Value, Value> Builder::position(const Fragment &f, int64_t i) {
  RB rb = r();
  int64_t jj = i / 4, pp = i % 4;
  return {rb.addi(f.rowBase, rb.idx(8 * (pp / 2))),
          rb.addi(f.colBase, rb.idx(8 * jj + pp % 2))};
}

void Builder::storeDirect(const Fragment &f) {
  RB rb = r();
  Value out = kernel.getArgument(kernelOp.getInputs().size());
  auto outTy = cast<MemRefType>(out.getType());
  // Where the row length is even a register pair is one 2-element access
  // to every operand that spans the columns (aligned: the column is even).
  int64_t n = outTy.getShape().back();
  bool pairs = !ShapedType::isDynamic(n) && n % 2 == 0;
  int64_t lanes = pairs ? 2 : 1;
  // Registers 4 jj + 2 half + sub: rows g + 8 half, columns 8 jj + 2 q +
  // sub (a pair: sub 0 only).
  for (int64_t jj = 0; jj < p.blockN / 8; ++jj)
    for (int64_t sub = 0; sub < 2 && !deadColumns(jj); sub += lanes) {
      Preloaded pre = preload(f, 4 * jj + sub, lanes);
      for (int64_t half = 0; half < 2; ++half) {
        int64_t i = 4 * jj + 2 * half + sub;
        auto [row, col] = position(f, i);
        OpBuilder ib = b;
        if (!p.exactTiles) {
          Value ok = arith::AndIOp::create(b, loc, rb.ult(row, f.M),
                                           rb.ult(col, f.N));
          auto guard = scf::IfOp::create(b, loc, ok, false);
          ib = OpBuilder::atBlockBegin(guard.thenBlock());
        }
        RB ir{ib, loc};
        SmallVector<Value> outIndex = outputIndex(f, row, col);
        storeF32(ir, chainValues(ib, f, i, lanes, outIndex, pre), out,
                 outIndex);
      }
    }
}

void Builder::storeStaged(const Fragment &f, Value staging) {
  RB rb = r();
  Value out = kernel.getArgument(kernelOp.getInputs().size());
  Type et = cast<MemRefType>(out.getType()).getElementType();
  int64_t eb = p.outElementBytes;
  int64_t chunkCols = kSwizzle / eb, chunks = p.blockN / chunkCols;
  Type f32 = b.getF32Type();
  Value zero = rb.f(0);
  Value mapOut = tensorMap(2);
  bool guarded = !p.exactTiles && epilogueReadsInputs();
  Value lane0 = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                      f.lane, rb.idx(0));
  Value full = c32(-1);
  // The warp's two buffers: 16 rows of 128 bytes each, swizzled as the
  // tensor map's 128-byte mode lays a box out.
  Value warpIndex = rb.addi(rb.muli(f.consumer, 4), f.warp);
  Value buffers = arith::AddIOp::create(
      b, loc, staging,
      arith::MulIOp::create(b, loc, toI64(warpIndex),
                            c64(2 * kStagingBufferBytes)));
  Value g = rb.divi(f.lane, 4), q = rb.remi(f.lane, 4);
  auto onLane0 = [&](llvm::function_ref<void()> body) {
    auto only = scf::IfOp::create(b, loc, lane0, false);
    OpBuilder::InsertionGuard gd(b);
    b.setInsertionPointToStart(only.thenBlock());
    body();
  };
  for (int64_t c = 0; c < chunks; ++c) {
    Value buffer = add64(buffers, (c % 2) * kStagingBufferBytes);
    if (c >= 2) {
      // The store that read this buffer two chunks ago is done reading.
      onLane0([&] { NVVM::CpAsyncBulkWaitGroupOp::create(b, loc, 1,
                                                         b.getUnitAttr()); });
      NVVM::SyncWarpOp::create(b, loc, full);
    }
    // The chunk's register pairs: (jj, half) = (i / 4 within the chunk,
    // i % 4 / 2), columns 8 jj + 2 q and rows g + 8 half.
    int64_t groups = chunkCols / 8;
    SmallVector<std::array<Value, 2>> pairs;
    Preloaded pre;
    for (int64_t i = c * chunkCols / 2; i < (c + 1) * chunkCols / 2; i += 2) {
      if (deadColumns(i / 4)) {
        pairs.push_back({zero, zero}); // Clipped by the store.
        continue;
      }
      if (i % 4 == 0)
        pre = preload(f, i, 2);
      auto [row, col] = position(f, i);
      SmallVector<Value> outIndex = outputIndex(f, row, col);
      // The store clips what is out of bounds: a guard only keeps the
      // epilogue's loads of inputs in bounds (as zeros), where tiles do not
      // divide the output.
      if (!guarded) {
        SmallVector<Value> v = chainValues(b, f, i, 2, outIndex, pre);
        pairs.push_back({v[0], v[1]});
        continue;
      }
      Value ok = arith::AndIOp::create(b, loc, rb.ult(row, f.M),
                                       rb.ult(col, f.N));
      auto guard = scf::IfOp::create(b, loc, TypeRange{f32, f32}, ok, true);
      OpBuilder ib = OpBuilder::atBlockBegin(guard.thenBlock());
      scf::YieldOp::create(ib, loc, chainValues(ib, f, i, 2, outIndex, pre));
      OpBuilder eb2 = OpBuilder::atBlockBegin(guard.elseBlock());
      scf::YieldOp::create(eb2, loc, ValueRange{zero, zero});
      pairs.push_back({guard.getResult(0), guard.getResult(1)});
    }
    // Stores of row g + 8 half, 16-byte unit (8 jj + 2 q) * eb / 16 XORed
    // with the row modulo 8 (the 128-byte swizzle). With 2-byte elements a
    // warp's store covers 8 rows' units jj ^ g: no bank conflicts. With
    // 4-byte elements two lanes share a unit and rows g and g ^ 1 would
    // meet in the same units; store k of a lane then takes group
    // jj = k ^ (g % 4) (a select), which spreads each half-warp over 32
    // banks.
    Value swap = eb == 4 ? rb.remi(g, 4) : Value();
    for (int64_t half = 0; half < 2; ++half)
      for (int64_t k = 0; k < groups; ++k) {
        Value jj = rb.idx(k);
        std::array<Value, 2> v = pairs[2 * k + half];
        if (swap) {
          jj = arith::XOrIOp::create(b, loc, jj, swap);
          for (int64_t e = 0; e < 2; ++e)
            for (int64_t other = 0; other < groups; ++other)
              if (other != k)
                v[e] = rb.select(
                    arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                          jj, rb.idx(other)),
                    pairs[2 * other + half][e], v[e]);
        }
        Value localRow = rb.addi(g, rb.idx(8 * half));
        Value byte = rb.muli(rb.addi(rb.muli(jj, 8), rb.muli(q, 2)), eb);
        Value unit = arith::XOrIOp::create(b, loc, rb.divi(byte, 16),
                                           rb.remi(localRow, 8));
        Value offset = rb.addi(
            rb.addi(rb.muli(localRow, kSwizzle), rb.muli(unit, 16)),
            rb.remi(byte, 16));
        Value packed = vector::FromElementsOp::create(
            b, loc, VectorType::get({2}, et),
            ValueRange{rb.fromF32(v[0], et), rb.fromF32(v[1], et)});
        Value addr = arith::AddIOp::create(b, loc, buffer, toI64(offset));
        LLVM::StoreOp::create(b, loc, packed, shared3(addr), 2 * eb);
      }
    // The stores become visible to the TMA unit, then lane 0 stores the
    // box of the warp's 16 rows.
    NVVM::FenceProxyOp::create(
        b, loc, NVVM::ProxyKind::async_shared,
        NVVM::SharedSpaceAttr::get(ctx, NVVM::SharedSpace::shared_cta));
    NVVM::SyncWarpOp::create(b, loc, full);
    onLane0([&] {
      RB ib = r();
      Value row0 = ib.addi(ib.addi(f.m0, ib.muli(f.consumer, 64)),
                           ib.muli(f.warp, 16));
      Value col0 = ib.addi(f.n0, ib.idx(c * chunkCols));
      SmallVector<Value> coords = this->coords(
          kernelOp.getInputs().size(), row0, col0, f.batchIndex);
      NVVM::CpAsyncBulkTensorSharedCTAToGlobalOp::create(
          b, loc, mapOut, shared3(buffer), coords, Value(),
          NVVM::TMAStoreMode::TILE, Value());
      NVVM::CpAsyncBulkCommitGroupOp::create(b, loc);
    });
  }
  onLane0([&] {
    NVVM::CpAsyncBulkWaitGroupOp::create(b, loc, 0, b.getUnitAttr());
  });
}

void Builder::epilogue(Value acc, Value consumer, Value tid, Value staging,
                       ArrayRef<Value> batchIndex, Value m0, Value n0) {
  RB rb = r();
  Value out = kernel.getArgument(kernelOp.getInputs().size());
  auto outTy = cast<MemRefType>(out.getType());
  int64_t rank = outTy.getRank();
  auto size = [&](int64_t d) -> Value {
    int64_t n = outTy.getShape()[d];
    return ShapedType::isDynamic(n)
               ? memref::DimOp::create(b, loc, out, d).getResult()
               : rb.idx(n);
  };
  Fragment f;
  f.acc = acc;
  f.M = size(rank - 2);
  f.N = size(rank - 1);
  Value t = rb.remi(tid, 128);
  f.warp = rb.divi(t, 32);
  f.lane = rb.remi(t, 32);
  Value g = rb.divi(f.lane, 4), q = rb.remi(f.lane, 4);
  f.rowBase = rb.addi(rb.addi(m0, rb.muli(consumer, 64)),
                      rb.addi(rb.muli(f.warp, 16), g));
  f.colBase = rb.addi(n0, rb.muli(q, 2));
  f.batchIndex.assign(batchIndex.begin(), batchIndex.end());
  f.m0 = m0;
  f.n0 = n0;
  f.consumer = consumer;
  if (p.outElementBytes)
    storeStaged(f, staging);
  else
    storeDirect(f);
}

void Builder::build() {
  RB rb = r();
  Value tid = gpu::ThreadIdOp::create(b, loc, gpu::Dimension::x);
  Value bx = gpu::BlockIdOp::create(b, loc, gpu::Dimension::x);
  Value by = gpu::BlockIdOp::create(b, loc, gpu::Dimension::y);
  Value bz = gpu::BlockIdOp::create(b, loc, gpu::Dimension::z);
  Value out = kernel.getArgument(kernelOp.getInputs().size());
  auto outTy = cast<MemRefType>(out.getType());
  int64_t rank = outTy.getRank();
  // The batch index of this block, from the output's batch dimensions.
  SmallVector<int64_t> batchDims(outTy.getShape().begin(),
                                 outTy.getShape().end() - 2);
  SmallVector<Value> batchDynamic;
  bool dynamicBatch = false;
  for (int64_t d = 0; d < rank - 2; ++d) {
    bool dyn = ShapedType::isDynamic(batchDims[d]);
    dynamicBatch |= dyn;
    batchDynamic.push_back(dyn ? memref::DimOp::create(b, loc, out, d).getResult()
                               : Value());
  }
  SmallVector<Value> batchIndex =
      rank == 2 ? SmallVector<Value>()
      : dynamicBatch ? delinearize(rb, bz, batchDims, batchDynamic)
                     : delinearize(rb, bz, batchDims);
  Value m0 = rb.muli(by, p.blockM), n0 = rb.muli(bx, p.blockN);

  // Shared memory: the barriers in the first KiB at a 1024-byte boundary,
  // then the ring.
  auto wg = gpu::AddressSpaceAttr::get(ctx, gpu::AddressSpace::Workgroup);
  Value smem = gpu::DynamicSharedMemoryOp::create(
      b, loc,
      MemRefType::get({ShapedType::kDynamic}, b.getI8Type(),
                      MemRefLayoutAttrInterface(), wg));
  Value raw = toI64(memref::ExtractAlignedPointerAsIndexOp::create(b, loc, smem));
  Value base = arith::AndIOp::create(b, loc, add64(raw, 1023), c64(~int64_t(1023)));
  Value full = base, empty = add64(base, 64);
  Value tiles = add64(base, kBarrierBytes);

  Value first = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq, tid,
                                      rb.idx(0));
  {
    auto init = scf::IfOp::create(b, loc, first, false);
    OpBuilder::InsertionGuard gd(b);
    b.setInsertionPointToStart(init.thenBlock());
    for (int64_t s = 0; s < p.stages; ++s) {
      NVVM::MBarrierInitOp::create(b, loc, shared3(add64(full, 8 * s)),
                                   c32(1), Value());
      NVVM::MBarrierInitOp::create(b, loc, shared3(add64(empty, 8 * s)),
                                   c32(128 * p.consumers), Value());
    }
    NVVM::FenceMbarrierInitOp::create(b, loc);
  }
  gpu::BarrierOp::create(b, loc);

  auto aTy = cast<MemRefType>(kernel.getArgument(p.argA).getType());
  int64_t kDim = aTy.getRank() - (p.transA ? 2 : 1);
  Value K = ShapedType::isDynamic(aTy.getShape()[kDim])
                ? memref::DimOp::create(b, loc, kernel.getArgument(p.argA), kDim)
                      .getResult()
                : rb.idx(aTy.getShape()[kDim]);
  Value numK = rb.divi(rb.addi(K, rb.idx(kBlockK - 1)), kBlockK);

  Value warpgroup = rb.divi(tid, 128);
  Value producer = arith::CmpIOp::create(b, loc, arith::CmpIPredicate::eq,
                                         warpgroup, rb.idx(0));
  auto split = scf::IfOp::create(b, loc, producer, true);
  {
    OpBuilder::InsertionGuard gd(b);
    b.setInsertionPointToStart(split.thenBlock());
    if (p.producerRegisters)
      NVVM::SetMaxRegisterOp::create(b, loc, p.producerRegisters,
                                     NVVM::SetMaxRegisterAction::decrease);
    auto issue = scf::IfOp::create(b, loc, first, false);
    b.setInsertionPointToStart(issue.thenBlock());
    produce(numK, full, empty, tiles, batchIndex, m0, n0);
  }
  {
    OpBuilder::InsertionGuard gd(b);
    b.setInsertionPointToStart(split.elseBlock());
    if (p.consumerRegisters)
      NVVM::SetMaxRegisterOp::create(b, loc, p.consumerRegisters,
                                     NVVM::SetMaxRegisterAction::increase);
    Value consumer = arith::SubIOp::create(b, loc, warpgroup, rb.idx(1));
    Value acc = consume(numK, full, empty, tiles, consumer);
    epilogue(acc, consumer, tid,
             add64(tiles, p.stages * p.stageBytes), batchIndex, m0, n0);
  }
  gpu::ReturnOp::create(b, loc);
}

} // namespace

FailureOr<gpu::GPUFuncOp> buildHopperGemm(const HopperGemmPlan &p,
                                          KernelOp kernelOp,
                                          gpu::GPUModuleOp module,
                                          StringRef name) {
  MLIRContext *ctx = kernelOp.getContext();
  int64_t threads = 128 * (1 + p.consumers);
  gpu::GPUFuncOp kernel = createKernelShell(kernelOp, module, name, threads);
  if (p.producerRegisters)
    // ptxas ignores setmaxnreg unless it knows the register count at entry:
    // the thread count (maxntid) and one block per SM.
    kernel->setAttr("nvvm.minctasm",
                    IntegerAttr::get(IntegerType::get(ctx, 32), 1));
  Block &entry = kernel.getBody().front();
  OpBuilder b = OpBuilder::atBlockEnd(&entry);
  Location loc = kernelOp.getLoc();
  Builder builder{p, kernelOp, kernel, b, loc, ctx, b.getI32Type(),
                  b.getI64Type()};
  builder.build();

  // Grid: (ceil(N / blockN), ceil(M / blockM), batch), from the output's
  // sizes where they are dynamic.
  auto outTy = cast<MemRefType>(kernel.getArgument(kernelOp.getInputs().size())
                                    .getType());
  unsigned outArg = kernelOp.getInputs().size();
  int64_t rank = outTy.getRank();
  SmallVector<int64_t> grid(3, 1);
  std::vector<std::string> sizes(3);
  auto tiles = [&](int64_t d, int64_t block, int axis) {
    int64_t n = outTy.getShape()[d];
    if (ShapedType::isDynamic(n)) {
      grid[axis] = 0;
      sizes[axis] = ceilDivExpr(argDimName(outArg, d), block);
    } else {
      grid[axis] = (n + block - 1) / block;
    }
  };
  tiles(rank - 1, p.blockN, 0);
  tiles(rank - 2, p.blockM, 1);
  SmallVector<int64_t> batch(outTy.getShape().begin(),
                             outTy.getShape().end() - 2);
  batch.append({1, 1});
  if (llvm::any_of(ArrayRef<int64_t>(batch).drop_back(2),
                   [](int64_t d) { return ShapedType::isDynamic(d); })) {
    grid[2] = 0;
    int64_t fixed = 1;
    for (int64_t d : ArrayRef<int64_t>(batch).drop_back(2))
      if (!ShapedType::isDynamic(d))
        fixed *= d;
    sizes[2] = timesDynamicSizesExpr(fixed, outArg, batch);
  } else {
    for (int64_t d : ArrayRef<int64_t>(batch).drop_back(2))
      grid[2] *= d;
  }
  bool dynamicGrid = llvm::any_of(sizes, [](auto &s) { return !s.empty(); });
  ArrayAttr gridSizes;
  if (dynamicGrid) {
    SmallVector<Attribute> s;
    for (auto &e : sizes)
      s.push_back(StringAttr::get(ctx, e));
    gridSizes = ArrayAttr::get(ctx, s);
  }
  auto boxOf = [&](int64_t arg, int64_t rows, int64_t cols) {
    auto t = cast<MemRefType>(kernel.getArgument(arg).getType());
    SmallVector<int64_t> box(t.getRank() - 2, 1);
    box.append({rows, cols});
    return box;
  };
  SmallVector<Attribute> maps{
      TensorMapAttr::get(ctx, p.argA,
                         p.transA ? boxOf(p.argA, kBlockK, 64)
                                  : boxOf(p.argA, p.blockM, kBlockK),
                         kSwizzle),
      TensorMapAttr::get(ctx, p.argB,
                         p.transB ? boxOf(p.argB, p.blockN, kBlockK)
                                  : boxOf(p.argB, kBlockK, 64),
                         kSwizzle)};
  if (p.outElementBytes)
    maps.push_back(TensorMapAttr::get(ctx, outArg,
                                      boxOf(outArg, 16, kSwizzle /
                                                            p.outElementBytes),
                                      kSwizzle));
  FusedDialect::LaunchAttrHelper(ctx).setAttr(
      kernel, LaunchConfigAttr::get(ctx, grid, {threads, 1, 1}, p.sharedBytes,
                                    1, gridSizes, ArrayAttr::get(ctx, maps)));
  FusedDialect::GemmConfigAttrHelper(ctx).setAttr(
      kernel, GemmConfigAttr::get(ctx, p.blockM, p.blockN, kBlockK,
                                  4 * p.consumers, 1, p.stages));
  return kernel;
}

} // namespace fused
