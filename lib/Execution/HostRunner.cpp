//===- HostRunner.cpp - run tiled kernels on the CPU ----------------------===//
//
// Lowers the kernel functions of a tiled module to LLVM for the host,
// JIT-compiles them and runs the graph function's launch schedule.
//
//===----------------------------------------------------------------------===//

#include "fused/Execution/HostRunner.h"

#include "fused/Dialect/Fused/IR/FusedOps.h"
#include "fused/Dialect/Fused/IR/Schedule.h"
#include "fused/InitAll.h"
#include "fused/Reference/Evaluator.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/LLVMIR/LLVMDialect.h"
#include "mlir/ExecutionEngine/ExecutionEngine.h"
#include "mlir/ExecutionEngine/OptUtils.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/Pass/PassManager.h"
#include "mlir/Pass/PassRegistry.h"
#include "llvm/ADT/APFloat.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/TargetSelect.h"

#include <cmath>
#include <cstring>
#include <limits>
#include <mutex>

using namespace mlir;

namespace fused::host {
namespace {

/// A host buffer with an MLIR memref descriptor (allocated, aligned,
/// offset, sizes[rank], strides[rank]) pointing at it.
struct Buffer {
  Type elementType;
  std::vector<int64_t> shape;
  std::vector<uint8_t> bytes;
  std::vector<int64_t> descriptor;
  void *descriptorPtr = nullptr;

  Buffer(Type et, std::vector<int64_t> s) : elementType(et), shape(s) {
    int64_t n = 1;
    for (int64_t d : shape)
      n *= d;
    bytes.assign(n * elementBytes(), 0);
    size_t rank = shape.size();
    descriptor.assign(3 + 2 * rank, 0);
    auto base = reinterpret_cast<int64_t>(bytes.data());
    descriptor[0] = base;
    descriptor[1] = base;
    descriptor[2] = 0;
    int64_t stride = 1;
    for (int64_t d = rank - 1; d >= 0; --d) {
      descriptor[3 + d] = shape[d];
      descriptor[3 + rank + d] = stride;
      stride *= shape[d];
    }
    descriptorPtr = descriptor.data();
  }

  size_t elementBytes() const {
    return elementType.isF32() ? 4 : elementType.isF64() ? 8 : 2;
  }
  size_t numel() const { return bytes.size() / elementBytes(); }

  const llvm::fltSemantics &semantics() const {
    return cast<FloatType>(elementType).getFloatSemantics();
  }

  void store(size_t i, double v) {
    llvm::APFloat f(v);
    bool lost;
    f.convert(semantics(), llvm::APFloat::rmNearestTiesToEven, &lost);
    uint64_t bits = f.bitcastToAPInt().getZExtValue();
    std::memcpy(bytes.data() + i * elementBytes(), &bits, elementBytes());
  }

  double load(size_t i) const {
    uint64_t bits = 0;
    std::memcpy(&bits, bytes.data() + i * elementBytes(), elementBytes());
    llvm::APFloat f(semantics(),
                    llvm::APInt(elementBytes() * 8, bits, /*isSigned=*/false));
    bool lost;
    f.convert(llvm::APFloat::IEEEdouble(), llvm::APFloat::rmNearestTiesToEven,
              &lost);
    return f.convertToDouble();
  }

