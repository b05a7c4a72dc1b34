//===- Emulate.cpp - rewrite NVVM-level kernels for the CPU emulator ------===//
//
// `fused-emulate` takes a module whose gpu.module holds kernels at the NVVM
// level and produces a host module:
//   - every typed GPU operation (special registers, barriers, cp.async and
//     its groups, ldmatrix, mma.sync, shfl.sync, vote.sync) becomes a call to
//     the emulator runtime, with the op's site number for reports;
//   - every load and store that is not to the thread's own stack goes
//     through __fused_emu_access, which checks and counts the access and
//     returns the address to use (the runtime redirects a stray access to a
//     harmless sink after reporting it);
//   - shared-memory globals become offsets into the block's arena
//     (__fused_emu_shared), and all address spaces collapse to the generic
//     one, so global and shared pointers are host pointers;
//   - each kernel gets an entry point __fused_emu_entry_<name>(void **args)
//     that loads its arguments from an array of pointers;
//   - the site table (op name and source location per site) and the static
//     shared-memory size are left in globals for the runtime.
// The host function bodies (fused.launch schedules) and the gpu.module are
// dropped: the caller runs the schedule through the runtime.
//
//===----------------------------------------------------------------------===//

#include "fused/Emulator/Emulate.h"
#include "fused/Target/WgmmaAsm.h"
#include "fused/Dialect/Fused/IR/FusedDialect.h"

#include "fused/Pipeline/Pipeline.h"

#include "mlir/Conversion/ReconcileUnrealizedCasts/ReconcileUnrealizedCasts.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/Dialect/LLVMIR/NVVMDialect.h"
#include "mlir/IR/Builders.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Interfaces/ControlFlowInterfaces.h"
#include "mlir/Interfaces/DataLayoutInterfaces.h"
#include "mlir/Pass/Pass.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "mlir/Target/LLVMIR/Export.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/SetVector.h"
#include "llvm/ADT/StringMap.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Support/raw_ostream.h"


using namespace mlir;

namespace fused::emu {
namespace {

/// The special registers the runtime answers, by the NVVM op's name.
std::optional<int> sregKind(StringRef name) {
  return llvm::StringSwitch<std::optional<int>>(name)
      .Case("nvvm.read.ptx.sreg.tid.x", 0)
      .Case("nvvm.read.ptx.sreg.tid.y", 1)
      .Case("nvvm.read.ptx.sreg.tid.z", 2)
      .Case("nvvm.read.ptx.sreg.ntid.x", 3)
      .Case("nvvm.read.ptx.sreg.ntid.y", 4)
      .Case("nvvm.read.ptx.sreg.ntid.z", 5)
      .Case("nvvm.read.ptx.sreg.ctaid.x", 6)
      .Case("nvvm.read.ptx.sreg.ctaid.y", 7)
      .Case("nvvm.read.ptx.sreg.ctaid.z", 8)
      .Case("nvvm.read.ptx.sreg.nctaid.x", 9)
      .Case("nvvm.read.ptx.sreg.nctaid.y", 10)
      .Case("nvvm.read.ptx.sreg.nctaid.z", 11)
      .Case("nvvm.read.ptx.sreg.laneid", 12)
      .Case("nvvm.read.ptx.sreg.warpid", 13)
      .Case("nvvm.read.ptx.sreg.warpsize", 14)
      .Default(std::nullopt);
}

/// "file:line:col" of the first file location inside `loc`, or "".
std::string formatLocation(Location loc) {
  std::string out;
  loc->walk([&](Location l) {
    if (auto f = dyn_cast<FileLineColLoc>(l)) {
      out = (f.getFilename().getValue() + ":" + Twine(f.getLine()) + ":" +
             Twine(f.getColumn()))
                .str();
      return WalkResult::interrupt();
    }
    return WalkResult::advance();
  });
  return out;
}

bool isStackPointer(Value ptr) {
  while (Operation *def = ptr.getDefiningOp()) {
    if (isa<LLVM::AllocaOp>(def))
      return true;
    if (auto gep = dyn_cast<LLVM::GEPOp>(def)) {
      ptr = gep.getBase();
      continue;
    }
    return false;
  }
  return false;
}

} // namespace

std::optional<KernelAccess> classifyAccess(Operation *op,
                                           const DataLayout &dl) {
  KernelAccess a;
  auto space = [](Value ptr) {
    return cast<LLVM::LLVMPointerType>(ptr.getType()).getAddressSpace();
  };
  if (auto cp = dyn_cast<NVVM::CpAsyncOp>(op)) {
    a.kind = KernelAccess::CpAsync;
    a.addressSpace = 3;
    a.bytes = a.align = cp.getSize();
    return a;
  }
  if (auto ld = dyn_cast<NVVM::LdMatrixOp>(op)) {
    a.kind = KernelAccess::Ldmatrix;
    a.addressSpace = space(ld.getPtr());
    a.ldmatrixNum = ld.getNum();
    a.ldmatrixTrans = ld.getLayout() == NVVM::MMALayout::col;
    a.bytes = a.align = 16;
    return a;
  }
  Value ptr;
  Type valueType;
  std::optional<uint64_t> declared;
  if (auto l = dyn_cast<LLVM::LoadOp>(op)) {
    a.kind = KernelAccess::Load;
    ptr = l.getAddr();
    valueType = l.getType();
    declared = l.getAlignment();
  } else if (auto st = dyn_cast<LLVM::StoreOp>(op)) {
    a.kind = KernelAccess::Store;
    ptr = st.getAddr();
    valueType = st.getValue().getType();
    declared = st.getAlignment();
  } else if (auto r = dyn_cast<LLVM::AtomicRMWOp>(op)) {
    a.kind = KernelAccess::Atomic;
    ptr = r.getPtr();
    valueType = r.getVal().getType();
    declared = r.getAlignment();
  } else if (auto x = dyn_cast<LLVM::AtomicCmpXchgOp>(op)) {
    a.kind = KernelAccess::Atomic;
    ptr = x.getPtr();
    valueType = x.getVal().getType();
    declared = x.getAlignment();
  } else {
    return std::nullopt;
  }
  if (isStackPointer(ptr))
    return std::nullopt;
  a.addressSpace = space(ptr);
  a.bytes = static_cast<int64_t>(dl.getTypeSize(valueType));
  // The op's alignment, else the type's ABI alignment (what the LLVM IR
  // translation assumes for an access without one).
  a.align = declared && *declared ? static_cast<int64_t>(*declared)
                                  : static_cast<int64_t>(
                                        dl.getTypeABIAlignment(valueType));
  return a;
}

namespace {

struct Rewriter {
  ModuleOp module;
  OpBuilder b;
  std::vector<std::string> sites;
  llvm::StringMap<int64_t> sharedOffsets;
  LLVM::LLVMPointerType ptrTy;
  Type i32, i64, voidTy;

  explicit Rewriter(ModuleOp m)
      : module(m), b(m.getContext()),
        ptrTy(LLVM::LLVMPointerType::get(m.getContext())),
        i32(b.getI32Type()), i64(b.getI64Type()),
        voidTy(LLVM::LLVMVoidType::get(m.getContext())) {}

  int site(Operation *op) {
    std::string text = op->getName().getStringRef().str();
    std::string loc = formatLocation(op->getLoc());
    if (!loc.empty())
      text += " at " + loc;
    sites.push_back(text);
    return static_cast<int>(sites.size() - 1);
  }

  /// Declares (once) a runtime function in the top-level module.
  LLVM::LLVMFuncOp runtimeFunc(StringRef name, Type result,
                               ArrayRef<Type> params) {
    if (auto f = module.lookupSymbol<LLVM::LLVMFuncOp>(name))
      return f;
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(module.getBody());
    return LLVM::LLVMFuncOp::create(
        b, module.getLoc(), name, LLVM::LLVMFunctionType::get(result, params));
  }

