//===- Bundle.cpp - kernel bundles: binary plus launch manifest -----------===//
//
// Builds the launch manifest from the IR at the mma stage and extracts the
// serialized kernels.
//
//===----------------------------------------------------------------------===//

#include "fused/Pipeline/Bundle.h"

#include "fused/Conversion/KernelStrategy.h"
#include "fused/Dialect/Fused/IR/FusedOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/Program.h"

#include <cstdlib>

using namespace mlir;
namespace json = llvm::json;

namespace fused {

std::string typeName(Type t) {
  std::string s;
  llvm::raw_string_ostream os(s);
  os << t;
  return s;
}

static json::Object tensorDesc(Type type) {
  auto shaped = cast<ShapedType>(type);
  json::Array shape;
  for (int64_t d : shaped.getShape())
    shape.push_back(d);
  return json::Object{{"dtype", typeName(shaped.getElementType())},
                      {"shape", std::move(shape)}};
}

static json::Array i64Array(ArrayRef<int64_t> values) {
  json::Array a;
  for (int64_t v : values)
    a.push_back(v);
  return a;
}

/// The alignment in bytes that kernel `k` assumes of each argument: the
/// widest alignment any of its accesses to that buffer declares (16-byte
/// cp.async copies and vector accesses; element loads and stores need
/// their element's size).
static SmallVector<int64_t> argumentAlignments(gpu::GPUFuncOp k) {
  SmallVector<int64_t> align(k.getNumArguments(), 1);
  auto rootArg = [&](Value v) -> int {
    while (Operation *def = v.getDefiningOp()) {
      if (!isa<memref::SubViewOp, memref::CastOp, memref::ReinterpretCastOp,
               memref::ExpandShapeOp, memref::CollapseShapeOp>(def))
        return -1;
      v = def->getOperand(0);
    }
    auto ba = dyn_cast<BlockArgument>(v);
    return ba && ba.getOwner() == &k.getBody().front()
               ? static_cast<int>(ba.getArgNumber())
               : -1;
  };
  auto need = [&](Value memref, int64_t bytes) {
    int i = rootArg(memref);
    if (i >= 0 && i < static_cast<int>(align.size()))
      align[i] = std::max(align[i], bytes);
  };
  auto elementBytes = [](Value memref) -> int64_t {
    auto t = cast<MemRefType>(memref.getType());
    return std::max<int64_t>(1, t.getElementTypeBitWidth() / 8);
  };
  k.walk([&](Operation *op) {
    if (auto l = dyn_cast<vector::LoadOp>(op))
      need(l.getBase(), l.getAlignment() ? int64_t(*l.getAlignment())
                                         : elementBytes(l.getBase()));
    else if (auto st = dyn_cast<vector::StoreOp>(op))
      need(st.getBase(), st.getAlignment() ? int64_t(*st.getAlignment())
                                           : elementBytes(st.getBase()));
    else if (auto cp = dyn_cast<nvgpu::DeviceAsyncCopyOp>(op))
      need(cp.getSrc(), cp.getDstElements().getZExtValue() *
                            elementBytes(cp.getSrc()));
    else if (auto ml = dyn_cast<memref::LoadOp>(op))
      need(ml.getMemRef(), elementBytes(ml.getMemRef()));
    else if (auto ms = dyn_cast<memref::StoreOp>(op))
      need(ms.getMemRef(), elementBytes(ms.getMemRef()));
  });
  return align;
}

KernelLaunchInfo readKernelLaunchInfo(gpu::GPUFuncOp k) {
  KernelLaunchInfo info;
  info.name = k.getName().str();
  if (auto launch = ::fused::fused::FusedDialect::LaunchAttrHelper(
                         k.getContext())
                         .getAttr(k)) {
    llvm::copy(launch.getGrid(), info.grid.begin());
    llvm::copy(launch.getBlock(), info.block.begin());
    info.hasGeometry = true;
    info.dynamicSharedMemory = launch.getDynamicSharedMemory();
    info.numOutputs = launch.getNumOutputs();
  }
  return info;
}

FailureOr<json::Value> buildManifest(ModuleOp module,
                                     ArrayRef<std::string> chips) {
  json::Array kernels;
  module.walk([&](gpu::GPUFuncOp k) {
    if (!k.isKernel())
      return;
    KernelLaunchInfo info = readKernelLaunchInfo(k);
    int64_t firstOutput =
        static_cast<int64_t>(k.getNumArguments()) - info.numOutputs;
    json::Array args;
    SmallVector<int64_t> alignments = argumentAlignments(k);
    for (auto [i, t] : llvm::enumerate(k.getArgumentTypes())) {
      json::Object a = tensorDesc(t);
      a["index"] = static_cast<int64_t>(i);
      a["role"] = static_cast<int64_t>(i) >= firstOutput ? "output" : "input";
      a["alignment"] = alignments[i];
      args.push_back(std::move(a));
    }
    json::Object desc{{"name", info.name}, {"args", std::move(args)}};
    if (info.hasGeometry) {
      desc["grid"] = i64Array(info.grid);
      desc["block"] = i64Array(info.block);
    }
    desc["dynamic_shared_memory"] = info.dynamicSharedMemory;
    // Above 48 KiB a kernel must be allowed more (the runtime sets
    // CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES).
    desc["shared_memory_opt_in"] = info.dynamicSharedMemory > 48 * 1024;
    for (const KernelStrategy *s : kernelStrategies())
      if (s->describe(k, desc)) {
        desc["kind"] = s->name().str();
        break;
      }
    kernels.push_back(std::move(desc));
  });

  json::Array functions;
  bool ok = true;
  for (auto func : module.getOps<func::FuncOp>()) {
    if (func.isExternal())
      continue;
    llvm::DenseMap<Value, int64_t> bufferIds;
    json::Array buffers, inputs, launches, returns;
    auto addBuffer = [&](Value v, StringRef origin) {
      json::Object b = tensorDesc(v.getType());
      b["id"] = static_cast<int64_t>(bufferIds.size());
      b["origin"] = origin.str();
      bufferIds[v] = bufferIds.size();
      buffers.push_back(std::move(b));
      return bufferIds[v];
    };
    for (BlockArgument arg : func.getArguments())
      inputs.push_back(addBuffer(arg, "input"));
    for (Operation &op : func.getBody().front()) {
      if (auto ret = dyn_cast<func::ReturnOp>(op)) {
        for (Value v : ret.getOperands())
          returns.push_back(bufferIds.lookup(v));
        continue;
      }
      auto launch = dyn_cast<::fused::fused::LaunchOp>(op);
      if (!launch) {
        op.emitOpError() << "cannot be part of a kernel bundle: only "
                            "fused.launch ops run (is code generation "
                            "available for this kernel kind?)";
        ok = false;
        break;
      }
      json::Array args;
      for (Value in : launch.getInputs())
        args.push_back(bufferIds.lookup(in));
      for (Value r : launch.getResults())
        args.push_back(addBuffer(r, "kernel"));
      launches.push_back(json::Object{
          {"kernel", launch.getCallee().getLeafReference().getValue().str()},
          {"args", std::move(args)}});
    }
    functions.push_back(json::Object{{"name", func.getSymName().str()},
                                     {"inputs", std::move(inputs)},
                                     {"outputs", std::move(returns)},
                                     {"buffers", std::move(buffers)},
                                     {"launches", std::move(launches)}});
  }
  if (!ok)
    return failure();
  json::Array chipList;
  for (const std::string &c : chips)
    chipList.push_back(c);
  return json::Value(json::Object{{"format", "fused-bundle"},
                                  {"version", 2},
                                  {"chips", std::move(chipList)},
                                  {"kernels", std::move(kernels)},
                                  {"functions", std::move(functions)}});
}

FailureOr<std::string> extractBinary(ModuleOp module) {
  gpu::BinaryOp binary;
  module.walk([&](gpu::BinaryOp b) { binary = b; });
  if (!binary || binary.getObjects().empty())
    return module.emitError() << "no serialized GPU module", failure();
  auto object = cast<gpu::ObjectAttr>(binary.getObjects()[0]);
  return object.getObject().getValue().str();
}

std::string findPtxas() {
  for (const char *var : {"CUDA_HOME", "CUDA_PATH"})
    if (const char *dir = std::getenv(var)) {
      llvm::SmallString<256> p(dir);
      llvm::sys::path::append(p, "bin", "ptxas");
      if (llvm::sys::fs::can_execute(p))
        return std::string(p);
    }
  if (auto p = llvm::sys::findProgramByName("ptxas"))
    return *p;
  if (llvm::sys::fs::can_execute("/usr/local/cuda/bin/ptxas"))
    return "/usr/local/cuda/bin/ptxas";
  return "";
}

} // namespace fused