  void poison() {
    for (size_t i = 0; i < numel(); ++i)
      store(i, std::numeric_limits<double>::quiet_NaN());
  }
};

/// The host lowering of kernel functions: loops, then LLVM.
LogicalResult lowerForHost(ModuleOp module) {
  // The pipeline is parsed from text; registration is idempotent.
  static std::once_flag registered;
  std::call_once(registered, [] { ::fused::registerAllPasses(); });
  PassManager pm(module.getContext());
  std::string pipeline =
      "fused-prepare-host,canonicalize,cse,scf-forall-to-for,"
      "convert-linalg-to-loops,lower-affine,"
      "arith-expand{include-bf16=true},convert-scf-to-cf,"
      "expand-strided-metadata,lower-affine,finalize-memref-to-llvm,"
      "convert-math-to-libm,convert-math-to-llvm,convert-arith-to-llvm,"
      "convert-index-to-llvm,convert-func-to-llvm,convert-cf-to-llvm,"
      "reconcile-unrealized-casts";
  if (failed(parsePassPipeline(pipeline, pm)))
    return module.emitError() << "invalid host lowering pipeline";
  return pm.run(module);
}

} // namespace

std::vector<uint8_t> encodeTensor(const ref::Tensor &t, Type elementType) {
  Buffer b(elementType, t.shape);
  for (size_t i = 0; i < t.data.size(); ++i)
    b.store(i, t.data[i]);
  return b.bytes;
}

ref::Tensor decodeTensor(const std::vector<uint8_t> &bytes,
                         std::vector<int64_t> shape, Type elementType) {
  Buffer b(elementType, shape);
  ref::Tensor t(shape);
  size_t n = std::min(bytes.size(), b.bytes.size());
  if (n) // an empty tensor's vectors may have no storage
    std::memcpy(b.bytes.data(), bytes.data(), n);
  for (size_t i = 0; i < t.data.size(); ++i)
    t.data[i] = b.load(i);
  return t;
}

LogicalResult runOnHost(ModuleOp module, StringRef entry,
                        const std::vector<ref::Tensor> &inputs,
                        std::vector<ref::Tensor> &outputs) {
  auto graph = module.lookupSymbol<func::FuncOp>(entry);
  if (!graph || graph.isExternal())
    return module.emitError() << "no function named @" << entry;

  // Kernel functions only, with C interfaces, in a copy of the module.
  OwningOpRef<ModuleOp> host = cast<ModuleOp>(module->clone());
  SmallVector<Operation *> drop;
  for (Operation &op : host->getBody()->getOperations()) {
    auto f = dyn_cast<func::FuncOp>(op);
    if (f && ::fused::fused::FusedDialect::KernelKindAttrHelper(
                 f.getContext())
                 .isAttrPresent(f)) {
      f.setPublic();
      f->setAttr(LLVM::LLVMDialect::getEmitCWrapperAttrName(),
                 UnitAttr::get(f.getContext()));
    } else
      drop.push_back(&op);
  }
  for (Operation *op : drop)
    op->erase();
  if (failed(lowerForHost(*host)))
    return failure();

  llvm::InitializeNativeTarget();
  llvm::InitializeNativeTargetAsmPrinter();
  ExecutionEngineOptions options;
  auto transformer = makeOptimizingTransformer(/*optLevel=*/2,
                                               /*sizeLevel=*/0,
                                               /*targetMachine=*/nullptr);
  options.transformer = transformer;
  options.jitCodeGenOptLevel = llvm::CodeGenOptLevel::Default;
  auto engine = ExecutionEngine::create(*host, options);
  if (!engine) {
    std::string msg = llvm::toString(engine.takeError());
    return module.emitError() << "cannot JIT-compile the kernels for the "
                                 "host: "
                              << msg;
  }

  // Run the schedule.
  Block &body = graph.getBody().front();
  if (inputs.size() != body.getNumArguments())
    return graph.emitError() << "expected " << body.getNumArguments()
                             << " inputs, got " << inputs.size();
  for (Operation &op : body)
    if (auto kernel = dyn_cast<::fused::fused::KernelOp>(op))
      // Only GEMM kernels have a tiled form that runs on the host; the
      // other kinds go straight to GPU code.
      return op.emitOpError()
             << "cannot run on the host: "
             << ::fused::fused::stringifyKernelKind(kernel.getKind())
             << " kernels have no host form; run them with --run (on the "
                "emulator when there is no GPU)";
  FailureOr<Schedule> schedule = buildSchedule(graph, "GEMM kernels");
  if (failed(schedule))
    return failure();
  std::string sizeError;
  std::optional<ScheduleSizes> sizes =
      schedule->bind(ref::shapesOf(inputs), sizeError);
  if (!sizes)
    return graph.emitError() << sizeError;
  auto makeBuffer = [&](int64_t id) {
    return std::make_shared<Buffer>(
        schedule->buffers[id].type.getElementType(), sizes->shapes[id]);
  };
  // Every buffer is a value written once, so a view is a copy here.
  std::vector<std::shared_ptr<Buffer>> buffers(schedule->buffers.size());
  auto bufferOf = [&](int64_t id) {
    const ScheduleBuffer &b = schedule->buffers[id];
    if (!buffers[id] && b.origin == ScheduleBuffer::Origin::View) {
      buffers[id] = makeBuffer(id);
      const Buffer &base = *buffers[b.base];
      std::copy_n(base.bytes.begin() + sizes->byteOffsets[id],
                  buffers[id]->bytes.size(),
                  buffers[id]->bytes.begin());
    }
    return buffers[id];
  };
  for (auto [arg, tensor] : llvm::zip(body.getArguments(), inputs)) {
    int64_t id = schedule->ids.lookup(arg);
    auto buf = makeBuffer(id);
    if (buf->numel() != tensor.data.size())
      return graph.emitError() << "input #" << arg.getArgNumber()
                               << " has the wrong number of elements";
    for (size_t i = 0; i < tensor.data.size(); ++i)
      buf->store(i, tensor.data[i]);
    buffers[id] = buf;
  }
  for (const ScheduleLaunch &launch : schedule->launches) {
    std::vector<void *> descriptorPtrs;
    for (auto [a, id] : llvm::enumerate(launch.args)) {
      if (a >= launch.numInputs) {
        buffers[id] = makeBuffer(id);
        buffers[id]->poison();
      }
      descriptorPtrs.push_back(bufferOf(id)->descriptorPtr);
    }
    SmallVector<void *> args;
    for (void *&p : descriptorPtrs)
      args.push_back(&p);
    std::string name = "_mlir_ciface_" + launch.kernel;
    if (llvm::Error err = (*engine)->invokePacked(name, args))
      return launch.op.emitOpError()
             << "kernel failed on the host: " << llvm::toString(std::move(err));
  }
  outputs.clear();
  for (int64_t id : schedule->outputs) {
    const Buffer &buf = *bufferOf(id);
    ref::Tensor t(buf.shape);
    for (size_t i = 0; i < t.data.size(); ++i)
      t.data[i] = buf.load(i);
    outputs.push_back(std::move(t));
  }
  return success();
}

} // namespace fused::host