  Value constI32(Location loc, int64_t v) {
    return LLVM::ConstantOp::create(b, loc, i32, b.getI32IntegerAttr(v));
  }
  Value constI64(Location loc, int64_t v) {
    return LLVM::ConstantOp::create(b, loc, i64, b.getI64IntegerAttr(v));
  }

  Value call(Location loc, StringRef name, Type result, ValueRange args) {
    SmallVector<Type> params;
    // Declared on generic pointers: every address space becomes the host's.
    for (Value a : args)
      params.push_back(isa<LLVM::LLVMPointerType>(a.getType())
                           ? Type(ptrTy)
                           : a.getType());
    LLVM::LLVMFuncOp f = runtimeFunc(name, result, params);
    auto c = LLVM::CallOp::create(b, loc, f, args);
    return isa<LLVM::LLVMVoidType>(result) ? Value() : c.getResult();
  }

  /// scratch + offset bytes.
  Value at(Location loc, Value scratch, int64_t offset) {
    if (offset == 0)
      return scratch;
    return LLVM::GEPOp::create(b, loc, ptrTy, b.getI8Type(), scratch,
                               ArrayRef<LLVM::GEPArg>{static_cast<int32_t>(offset)});
  }

  /// Stores a 32-bit register (i32, f32 or vector<2x16-bit>) as i32 bits.
  void storeReg(Location loc, Value v, Value scratch, int64_t offset) {
    Value bits = v;
    if (v.getType() != i32)
      bits = LLVM::BitcastOp::create(b, loc, i32, v);
    LLVM::StoreOp::create(b, loc, bits, at(loc, scratch, offset));
  }

  LogicalResult rewriteFunction(LLVM::LLVMFuncOp func, const DataLayout &dl);
  LogicalResult run();

  // The function being rewritten: its data layout and a 64-byte scratch
  // buffer for the hooks' payloads (512 bytes for wgmma accumulators, when
  // it has wgmma).
  const DataLayout *dataLayout = nullptr;
  Value scratch, wideScratch;
  Value accumulatorsFromScratch(Location loc, LLVM::LLVMStructType st);
  /// Sites given to wgmma ops before the rewrite (their results' readers
  /// name them).
  llvm::DenseMap<Operation *, int> presetSites;

  int siteOf(Operation *op) {
    auto it = presetSites.find(op);
    return it != presetSites.end() ? it->second : site(op);
  }
  /// Replaces `op` by a call of `hook` that takes only the op's site.
  LogicalResult replaceBySiteCall(Operation *op, StringRef hook) {
    call(op->getLoc(), hook, voidTy, {constI32(op->getLoc(), site(op))});
    op->erase();
    return success();
  }
  /// Refuses the predicated form of an op.
  LogicalResult unpredicated(Operation *op, Value predicate) {
    if (predicate)
      return op->emitOpError()
             << "with a predicate is not supported by the emulator";
    return success();
  }
  /// Inserts __fused_emu_wgmma_read before every reader of a wgmma result
  /// (through branches to block arguments; chained wgmma accumulators are
  /// not reads).
  void insertWgmmaReads(LLVM::LLVMFuncOp func);

