//===- Bundle.cpp - kernel bundles: binary plus launch manifest -----------===//
//
// Builds the launch manifest from the IR at the mma stage and extracts the
// serialized kernels.
//
//===----------------------------------------------------------------------===//

#include "fused/Pipeline/Bundle.h"

#include "fused/Conversion/KernelStrategy.h"
#include "fused/Dialect/Fused/IR/FusedOps.h"
#include "fused/Dialect/Fused/IR/Schedule.h"
#include "fused/Runtime/Files.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/Dialect/MemRef/IR/MemRef.h"
#include "mlir/Dialect/NVGPU/IR/NVGPUDialect.h"
#include "mlir/Dialect/Vector/IR/VectorOps.h"
#include "mlir/IR/BuiltinOps.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
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

/// dtype and shape; a dynamic dimension is `dims`' expression, or "?"
/// without them.
static json::Object tensorDesc(Type type, ArrayRef<SizeExpr> dims = {}) {
  auto shaped = cast<ShapedType>(type);
  json::Array shape;
  for (auto [i, d] : llvm::enumerate(shaped.getShape())) {
    if (!ShapedType::isDynamic(d))
      shape.push_back(d);
    else if (i < dims.size())
      shape.push_back(dims[i].str());
    else
      shape.push_back("?");
  }
  return json::Object{{"dtype", typeName(shaped.getElementType())},
                      {"shape", std::move(shape)}};
}

static json::Array i64Array(ArrayRef<int64_t> values) {
  json::Array a;
  for (int64_t v : values)
    a.push_back(v);
  return a;
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
    for (unsigned d = 0; d < 3; ++d)
      info.gridSizes[d] = launch.getGridSize(d).str();
    if (launch.getTensorMaps())
      for (Attribute a : launch.getTensorMaps()) {
        auto m = cast<::fused::fused::TensorMapAttr>(a);
        KernelLaunchInfo::TensorMap t;
        t.arg = m.getArg();
        t.box.assign(m.getBox().begin(), m.getBox().end());
        t.swizzle = m.getSwizzle();
        info.tensorMaps.push_back(std::move(t));
      }
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
    SmallVector<int64_t> alignments = kernelArgumentAlignments(k);
    for (auto [i, t] : llvm::enumerate(k.getArgumentTypes())) {
      json::Object a = tensorDesc(t);
      a["index"] = static_cast<int64_t>(i);
      a["role"] = static_cast<int64_t>(i) >= firstOutput ? "output" : "input";
      a["alignment"] = alignments[i];
      args.push_back(std::move(a));
    }
    json::Object desc{{"name", info.name}, {"args", std::move(args)}};
    if (info.hasGeometry) {
      json::Array grid;
      for (int d = 0; d < 3; ++d)
        if (!info.gridSizes[d].empty())
          grid.push_back(info.gridSizes[d]);
        else
          grid.push_back(info.grid[d]);
      desc["grid"] = std::move(grid);
      desc["block"] = i64Array(info.block);
    }
    desc["dynamic_shared_memory"] = info.dynamicSharedMemory;
    // Above 48 KiB a kernel must be allowed more (the runtime sets
    // CU_FUNC_ATTRIBUTE_MAX_DYNAMIC_SHARED_SIZE_BYTES).
    desc["shared_memory_opt_in"] = info.dynamicSharedMemory > 48 * 1024;
    if (!info.tensorMaps.empty()) {
      json::Array maps;
      for (const KernelLaunchInfo::TensorMap &m : info.tensorMaps)
        maps.push_back(json::Object{{"arg", m.arg},
                                    {"box", i64Array(m.box)},
                                    {"swizzle", m.swizzle}});
      desc["tensor_maps"] = std::move(maps);
    }
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
    // Every function's errors are reported, not only the first's.
    FailureOr<Schedule> schedule =
        buildSchedule(func, supportedKernelKinds());
    if (failed(schedule)) {
      ok = false;
      continue;
    }
    json::Array buffers, launches;
    for (auto [id, b] : llvm::enumerate(schedule->buffers)) {
      json::Object desc = tensorDesc(b.type, b.dims);
      desc["id"] = static_cast<int64_t>(id);
      desc["origin"] = b.originName().str();
      if (b.origin == ScheduleBuffer::Origin::View) {
        desc["of"] = b.base;
        if (std::optional<int64_t> c = b.byteOffsetExpr.constantValue())
          desc["offset"] = *c;
        else
          desc["offset"] = b.byteOffsetExpr.str();
      }
      buffers.push_back(std::move(desc));
    }
    for (const ScheduleLaunch &l : schedule->launches) {
      launches.push_back(json::Object{{"kernel", l.kernel},
                                      {"args", i64Array(l.args)}});
    }
    functions.push_back(json::Object{{"name", schedule->name},
                                     {"inputs", i64Array(schedule->inputs)},
                                     {"outputs", i64Array(schedule->outputs)},
                                     {"buffers", std::move(buffers)},
                                     {"launches", std::move(launches)}});
  }
  if (!ok)
    return failure();
  json::Array chipList;
  for (const std::string &c : chips)
    chipList.push_back(c);
  return json::Value(json::Object{{"format", "fused-bundle"},
                                  {"version", 3},
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

rt::StatusOr<std::string> runPtxas(const std::string &ptxas,
                                   llvm::StringRef ptx, llvm::StringRef chip,
                                   llvm::ArrayRef<llvm::StringRef> extraArgs,
                                   std::string *log) {
  llvm::SmallString<128> ptxPath, cubinPath, logPath;
  auto removeTemporaries = [&] {
    for (const auto &p : {ptxPath, cubinPath, logPath})
      if (!p.empty())
        llvm::sys::fs::remove(p);
  };
  for (auto [path, ext] : {std::pair{&ptxPath, "ptx"}, {&cubinPath, "cubin"},
                           {&logPath, "log"}})
    if (std::error_code ec =
            llvm::sys::fs::createTemporaryFile("fused", ext, *path)) {
      removeTemporaries();
      return rt::Status::error("cannot create a temporary file for ptxas: " +
                               ec.message());
    }
  if (rt::Status s = rt::writeFileAtomically(std::string(ptxPath), ptx.str());
      !s) {
    removeTemporaries();
    return rt::Status::error("cannot pass the PTX to ptxas: " + s.getMessage());
  }
  // As the NVVM target runs it, so that the cubin is the same.
  llvm::SmallVector<llvm::StringRef> args = {ptxas, "-arch", chip, ptxPath,
                                             "-o", cubinPath, "--opt-level",
                                             "3"};
  args.append(extraArgs.begin(), extraArgs.end());
  std::optional<llvm::StringRef> redirects[] = {std::nullopt, logPath.str(),
                                                logPath.str()};
  std::string error;
  int rc = llvm::sys::ExecuteAndWait(ptxas, args, std::nullopt, redirects, 0,
                                     0, &error);
  auto output = llvm::MemoryBuffer::getFile(logPath);
  auto cubin = llvm::MemoryBuffer::getFile(cubinPath, /*IsText=*/false,
                                           /*RequiresNullTerminator=*/false);
  removeTemporaries();
  std::string text = output ? (*output)->getBuffer().trim().str() : "";
  if (rc != 0 || !cubin || (*cubin)->getBufferSize() == 0)
    return rt::Status::error(
        "ptxas failed for " + chip.str() +
        (rc < 0 ? ": " + error
                : " (exit code " + std::to_string(rc) + ")") +
        (text.empty() ? std::string() : ":\n" + text));
  if (log)
    *log = std::move(text);
  return (*cubin)->getBuffer().str();
}

} // namespace fused