  // One pair per entry of the intrinsics table.
#define FUSED_EMU_INTRINSIC(hook, replaces, payload)                           \
  bool matches_##hook(Operation *op);                                          \
  LogicalResult rewrite_##hook(Operation *op, StringRef hookName);
#include "fused/Runtime/EmulatorIntrinsics.def"
};

//===----------------------------------------------------------------------===//
// One rewrite per entry of the intrinsics table: matches_<hook> says which
// ops it replaces, rewrite_<hook> replaces one with a call of the hook.
//===----------------------------------------------------------------------===//

bool Rewriter::matches_sreg(Operation *op) {
  return sregKind(op->getName().getStringRef()).has_value();
}
LogicalResult Rewriter::rewrite_sreg(Operation *op, StringRef hook) {
  Location loc = op->getLoc();
  int kind = *sregKind(op->getName().getStringRef());
  Value v = call(loc, hook, i32, {constI32(loc, kind)});
  op->getResult(0).replaceAllUsesWith(v);
  op->erase();
  return success();
}

bool Rewriter::matches_barrier(Operation *op) {
  return isa<NVVM::Barrier0Op>(op) ||
         (isa<NVVM::BarrierOp>(op) && op->getNumOperands() == 0 &&
          op->getNumResults() == 0);
}
LogicalResult Rewriter::rewrite_barrier(Operation *op, StringRef hook) {
  return replaceBySiteCall(op, hook);
}

bool Rewriter::matches_cp_async(Operation *op) {
  return isa<NVVM::CpAsyncOp>(op);
}
LogicalResult Rewriter::rewrite_cp_async(Operation *op, StringRef hook) {
  auto cp = cast<NVVM::CpAsyncOp>(op);
  Location loc = op->getLoc();
  Value srcBytes =
      cp.getCpSize() ? cp.getCpSize() : constI32(loc, cp.getSize());
  call(loc, hook, voidTy,
       {cp.getDst(), cp.getSrc(), constI32(loc, cp.getSize()), srcBytes,
        constI32(loc, site(op))});
  op->erase();
  return success();
}

bool Rewriter::matches_cp_commit(Operation *op) {
  return isa<NVVM::CpAsyncCommitGroupOp>(op);
}
LogicalResult Rewriter::rewrite_cp_commit(Operation *op, StringRef hook) {
  return replaceBySiteCall(op, hook);
}

bool Rewriter::matches_cp_wait(Operation *op) {
  return isa<NVVM::CpAsyncWaitGroupOp>(op);
}
LogicalResult Rewriter::rewrite_cp_wait(Operation *op, StringRef hook) {
  auto w = cast<NVVM::CpAsyncWaitGroupOp>(op);
  Location loc = op->getLoc();
  call(loc, hook, voidTy, {constI32(loc, w.getN()), constI32(loc, site(op))});
  op->erase();
  return success();
}

bool Rewriter::matches_ldmatrix(Operation *op) {
  return isa<NVVM::LdMatrixOp>(op);
}
LogicalResult Rewriter::rewrite_ldmatrix(Operation *op, StringRef hook) {
  auto ld = cast<NVVM::LdMatrixOp>(op);
  Location loc = op->getLoc();
  int num = ld.getNum();
  bool trans = ld.getLayout() == NVVM::MMALayout::col;
  call(loc, hook, voidTy,
       {ld.getPtr(), constI32(loc, num), constI32(loc, trans ? 1 : 0),
        scratch, constI32(loc, site(op))});
  Type rt = ld.getResult().getType();
  Value result;
  if (auto st = dyn_cast<LLVM::LLVMStructType>(rt)) {
    result = LLVM::PoisonOp::create(b, loc, st);
    for (int i = 0; i < num; ++i) {
      Value r = LLVM::LoadOp::create(b, loc, i32, at(loc, scratch, 4 * i));
      result = LLVM::InsertValueOp::create(b, loc, result, r,
                                           ArrayRef<int64_t>{i});
    }
  } else {
    result = LLVM::LoadOp::create(b, loc, i32, scratch);
  }
  ld.getResult().replaceAllUsesWith(result);
  op->erase();
  return success();
}

bool Rewriter::matches_mma(Operation *op) { return isa<NVVM::MmaOp>(op); }
LogicalResult Rewriter::rewrite_mma(Operation *op, StringRef hook) {
  auto mma = cast<NVVM::MmaOp>(op);
  Location loc = op->getLoc();
  auto shape = mma.getShape();
  auto resTy = dyn_cast<LLVM::LLVMStructType>(mma.getResult().getType());
  bool f32Acc = resTy && resTy.getBody().size() == 4 &&
                llvm::all_of(resTy.getBody(), [](Type t) { return t.isF32(); });
  int type = -1;
  if (mma.getOperandA().size() == 4) {
    Type a = mma.getOperandA()[0].getType();
    auto at = mma.getMultiplicandAPtxType();
    if (at && *at == NVVM::MMATypes::bf16)
      type = 1;
    else if ((at && *at == NVVM::MMATypes::f16) ||
             (!at && isa<VectorType>(a) &&
              cast<VectorType>(a).getElementType().isF16()))
      type = 0;
  }
  if (shape.getM() != 16 || shape.getN() != 8 || shape.getK() != 16 ||
      !f32Acc || type < 0 || mma.getOperandB().size() != 2 ||
      mma.getOperandC().size() != 4)
    return op->emitOpError()
           << "is not supported by the emulator (it implements "
              "m16n8k16 with f16 or bf16 operands and f32 accumulators)";
  for (auto [i, v] : llvm::enumerate(mma.getOperandA()))
    storeReg(loc, v, scratch, 4 * i);
  for (auto [i, v] : llvm::enumerate(mma.getOperandB()))
    storeReg(loc, v, scratch, 16 + 4 * i);
  for (auto [i, v] : llvm::enumerate(mma.getOperandC()))
    LLVM::StoreOp::create(b, loc, v, at(loc, scratch, 24 + 4 * i));
  call(loc, hook, voidTy,
       {scratch, constI32(loc, type), constI32(loc, site(op))});
  Value result = LLVM::PoisonOp::create(b, loc, resTy);
  for (int i = 0; i < 4; ++i) {
    Value d = LLVM::LoadOp::create(b, loc, b.getF32Type(),
                                   at(loc, scratch, 24 + 4 * i));
    result =
        LLVM::InsertValueOp::create(b, loc, result, d, ArrayRef<int64_t>{i});
  }
  mma.getResult().replaceAllUsesWith(result);
  op->erase();
  return success();
}

bool Rewriter::matches_shfl(Operation *op) { return isa<NVVM::ShflOp>(op); }
LogicalResult Rewriter::rewrite_shfl(Operation *op, StringRef hook) {
  auto shfl = cast<NVVM::ShflOp>(op);
  Location loc = op->getLoc();
  int mode = 0;
  switch (shfl.getKind()) {
  case NVVM::ShflKind::idx:
    mode = 0;
    break;
  case NVVM::ShflKind::up:
    mode = 1;
    break;
  case NVVM::ShflKind::down:
    mode = 2;
    break;
  case NVVM::ShflKind::bfly:
    mode = 3;
    break;
  }
  Value val = shfl.getVal();
  Value bits = val.getType() == i32
                   ? val
                   : LLVM::BitcastOp::create(b, loc, i32, val).getResult();
  Value out = call(loc, hook, i32,
                   {constI32(loc, mode), shfl.getThreadMask(), bits,
                    shfl.getOffset(), shfl.getMaskAndClamp(), scratch,
                    constI32(loc, site(op))});
  if (val.getType() != i32)
    out = LLVM::BitcastOp::create(b, loc, val.getType(), out);
  Value result = out;
  if (auto st = dyn_cast<LLVM::LLVMStructType>(shfl.getType())) {
    Value pred = LLVM::LoadOp::create(b, loc, i32, scratch);
    Value zero = constI32(loc, 0);
    Value p =
        LLVM::ICmpOp::create(b, loc, LLVM::ICmpPredicate::ne, pred, zero);
    result = LLVM::PoisonOp::create(b, loc, st);
    result =
        LLVM::InsertValueOp::create(b, loc, result, out, ArrayRef<int64_t>{0});
    result =
        LLVM::InsertValueOp::create(b, loc, result, p, ArrayRef<int64_t>{1});
  }
  shfl.getResult().replaceAllUsesWith(result);
  op->erase();
  return success();
}

bool Rewriter::matches_vote(Operation *op) {
  return isa<NVVM::VoteSyncOp>(op);
}
LogicalResult Rewriter::rewrite_vote(Operation *op, StringRef hook) {
  auto vote = cast<NVVM::VoteSyncOp>(op);
  Location loc = op->getLoc();
  int mode = 0;
  switch (vote.getKind()) {
  case NVVM::VoteSyncKind::all:
    mode = 0;
    break;
  case NVVM::VoteSyncKind::any:
    mode = 1;
    break;
  case NVVM::VoteSyncKind::uni:
    mode = 2;
    break;
  case NVVM::VoteSyncKind::ballot:
    mode = 3;
    break;
  }
  Value pred = LLVM::ZExtOp::create(b, loc, i32, vote.getPred());
  Value out = call(loc, hook, i32,
                   {constI32(loc, mode), vote.getMask(), pred,
                    constI32(loc, site(op))});
  if (vote.getType() != i32)
    out = LLVM::TruncOp::create(b, loc, vote.getType(), out);
  vote.getResult().replaceAllUsesWith(out);
  op->erase();
  return success();
}

bool Rewriter::matches_shared(Operation *op) {
  auto addr = dyn_cast<LLVM::AddressOfOp>(op);
  return addr && sharedOffsets.count(addr.getGlobalName());
}
LogicalResult Rewriter::rewrite_shared(Operation *op, StringRef hook) {
  auto addr = cast<LLVM::AddressOfOp>(op);
  Location loc = op->getLoc();
  Value base = call(loc, hook, ptrTy, {});
  Value p = at(loc, base, sharedOffsets.lookup(addr.getGlobalName()));
  addr.getResult().replaceAllUsesWith(p);
  op->erase();
  return success();
}

bool Rewriter::matches_access(Operation *op) {
  return isa<LLVM::LoadOp, LLVM::StoreOp, LLVM::AtomicRMWOp,
             LLVM::AtomicCmpXchgOp>(op) &&
         classifyAccess(op, *dataLayout);
}
LogicalResult Rewriter::rewrite_access(Operation *op, StringRef hook) {
  Location loc = op->getLoc();
  KernelAccess access = *classifyAccess(op, *dataLayout);
  int flags = access.kind == KernelAccess::Load    ? 1
              : access.kind == KernelAccess::Store ? 2
                                                   : 3;
  // The alignment the GPU instruction relies on (bits 8-15 of flags: its
  // log2).
  flags |= llvm::Log2_64(std::max<int64_t>(access.align, 1)) << 8;
  // The address operand: operand 0 for loads and atomics, 1 for stores.
  unsigned addr = isa<LLVM::StoreOp>(op) ? 1 : 0;
  Value checked =
      call(loc, hook, ptrTy,
           {op->getOperand(addr), constI64(loc, access.bytes),
            constI32(loc, flags), constI32(loc, site(op))});
  op->setOperand(addr, checked);
  return success();
}

bool Rewriter::matches_mbarrier_init(Operation *op) {
  return isa<NVVM::MBarrierInitOp>(op);
}
LogicalResult Rewriter::rewrite_mbarrier_init(Operation *op, StringRef hook) {
  auto init = cast<NVVM::MBarrierInitOp>(op);
  if (failed(unpredicated(op, init.getPredicate())))
    return failure();
  Location loc = op->getLoc();
  call(loc, hook, voidTy,
       {init.getAddr(), init.getCount(), constI32(loc, site(op))});
  op->erase();
  return success();
}

bool Rewriter::matches_mbarrier_inval(Operation *op) {
  return isa<NVVM::MBarrierInvalOp>(op);
}
LogicalResult Rewriter::rewrite_mbarrier_inval(Operation *op,
                                               StringRef hook) {
  auto inval = cast<NVVM::MBarrierInvalOp>(op);
  Location loc = op->getLoc();
  call(loc, hook, voidTy, {inval.getAddr(), constI32(loc, site(op))});
  op->erase();
  return success();
}

bool Rewriter::matches_mbarrier_arrive(Operation *op) {
  return isa<NVVM::MBarrierArriveOp, NVVM::MBarrierArriveExpectTxOp>(op);
}
LogicalResult Rewriter::rewrite_mbarrier_arrive(Operation *op,
                                                StringRef hook) {
  Location loc = op->getLoc();
  Value addr, count, tx, res;
  if (auto a = dyn_cast<NVVM::MBarrierArriveOp>(op)) {
    addr = a.getAddr();
    count = a.getCount() ? a.getCount() : constI32(loc, 1);
    tx = constI64(loc, 0);
    res = a.getRes();
  } else {
    auto e = cast<NVVM::MBarrierArriveExpectTxOp>(op);
    if (failed(unpredicated(op, e.getPredicate())))
      return failure();
    addr = e.getAddr();
    count = constI32(loc, 1);
    tx = LLVM::ZExtOp::create(b, loc, i64, e.getTxcount());
    res = e.getRes();
  }
  Value phase =
      call(loc, hook, i64, {addr, count, tx, constI32(loc, site(op))});
  if (res)
    res.replaceAllUsesWith(phase);
  op->erase();
  return success();
}

bool Rewriter::matches_mbarrier_tx(Operation *op) {
  return isa<NVVM::MBarrierExpectTxOp, NVVM::MBarrierCompleteTxOp>(op);
}
LogicalResult Rewriter::rewrite_mbarrier_tx(Operation *op, StringRef hook) {
  Location loc = op->getLoc();
  Value delta = LLVM::ZExtOp::create(b, loc, i64, op->getOperand(1));
  if (isa<NVVM::MBarrierCompleteTxOp>(op))
    delta = LLVM::SubOp::create(b, loc, constI64(loc, 0), delta);
  call(loc, hook, voidTy,
       {op->getOperand(0), delta, constI32(loc, site(op))});
  op->erase();
  return success();
}

bool Rewriter::matches_mbarrier_wait(Operation *op) {
  return isa<NVVM::MBarrierTryWaitParityOp>(op);
}
LogicalResult Rewriter::rewrite_mbarrier_wait(Operation *op, StringRef hook) {
  auto w = cast<NVVM::MBarrierTryWaitParityOp>(op);
  Location loc = op->getLoc();
  call(loc, hook, voidTy,
       {w.getAddr(), w.getPhase(), constI32(loc, site(op))});
  op->erase();
  return success();
}

/// Stores TMA coordinates (i32 each) to `scratch` from byte `offset`.
static void storeCoords(OpBuilder &b, Location loc, Value scratch,
                        ValueRange coords) {
  auto ptrTy = LLVM::LLVMPointerType::get(b.getContext());
  for (auto [i, c] : llvm::enumerate(coords)) {
    Value at = i == 0 ? scratch
                      : LLVM::GEPOp::create(
                            b, loc, ptrTy, b.getI8Type(), scratch,
                            ArrayRef<LLVM::GEPArg>{static_cast<int32_t>(4 * i)});
    LLVM::StoreOp::create(b, loc, c, at);
  }
}

bool Rewriter::matches_tma_load(Operation *op) {
  return isa<NVVM::CpAsyncBulkTensorGlobalToSharedClusterOp>(op);
}
LogicalResult Rewriter::rewrite_tma_load(Operation *op, StringRef hook) {
  auto cp = cast<NVVM::CpAsyncBulkTensorGlobalToSharedClusterOp>(op);
  if (failed(unpredicated(op, cp.getPredicate())))
    return failure();
  if (cp.getMode() != NVVM::TMALoadMode::TILE ||
      !cp.getIm2colOffsets().empty() || cp.getMulticastMask())
    return op->emitOpError() << "is supported by the emulator in tile mode "
                                "without multicast only";
  Location loc = op->getLoc();
  storeCoords(b, loc, scratch, cp.getCoordinates());
  call(loc, hook, voidTy,
       {cp.getDstMem(), cp.getTmaDescriptor(), scratch,
        constI32(loc, cp.getCoordinates().size()), cp.getMbar(),
        constI32(loc, site(op))});
  op->erase();
  return success();
}

bool Rewriter::matches_tma_store(Operation *op) {
  return isa<NVVM::CpAsyncBulkTensorSharedCTAToGlobalOp>(op);
}
LogicalResult Rewriter::rewrite_tma_store(Operation *op, StringRef hook) {
  auto cp = cast<NVVM::CpAsyncBulkTensorSharedCTAToGlobalOp>(op);
  if (failed(unpredicated(op, cp.getPredicate())))
    return failure();
  if (cp.getMode() != NVVM::TMAStoreMode::TILE)
    return op->emitOpError()
           << "is supported by the emulator in tile mode only";
  Location loc = op->getLoc();
  storeCoords(b, loc, scratch, cp.getCoordinates());
  call(loc, hook, voidTy,
       {cp.getTmaDescriptor(), cp.getSrcMem(), scratch,
        constI32(loc, cp.getCoordinates().size()), constI32(loc, site(op))});
  op->erase();
  return success();
}

bool Rewriter::matches_bulk_commit(Operation *op) {
  return isa<NVVM::CpAsyncBulkCommitGroupOp>(op);
}
LogicalResult Rewriter::rewrite_bulk_commit(Operation *op, StringRef hook) {
  return replaceBySiteCall(op, hook);
}

bool Rewriter::matches_bulk_wait(Operation *op) {
  return isa<NVVM::CpAsyncBulkWaitGroupOp>(op);
}
LogicalResult Rewriter::rewrite_bulk_wait(Operation *op, StringRef hook) {
  auto w = cast<NVVM::CpAsyncBulkWaitGroupOp>(op);
  Location loc = op->getLoc();
  call(loc, hook, voidTy,
       {constI32(loc, w.getGroup()), constI32(loc, site(op))});
  op->erase();
  return success();
}

bool Rewriter::matches_fence(Operation *op) {
  if (isa<NVVM::FenceMbarrierInitOp>(op))
    return true;
  auto f = dyn_cast<NVVM::FenceProxyOp>(op);
  return f && (f.getKind() == NVVM::ProxyKind::async_shared ||
               f.getKind() == NVVM::ProxyKind::async);
}
LogicalResult Rewriter::rewrite_fence(Operation *op, StringRef hook) {
  Location loc = op->getLoc();
  int kind = isa<NVVM::FenceMbarrierInitOp>(op) ? 1 : 0;
  call(loc, hook, voidTy, {constI32(loc, kind), constI32(loc, site(op))});
  op->erase();
  return success();
}

bool Rewriter::matches_wgmma_fence(Operation *op) {
  return isa<NVVM::WgmmaFenceAlignedOp>(op);
}
LogicalResult Rewriter::rewrite_wgmma_fence(Operation *op, StringRef hook) {
  return replaceBySiteCall(op, hook);
}

/// The accumulators a wgmma hook left in wideScratch, as the struct `st`
/// of f32 the wgmma returns.
Value Rewriter::accumulatorsFromScratch(Location loc,
                                        LLVM::LLVMStructType st) {
  Value result = LLVM::PoisonOp::create(b, loc, st);
  for (int64_t i = 0; i < static_cast<int64_t>(st.getBody().size()); ++i) {
    Value d = LLVM::LoadOp::create(b, loc, b.getF32Type(),
                                   at(loc, wideScratch, 4 * i));
    result =
        LLVM::InsertValueOp::create(b, loc, result, d, ArrayRef<int64_t>{i});
  }
  return result;
}

bool Rewriter::matches_wgmma(Operation *op) {
  return isa<NVVM::WgmmaMmaAsyncOp>(op);
}
LogicalResult Rewriter::rewrite_wgmma(Operation *op, StringRef hook) {
  auto mma = cast<NVVM::WgmmaMmaAsyncOp>(op);
  Location loc = op->getLoc();
  auto st = cast<LLVM::LLVMStructType>(mma.getResults().getType());
  NVVM::MMAShapeAttr shape = mma.getShape();
  bool f16 = mma.getTypeA() == NVVM::WGMMATypes::f16 &&
             mma.getTypeB() == NVVM::WGMMATypes::f16;
  bool bf16 = mma.getTypeA() == NVVM::WGMMATypes::bf16 &&
              mma.getTypeB() == NVVM::WGMMATypes::bf16;
  int n = shape.getN();
  if (shape.getM() != 64 || shape.getK() != 16 || !(f16 || bf16) ||
      mma.getTypeD() != NVVM::WGMMATypes::f32 ||
      static_cast<int>(st.getBody().size()) != n / 2 ||
      !llvm::all_of(st.getBody(), [](Type t) { return t.isF32(); }))
    return op->emitOpError()
           << "is not supported by the emulator (it implements m64nNk16 "
              "with f16 or bf16 operands and f32 accumulators)";
  Value acc = mma.getInouts();
  for (int i = 0; i < n / 2; ++i) {
    Value v = LLVM::ExtractValueOp::create(b, loc, acc, ArrayRef<int64_t>{i});
    LLVM::StoreOp::create(b, loc, v, at(loc, wideScratch, 4 * i));
  }
  int flags = (bf16 ? 1 : 0) |
              (mma.getLayoutA() == NVVM::MMALayout::col ? 2 : 0) |
              (mma.getLayoutB() == NVVM::MMALayout::row ? 4 : 0) |
              (mma.getScaleD() == NVVM::WGMMAScaleOut::one ? 8 : 0) |
              (mma.getScaleA() == NVVM::WGMMAScaleIn::neg ? 16 : 0) |
              (mma.getScaleB() == NVVM::WGMMAScaleIn::neg ? 32 : 0);
  call(loc, hook, voidTy,
       {wideScratch, mma.getDescriptorA(), mma.getDescriptorB(),
        constI32(loc, n), constI32(loc, flags), constI32(loc, siteOf(op))});
  mma.getResults().replaceAllUsesWith(accumulatorsFromScratch(loc, st));
  op->erase();
  return success();
}

/// The register-A wgmma of an inline-asm op, if it is one.
static std::optional<WgmmaRegisterA> registerAWgmma(Operation *op) {
  auto asmOp = dyn_cast<LLVM::InlineAsmOp>(op);
  if (!asmOp)
    return std::nullopt;
  return parseWgmmaRegisterAAsm(asmOp.getAsmString());
}

bool Rewriter::matches_wgmma_rega(Operation *op) {
  return registerAWgmma(op).has_value();
}
LogicalResult Rewriter::rewrite_wgmma_rega(Operation *op, StringRef hook) {
  WgmmaRegisterA w = *registerAWgmma(op);
  Location loc = op->getLoc();
  int acc = w.n / 2;
  auto st = dyn_cast<LLVM::LLVMStructType>(op->getNumResults() == 1
                                               ? op->getResult(0).getType()
                                               : Type());
  if (!st || static_cast<int>(st.getBody().size()) != acc ||
      static_cast<int>(op->getNumOperands()) != acc + 5 ||
      !llvm::all_of(st.getBody(), [](Type t) { return t.isF32(); }))
    return op->emitOpError()
           << "with the text of a register-A wgmma has other operands than "
              "its "
           << acc << " f32 accumulators, 4 A registers and B's descriptor";
  for (int i = 0; i < acc; ++i)
    LLVM::StoreOp::create(b, loc, op->getOperand(i),
                          at(loc, wideScratch, 4 * i));
  for (int i = 0; i < 4; ++i)
    LLVM::StoreOp::create(b, loc, op->getOperand(acc + i),
                          at(loc, scratch, 4 * i));
  int flags = (w.bf16 ? 1 : 0) | (w.transB ? 4 : 0) | (w.scaleD ? 8 : 0);
  call(loc, hook, voidTy,
       {wideScratch, scratch, op->getOperand(acc + 4), constI32(loc, w.n),
        constI32(loc, flags), constI32(loc, siteOf(op))});
  op->getResult(0).replaceAllUsesWith(accumulatorsFromScratch(loc, st));
  op->erase();
  return success();
}

bool Rewriter::matches_wgmma_commit(Operation *op) {
  return isa<NVVM::WgmmaGroupSyncAlignedOp>(op);
}
LogicalResult Rewriter::rewrite_wgmma_commit(Operation *op, StringRef hook) {
  return replaceBySiteCall(op, hook);
}

bool Rewriter::matches_wgmma_wait(Operation *op) {
  return isa<NVVM::WgmmaWaitGroupSyncOp>(op);
}
LogicalResult Rewriter::rewrite_wgmma_wait(Operation *op, StringRef hook) {
  auto w = cast<NVVM::WgmmaWaitGroupSyncOp>(op);
  Location loc = op->getLoc();
  call(loc, hook, voidTy,
       {constI32(loc, static_cast<int64_t>(w.getGroup())),
        constI32(loc, site(op))});
  op->erase();
  return success();
}

// Inserted by insertWgmmaReads, not in place of an op.
bool Rewriter::matches_wgmma_read(Operation *) { return false; }
LogicalResult Rewriter::rewrite_wgmma_read(Operation *, StringRef) {
  return success();
}

void Rewriter::insertWgmmaReads(LLVM::LLVMFuncOp func) {
  SmallVector<Operation *> mmas;
  func.walk([&](Operation *op) {
    if (isa<NVVM::WgmmaMmaAsyncOp>(op) || registerAWgmma(op))
      mmas.push_back(op);
  });
  if (mmas.empty())
    return;
  for (Operation *mma : mmas)
    presetSites[mma] = site(mma);
  // Accumulating in flight is allowed: the accumulator operand of the next
  // wgmma (for a register-A wgmma, its elements extracted for it alone).
  auto chains = [](OpOperand &use) {
    Operation *user = use.getOwner();
    if (auto next = dyn_cast<NVVM::WgmmaMmaAsyncOp>(user))
      return use.get() == next.getInouts();
    auto extract = dyn_cast<LLVM::ExtractValueOp>(user);
    if (!extract || extract.getResult().use_empty())
      return false;
    return llvm::all_of(extract.getResult().getUses(), [](OpOperand &u) {
      std::optional<WgmmaRegisterA> w = registerAWgmma(u.getOwner());
      return w && static_cast<int>(u.getOperandNumber()) < w->n / 2;
    });
  };
  llvm::DenseMap<Operation *, int> readSites;
  for (Operation *mma : mmas) {
    Value result = mma->getResult(0);
    SmallVector<Value> work{result};
    llvm::DenseSet<Value> seen{result};
    llvm::SetVector<Operation *> readers;
    while (!work.empty()) {
      Value v = work.pop_back_val();
      for (OpOperand &use : v.getUses()) {
        Operation *user = use.getOwner();
        if (chains(use))
          continue;
        if (auto br = dyn_cast<BranchOpInterface>(user)) {
          for (unsigned s = 0; s < user->getNumSuccessors(); ++s) {
            SuccessorOperands ops = br.getSuccessorOperands(s);
            for (unsigned i = 0; i < ops.size(); ++i)
              if (ops[i] == v) {
                Value arg = user->getSuccessor(s)->getArgument(i);
                if (seen.insert(arg).second)
                  work.push_back(arg);
              }
          }
          continue;
        }
        readers.insert(user);
      }
    }
    for (Operation *user : readers) {
      b.setInsertionPoint(user);
      auto [it, fresh] = readSites.try_emplace(user, 0);
      if (fresh)
        it->second = site(user);
      Location loc = user->getLoc();
      call(loc, "__fused_emu_wgmma_read", voidTy,
           {constI32(loc, presetSites[mma]), constI32(loc, it->second)});
    }
  }
}

bool Rewriter::matches_elect(Operation *op) {
  return isa<NVVM::ElectSyncOp>(op);
}
LogicalResult Rewriter::rewrite_elect(Operation *op, StringRef hook) {
  auto e = cast<NVVM::ElectSyncOp>(op);
  Location loc = op->getLoc();
  Value mask = e.getMembermask() ? e.getMembermask()
                                 : constI32(loc, static_cast<int32_t>(
                                                     0xffffffffu));
  Value r = call(loc, hook, i32, {mask, constI32(loc, site(op))});
  Value p = LLVM::TruncOp::create(b, loc, b.getI1Type(), r);
  e.getPred().replaceAllUsesWith(p);
  op->erase();
  return success();
}

bool Rewriter::matches_warp_sync(Operation *op) {
  return isa<NVVM::SyncWarpOp>(op);
}
LogicalResult Rewriter::rewrite_warp_sync(Operation *op, StringRef hook) {
  Location loc = op->getLoc();
  call(loc, hook, voidTy,
       {cast<NVVM::SyncWarpOp>(op).getMask(), constI32(loc, site(op))});
  op->erase();
  return success();
}

bool Rewriter::matches_setmaxnreg(Operation *op) {
  return isa<NVVM::SetMaxRegisterOp>(op);
}
LogicalResult Rewriter::rewrite_setmaxnreg(Operation *op, StringRef hook) {
  auto r = cast<NVVM::SetMaxRegisterOp>(op);
  Location loc = op->getLoc();
  call(loc, hook, voidTy,
       {constI32(loc, r.getRegCount()),
        constI32(loc, r.getAction() == NVVM::SetMaxRegisterAction::increase),
        constI32(loc, site(op))});
  op->erase();
  return success();
}

/// The intrinsics table, as the rewrite reads it.
struct IntrinsicRewrite {
  const char *hook;
  const char *replaces;
  bool (Rewriter::*matches)(Operation *);
  LogicalResult (Rewriter::*rewrite)(Operation *, StringRef);
};

const IntrinsicRewrite kIntrinsics[] = {
#define FUSED_EMU_INTRINSIC(hook, replaces, payload)                           \
  {"__fused_emu_" #hook, replaces, &Rewriter::matches_##hook,                  \
   &Rewriter::rewrite_##hook},
#include "fused/Runtime/EmulatorIntrinsics.def"
};

/// "special registers; barrier0; ...": what the table implements.
std::string implementedIntrinsics() {
  std::string s;
  for (const IntrinsicRewrite &i : kIntrinsics)
    s += (s.empty() ? "" : "; ") + std::string(i.replaces);
  return s;
}

LogicalResult Rewriter::rewriteFunction(LLVM::LLVMFuncOp func,
                                        const DataLayout &dl) {
  Block &entry = func.getBody().front();
  b.setInsertionPointToStart(&entry);
  dataLayout = &dl;
  scratch = LLVM::AllocaOp::create(
      b, func.getLoc(), ptrTy, LLVM::LLVMArrayType::get(b.getI8Type(), 64),
      constI32(func.getLoc(), 1), /*alignment=*/16);
  wideScratch = Value();
  bool hasWgmma = false;
  func.walk([&](Operation *op) {
    hasWgmma |= isa<NVVM::WgmmaMmaAsyncOp>(op) || registerAWgmma(op);
  });
  if (hasWgmma)
    wideScratch = LLVM::AllocaOp::create(
        b, func.getLoc(), ptrTy, LLVM::LLVMArrayType::get(b.getI8Type(), 512),
        constI32(func.getLoc(), 1), /*alignment=*/16);
  presetSites.clear();
  insertWgmmaReads(func);

  SmallVector<Operation *> ops;
  func.walk([&](Operation *op) {
    if (op != func.getOperation())
      ops.push_back(op);
  });
  for (Operation *op : ops) {
    b.setInsertionPoint(op);
    const IntrinsicRewrite *match = nullptr;
    for (const IntrinsicRewrite &i : kIntrinsics)
      if ((this->*i.matches)(op)) {
        match = &i;
        break;
      }
    if (match) {
      if (failed((this->*match->rewrite)(op, match->hook)))
        return failure();
      continue;
    }
    if (op->getName().getStringRef().starts_with("nvvm."))
      return op->emitOpError() << "is not supported by the emulator (it "
                                  "implements "
                               << implementedIntrinsics() << ")";
  }

  // One address space: global and shared pointers are host pointers.
  auto generic = [&](Type t) -> Type {
    if (auto p = dyn_cast<LLVM::LLVMPointerType>(t); p && p.getAddressSpace())
      return ptrTy;
    return t;
  };
  SmallVector<Operation *> casts;
  func.walk([&](Operation *op) {
    for (Region &r : op->getRegions())
      for (Block &blk : r)
        for (BlockArgument a : blk.getArguments())
          a.setType(generic(a.getType()));
    for (OpResult r : op->getResults())
      r.setType(generic(r.getType()));
    if (isa<LLVM::AddrSpaceCastOp>(op))
      casts.push_back(op);
  });
  for (Operation *c : casts) {
    c->getResult(0).replaceAllUsesWith(c->getOperand(0));
    c->erase();
  }
  SmallVector<Type> params;
  for (Type t : func.getFunctionType().getParams())
    params.push_back(generic(t));
  func.setFunctionType(LLVM::LLVMFunctionType::get(
      generic(func.getFunctionType().getReturnType()), params));
  return success();
}

LogicalResult Rewriter::run() {
  SmallVector<gpu::GPUModuleOp> gpuModules(
      module.getOps<gpu::GPUModuleOp>());
  if (gpuModules.empty())
    return module.emitError("fused-emulate: the module has no gpu.module of "
                            "kernels");
  int64_t staticShared = 0;
  SmallVector<std::pair<std::string, LLVM::LLVMFuncOp>> kernels;
  llvm::StringMap<llvm::DenseSet<unsigned>> byValue;
  for (gpu::GPUModuleOp gm : gpuModules) {
    DataLayout dl(gm);
    // Static shared memory first, then the dynamic part (zero-sized
    // externals such as __dynamic_shmem__0) after it.
    SmallVector<LLVM::GlobalOp> dynamicShared;
    for (auto g : llvm::make_early_inc_range(gm.getOps<LLVM::GlobalOp>())) {
      if (g.getAddrSpace() != 3)
        continue;
      int64_t size = static_cast<int64_t>(dl.getTypeSize(g.getGlobalType()));
      if (size == 0) {
        dynamicShared.push_back(g);
        continue;
      }
      int64_t align = std::max<int64_t>(16, g.getAlignment().value_or(16));
      staticShared = (staticShared + align - 1) / align * align;
      sharedOffsets[g.getSymName()] = staticShared;
      staticShared += size;
      if (g.getValueOrNull())
        return g.emitOpError("is an initialised shared-memory global; the "
                             "emulator supports uninitialised ones only");
    }
    staticShared = (staticShared + 127) / 128 * 128;
    for (LLVM::GlobalOp g : dynamicShared)
      sharedOffsets[g.getSymName()] = staticShared;
    for (auto func : gm.getOps<LLVM::LLVMFuncOp>()) {
      if (func.isExternal())
        continue;
      if (failed(rewriteFunction(func, dl)))
        return failure();
      if (func->hasAttr("nvvm.kernel") || func->hasAttr("gpu.kernel"))
        kernels.push_back({func.getSymName().str(), func});
    }
  }
  // Move the functions and non-shared globals to the top level.
  Block *top = module.getBody();
  for (gpu::GPUModuleOp gm : gpuModules) {
    for (Operation &op : llvm::make_early_inc_range(gm.getBody()->without_terminator())) {
      if (auto g = dyn_cast<LLVM::GlobalOp>(op); g && g.getAddrSpace() == 3) {
        op.erase();
        continue;
      }
      if (auto f = dyn_cast<LLVM::LLVMFuncOp>(op)) {
        if (module.lookupSymbol<LLVM::LLVMFuncOp>(f.getSymName())) {
          if (f.isExternal()) {
            op.erase();
            continue;
          }
          return f.emitOpError("is defined twice in the kernel modules");
        }
        for (NamedAttribute a : llvm::to_vector(f->getDiscardableAttrs()))
          f->removeDiscardableAttr(a.getName());
        // Argument attributes of kernels go too (nvvm.grid_constant;
        // llvm.byval, which would copy a tensor map the engine identifies
        // by its address: the entry passes its storage instead).
        for (unsigned i = 0; i < f.getNumArguments(); ++i)
          for (NamedAttribute a : llvm::to_vector(
                   cast<FunctionOpInterface>(f.getOperation()).getArgAttrs(i)))
            if (a.getName().strref().starts_with("nvvm.") ||
                a.getName() == LLVM::LLVMDialect::getByValAttrName()) {
              if (a.getName() == LLVM::LLVMDialect::getByValAttrName())
                byValue[f.getSymName()].insert(i);
              f.removeArgAttr(i, a.getName());
            }
      }
      op.moveBefore(top, top->end());
    }
  }
  for (Operation &op : llvm::make_early_inc_range(*top))
    if (!isa<LLVM::LLVMFuncOp, LLVM::GlobalOp>(op))
      op.erase();
  for (NamedAttribute a : llvm::to_vector(module->getDiscardableAttrs()))
    module->removeDiscardableAttr(a.getName());

  // Entry points: __fused_emu_entry_<kernel>(ptr args) loads argument i
  // through args[i].
  b.setInsertionPointToEnd(top);
  Location loc = module.getLoc();
  for (auto &[name, kernel] : kernels) {
    auto fty = LLVM::LLVMFunctionType::get(voidTy, {ptrTy});
    auto entry =
        LLVM::LLVMFuncOp::create(b, loc, "__fused_emu_entry_" + name, fty);
    Block *body = entry.addEntryBlock(b);
    OpBuilder::InsertionGuard g(b);
    b.setInsertionPointToStart(body);
    SmallVector<Value> args;
    for (auto [i, t] : llvm::enumerate(kernel.getFunctionType().getParams())) {
      Value slot = LLVM::GEPOp::create(b, loc, ptrTy, ptrTy,
                                       body->getArgument(0),
                                       ArrayRef<LLVM::GEPArg>{(int32_t)i});
      Value p = LLVM::LoadOp::create(b, loc, ptrTy, slot);
      // An argument passed by value (a tensor map) is its storage.
      if (byValue.lookup(name).contains(i))
        args.push_back(p);
      else
        args.push_back(LLVM::LoadOp::create(b, loc, t, p));
    }
    LLVM::CallOp::create(b, loc, kernel, args);
    LLVM::ReturnOp::create(b, loc, ValueRange());
  }

  // The site table: site strings separated by NUL, then the count and the
  // static shared-memory size.
  std::string table;
  for (const std::string &s : sites)
    table += s + '\0';
  table += '\0';
  auto tableTy = LLVM::LLVMArrayType::get(b.getI8Type(), table.size());
  LLVM::GlobalOp::create(b, loc, tableTy, /*isConstant=*/true,
                         LLVM::Linkage::External, "__fused_emu_sites",
                         b.getStringAttr(table));
  LLVM::GlobalOp::create(b, loc, i64, true, LLVM::Linkage::External,
                         "__fused_emu_static_shared",
                         b.getI64IntegerAttr(staticShared));
  return success();
}

struct EmulatePass
    : public PassWrapper<EmulatePass, OperationPass<ModuleOp>> {
  MLIR_DEFINE_EXPLICIT_INTERNAL_INLINE_TYPE_ID(EmulatePass)
  StringRef getArgument() const final { return "fused-emulate"; }
  StringRef getDescription() const final {
    return "Rewrite NVVM-level kernels into host functions that call the "
           "CPU emulator runtime";
  }
  void getDependentDialects(DialectRegistry &registry) const override {
    registry.insert<LLVM::LLVMDialect>();
  }
  void runOnOperation() override {
    Rewriter r(getOperation());
    if (failed(r.run()))
      signalPassFailure();
  }
};

} // namespace

std::unique_ptr<Pass> createEmulatePass() {
  return std::make_unique<EmulatePass>();
}

void registerEmulatePass() { PassRegistration<EmulatePass>(); }

ArrayRef<PlantedBug> plantedBugs() {
  static const PlantedBug bugs[] = {
      {"missing-barrier", "drops the last barrier of each kernel"},
      {"missing-first-barrier", "drops the first barrier of each kernel"},
      {"oob-store", "moves each kernel's last global store one stored value "
                    "further"},
      {"dropped-store", "drops each kernel's last global store"},
      {"ldmatrix-trans", "flips the transpose of every ldmatrix"},
      {"early-read", "drops every cp.async wait"},
      {"wait-count", "waits for one cp.async group fewer at every wait"},
      {"no-zero-fill", "copies whole 16-byte chunks where cp.async "
                       "zero-fills past the source's end"},
      {"misaligned-cp-async", "moves each kernel's first cp.async source 8 "
                              "bytes further"},
      {"shared-overrun", "moves each kernel's last shared-memory store "
                         "past the end of shared memory"},
      {"mma-b-swap", "swaps the two B registers of every mma.sync"},
      {"shfl-lane", "makes every butterfly shuffle reach 4 lanes further"},
      {"grid-short", "launches each kernel with one block fewer along x"},
      {"block-x-zero", "makes every block compute the work of the first "
                       "block along x"},
      {"no-proxy-fence", "drops every fence.proxy.async", "sm_90a"},
      {"expect-tx-bytes", "announces 16 bytes fewer at every "
                          "mbarrier.arrive.expect_tx", "sm_90a"},
      {"wgmma-no-wait", "drops every wgmma.wait_group", "sm_90a"},
      {"descriptor-swizzle", "gives every wgmma descriptor the 64-byte "
                             "swizzle mode instead of 128", "sm_90a"},
      {"tile-misaligned", "moves every TMA load destination and wgmma "
                          "operand 128 bytes further (off the 1024-byte "
                          "swizzle pattern)", "sm_90a"},
      {"wgmma-release-early", "keeps one more wgmma group in flight at every "
                              "nonzero wgmma.wait_group, so that stages go "
                              "back to the producer while wgmma reads them",
       "sm_90a"},
      {"no-warp-sync", "drops every bar.warp.sync", "sm_90a"},
  };
  return bugs;
}

bool isPlantedBug(StringRef name) {
  return llvm::any_of(plantedBugs(),
                      [&](const PlantedBug &b) { return b.name == name; });
}

/// The planted bugs of Hopper kernels (TMA, mbarriers, wgmma) in `func`.
static void plantHopper(LLVM::LLVMFuncOp func, StringRef bug) {
  SmallVector<Operation *> erase;
  auto constant = [](Operation *at, Type t, int64_t v) {
    OpBuilder b(at);
    return LLVM::ConstantOp::create(b, at->getLoc(), t,
                                    b.getIntegerAttr(t, v))
        .getResult();
  };
  func.walk([&](Operation *op) {
    if (bug == "no-proxy-fence")
      if (auto f = dyn_cast<NVVM::FenceProxyOp>(op);
          f && f.getKind() == NVVM::ProxyKind::async_shared)
        erase.push_back(op);
    if (bug == "no-warp-sync" && isa<NVVM::SyncWarpOp>(op))
      erase.push_back(op);
    if (bug == "wgmma-no-wait" && isa<NVVM::WgmmaWaitGroupSyncOp>(op))
      erase.push_back(op);
    if (auto w = dyn_cast<NVVM::WgmmaWaitGroupSyncOp>(op);
        w && bug == "wgmma-release-early" && w.getGroup() != 0)
      w.setGroup(w.getGroup() + 1);
    if (auto a = dyn_cast<NVVM::MBarrierArriveExpectTxOp>(op);
        a && bug == "expect-tx-bytes") {
      OpBuilder b(op);
      Value fewer = LLVM::SubOp::create(
          b, op->getLoc(), a.getTxcount(),
          constant(op, a.getTxcount().getType(), 16));
      a.getTxcountMutable().assign(fewer);
    }
    if (auto m = dyn_cast<NVVM::WgmmaMmaAsyncOp>(op)) {
      auto adjust = [&](OpOperand &desc) {
        OpBuilder b(op);
        Type i64 = desc.get().getType();
        Value v = desc.get();
        // Bits 62-63: 1 is the 128-byte swizzle, 2 the 64-byte one.
        if (bug == "descriptor-swizzle")
          v = LLVM::XOrOp::create(b, op->getLoc(), v,
                                  constant(op, i64, int64_t(3) << 62));
        // The start address, in 16-byte units: 128 bytes further.
        if (bug == "tile-misaligned")
          v = LLVM::AddOp::create(b, op->getLoc(), v, constant(op, i64, 8));
        desc.assign(v);
      };
      if (bug == "descriptor-swizzle" || bug == "tile-misaligned") {
        adjust(m.getDescriptorAMutable());
        adjust(m.getDescriptorBMutable());
      }
    }
    if (auto t = dyn_cast<NVVM::CpAsyncBulkTensorGlobalToSharedClusterOp>(op);
        t && bug == "tile-misaligned") {
      OpBuilder b(op);
      Value moved = LLVM::GEPOp::create(
          b, op->getLoc(), t.getDstMem().getType(), b.getI8Type(),
          t.getDstMem(), ArrayRef<LLVM::GEPArg>{128});
      t.getDstMemMutable().assign(moved);
    }
  });
  for (Operation *op : erase)
    op->erase();
}

/// The miscompilations of buildEmulatorImage's `plantBug` (all but
/// grid-short, which the caller plants in the launch schedule).
static LogicalResult plant(ModuleOp module, StringRef bug) {
  if (bug.empty() || bug == "grid-short")
    return success();
  if (!isPlantedBug(bug)) {
    std::string names;
    for (const PlantedBug &b : plantedBugs())
      names += (names.empty() ? "" : ", ") + b.name.str();
    return module.emitError("fused: unknown planted bug '")
           << bug << "' (expected one of " << names << ")";
  }
  for (auto gm : module.getOps<gpu::GPUModuleOp>())
    for (auto func : gm.getOps<LLVM::LLVMFuncOp>()) {
      if (func.isExternal())
        continue;
      SmallVector<Operation *> barriers, waits, cps, mmas, shfls;
      LLVM::StoreOp lastGlobalStore, lastSharedStore;
      func.walk([&](Operation *op) {
        if (isa<NVVM::Barrier0Op>(op))
          barriers.push_back(op);
        if (auto st = dyn_cast<LLVM::StoreOp>(op)) {
          auto p = cast<LLVM::LLVMPointerType>(st.getAddr().getType());
          if (p.getAddressSpace() == 3)
            lastSharedStore = st;
          else if (!isStackPointer(st.getAddr()))
            lastGlobalStore = st;
        }
        if (isa<NVVM::CpAsyncWaitGroupOp>(op))
          waits.push_back(op);
        if (isa<NVVM::CpAsyncOp>(op))
          cps.push_back(op);
        if (isa<NVVM::MmaOp>(op))
          mmas.push_back(op);
        if (auto sh = dyn_cast<NVVM::ShflOp>(op);
            sh && sh.getKind() == NVVM::ShflKind::bfly)
          shfls.push_back(op);
        if (auto ld = dyn_cast<NVVM::LdMatrixOp>(op); ld && bug == "ldmatrix-trans")
          ld.setLayout(ld.getLayout() == NVVM::MMALayout::row
                           ? NVVM::MMALayout::col
                           : NVVM::MMALayout::row);
      });
      // ptr + bytes, in the pointer's own address space.
      auto offset = [](Operation *at, Value ptr, int32_t bytes) {
        OpBuilder b(at);
        return LLVM::GEPOp::create(b, at->getLoc(), ptr.getType(),
                                   b.getI8Type(), ptr,
                                   ArrayRef<LLVM::GEPArg>{bytes})
            .getResult();
      };
      if (bug == "missing-barrier" && !barriers.empty())
        barriers.back()->erase();
      if (bug == "missing-first-barrier" && !barriers.empty())
        barriers.front()->erase();
      if (bug == "early-read")
        for (Operation *w : waits)
          w->erase();
      if (bug == "wait-count")
        for (Operation *w : waits) {
          auto wait = cast<NVVM::CpAsyncWaitGroupOp>(w);
          wait.setN(wait.getN() + 1);
        }
      if (bug == "no-zero-fill")
        for (Operation *c : cps)
          cast<NVVM::CpAsyncOp>(c).getCpSizeMutable().clear();
      if (bug == "misaligned-cp-async" && !cps.empty()) {
        auto cp = cast<NVVM::CpAsyncOp>(cps.front());
        cp.getSrcMutable().assign(offset(cp, cp.getSrc(), 8));
      }
      if (bug == "shared-overrun" && lastSharedStore)
        lastSharedStore.getAddrMutable().assign(
            offset(lastSharedStore, lastSharedStore.getAddr(), 256 * 1024));
      if (bug == "mma-b-swap")
        for (Operation *m : mmas) {
          auto mma = cast<NVVM::MmaOp>(m);
          SmallVector<Value> bRegs(mma.getOperandB());
          if (bRegs.size() == 2)
            mma.getOperandBMutable().assign({bRegs[1], bRegs[0]});
        }
      if (bug == "shfl-lane")
        for (Operation *op : shfls) {
          auto sh = cast<NVVM::ShflOp>(op);
          OpBuilder b(sh);
          Value four = LLVM::ConstantOp::create(
              b, sh.getLoc(), sh.getOffset().getType(),
              b.getI32IntegerAttr(4));
          Value moved = LLVM::XOrOp::create(b, sh.getLoc(), sh.getOffset(),
                                            four);
          sh.getOffsetMutable().assign(moved);
        }
      if (bug == "block-x-zero")
        func.walk([&](NVVM::BlockIdXOp op) {
          OpBuilder b(op);
          Value zero = LLVM::ConstantOp::create(
              b, op.getLoc(), op.getType(), b.getIntegerAttr(op.getType(), 0));
          op.getResult().replaceAllUsesWith(zero);
        });
      plantHopper(func, bug);
      if (bug == "dropped-store" && lastGlobalStore)
        lastGlobalStore.erase();
      if (bug == "oob-store" && lastGlobalStore) {
        // One whole stored value further: the address stays aligned.
        OpBuilder b(lastGlobalStore);
        Type t = lastGlobalStore.getValue().getType();
        Value moved = LLVM::GEPOp::create(
            b, lastGlobalStore.getLoc(), lastGlobalStore.getAddr().getType(),
            t, lastGlobalStore.getAddr(), ArrayRef<LLVM::GEPArg>{1});
        lastGlobalStore.getAddrMutable().assign(moved);
      }
    }
  return success();
}

void plantLaunchBug(ModuleOp module, StringRef bug) {
  if (bug != "grid-short")
    return;
  module.walk([&](gpu::GPUFuncOp k) {
    auto helper = ::fused::fused::FusedDialect::LaunchAttrHelper(k.getContext());
    auto launch = helper.getAttr(k);
    if (!launch || launch.getGrid()[0] < 2)
      return;
    SmallVector<int64_t> g(launch.getGrid());
    g[0] -= 1;
    helper.setAttr(k, ::fused::fused::LaunchConfigAttr::get(
                          k.getContext(), g, launch.getBlock(),
                          launch.getDynamicSharedMemory(),
                          launch.getNumOutputs()));
  });
}

FailureOr<std::string> buildEmulatorImage(ModuleOp module,
                                          StringRef plantBug) {
  OwningOpRef<ModuleOp> copy = cast<ModuleOp>(module->clone());
  // The NVVM conversions, then (for the emulator's tests) the planted bug,
  // then the rewrite.
  PassManager nvvm(module.getContext());
  buildNVVMConversions(nvvm, /*toLLVM=*/false);
  if (failed(nvvm.run(*copy)) || failed(plant(*copy, plantBug)))
    return failure();
  PassManager rewrite(module.getContext());
  rewrite.addPass(createEmulatePass());
  rewrite.addPass(createReconcileUnrealizedCastsPass());
  if (failed(rewrite.run(*copy)))
    return failure();
  llvm::LLVMContext llvmContext;
  std::unique_ptr<llvm::Module> llvmModule =
      translateModuleToLLVMIR(*copy, llvmContext, "fused_emulator");
  if (!llvmModule)
    return module.emitError("fused: cannot translate the emulator module to "
                            "LLVM IR");
  std::string text;
  llvm::raw_string_ostream os(text);
  llvmModule->print(os, nullptr);
  return text;
}

} // namespace fused::emu
