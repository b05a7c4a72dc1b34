//===- Program.cpp - the C++ embedding API --------------------------------===//
//
// A Program owns an MLIRContext, the module as written (for the reference
// evaluator), the module at the `mma` stage (host functions whose bodies
// are fused.launch schedules, and the gpu.module of kernels) and one kernel
// image. The cache stores the last two as files named by a hash of the
// source, the options and the compiler build.
//
//===----------------------------------------------------------------------===//

#include "fused/Api/Program.h"

#include "fused/Dialect/Fused/IR/FusedOps.h"
#include "fused/Emulator/Emulate.h"
#include "fused/Execution/HostRunner.h"
#include "fused/InitAll.h"
#include "fused/Pipeline/Bundle.h"
#include "fused/Conversion/KernelStrategy.h"
#include "fused/Dialect/Fused/IR/Schedule.h"
#include "fused/Pipeline/Pipeline.h"
#include "fused/Reference/Evaluator.h"
#include "fused/Runtime/Files.h"
#include "fused/Runtime/Images.h"
#include "fused/Runtime/Bundle.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "mlir/Dialect/GPU/IR/GPUDialect.h"
#include "mlir/IR/BuiltinOps.h"
#include "mlir/IR/Diagnostics.h"
#include "mlir/IR/DialectRegistry.h"
#include "mlir/IR/MLIRContext.h"
#include "mlir/Parser/Parser.h"
#include "mlir/Pass/PassManager.h"
#include "llvm/ADT/DenseMap.h"
#include "llvm/ADT/DenseSet.h"
#include "llvm/ADT/StringSwitch.h"
#include "llvm/Support/FileSystem.h"
#include "llvm/Support/MemoryBuffer.h"
#include "llvm/Support/Path.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/raw_ostream.h"

#include <algorithm>
#include <array>
#include <cstdlib>
#include <dlfcn.h>
#include <limits>
#include <map>
#include <mutex>
#include <sys/stat.h>
#include <unistd.h>

using namespace mlir;
using fused::rt::Status;
using fused::rt::StatusOr;

namespace fused {

namespace {

constexpr const char *kVersion = "0.1.0";

uint64_t fnv1a(const std::string &text, uint64_t h = 1469598103934665603ull) {
  for (unsigned char c : text)
    h = (h ^ c) * 1099511628211ull;
  return h;
}

/// Identifies the compiler build: the version and the size and time of the
/// binary this code is in, so that a rebuilt compiler misses the cache.
std::string buildId() {
  std::string id = kVersion;
  Dl_info info;
  if (dladdr(reinterpret_cast<void *>(&buildId), &info) && info.dli_fname) {
    struct stat st;
    if (stat(info.dli_fname, &st) == 0)
      id += ":" + std::to_string(st.st_size) + ":" +
            std::to_string(st.st_mtime);
  }
  return id;
}


std::optional<std::string> readFile(const std::string &path) {
  auto buf = llvm::MemoryBuffer::getFile(path);
  if (!buf)
    return std::nullopt;
  return (*buf)->getBuffer().str();
}

} // namespace


struct Program::Impl {
  std::unique_ptr<MLIRContext> context;
  llvm::SourceMgr sourceMgr;
  OwningOpRef<ModuleOp> original;
  OwningOpRef<ModuleOp> schedule;
  std::string image;
  rt::ModuleFormat format = rt::ModuleFormat::EmulatorIR;
  std::string target;
  /// The chip the kernels were compiled for (auto resolved).
  std::string chip;
  bool fromCache = false;
  std::vector<FunctionInfo> functions;
  std::map<std::string, KernelLaunchInfo> geometry;
  /// The image loaded on each device it ran on, by device serial.
  std::map<uint64_t, std::unique_ptr<rt::Module>> loaded;
  std::string diagnostics;
  /// Held while the MLIR context is used or `loaded` changes, so that
  /// threads may share one program.
  std::recursive_mutex mutex;

  /// Runs `fn` with diagnostics collected as text ("file:line:col: error:
  /// ...", with the source line); returns them on failure.
  Status capture(const std::function<LogicalResult()> &fn) {
    std::lock_guard<std::recursive_mutex> lock(mutex);
    diagnostics.clear();
    llvm::raw_string_ostream os(diagnostics);
    SourceMgrDiagnosticHandler handler(sourceMgr, context.get(), os);
    if (succeeded(fn()))
      return Status::ok();
    std::string text = diagnostics;
    while (!text.empty() && text.back() == '\n')
      text.pop_back();
    return Status::error(text.empty() ? "compilation failed" : text);
  }

  func::FuncOp originalFunc(const std::string &name) const {
    return const_cast<OwningOpRef<ModuleOp> &>(original)
        ->lookupSymbol<func::FuncOp>(name);
  }
};

Program::Program(std::unique_ptr<Impl> impl) : impl(std::move(impl)) {}
Program::~Program() = default;

const std::vector<FunctionInfo> &Program::functions() const {
  return impl->functions;
}
const std::string &Program::target() const { return impl->target; }
const std::string &Program::chip() const { return impl->chip; }
const std::string &Program::image() const { return impl->image; }
rt::ModuleFormat Program::imageFormat() const { return impl->format; }

StatusOr<std::unique_ptr<Program>>
Program::compile(ModuleOp module, const CompileOptions &options) {
  std::string text;
  llvm::raw_string_ostream os(text);
  module.print(os);
  return compile(text, options);
}
bool Program::fromCache() const { return impl->fromCache; }

namespace {

/// Where a compile goes: the target (auto resolved), the chip and the
/// image kind.
struct ResolvedTarget {
  std::string target, chip, emit;
};

StatusOr<ResolvedTarget> resolveTarget(const CompileOptions &options) {
  if (options.emit != "auto" && options.emit != "cubin" &&
      options.emit != "ptx")
    return Status::error("unknown emit kind '" + options.emit +
                         "' (expected auto, cubin or ptx)");
  if (options.chip != "auto" && !Target::get(options.chip))
    return Status::error("unknown chip '" + options.chip + "' (expected auto, " +
                         Target::chipList() + ")");
  ResolvedTarget r{options.target, options.chip, options.emit};
  std::optional<std::string> deviceChip;
  if (r.target == "auto" || (r.target == "cuda" && options.chip == "auto")) {
    auto cuda = rt::openCudaDevice();
    if (cuda)
      deviceChip = (*cuda)->chip();
    if (r.target == "auto")
      r.target = cuda ? "cuda" : "emulator";
  }
  if (r.target != "cuda" && r.target != "emulator" && r.target != "reference")
    return Status::error("unknown target '" + options.target +
                         "' (expected auto, cuda, emulator or reference)");
  if (r.chip == "auto") {
    // The present GPU's chip for the cuda target (sm_80 without one, and for
    // the emulator, which runs every chip's code).
    StatusOr<AutoChip> resolved =
        resolveAutoChip(r.target == "cuda" ? deviceChip.value_or("") : "");
    if (!resolved)
      return resolved.getStatus();
    r.chip = resolved->chip;
    if (resolved->needsPtx && r.emit == "auto")
      r.emit = "ptx";
  }
  r.chip = Target::canonicalChip(r.chip);
  return r;
}

/// The kernel cache's entry for one compile: the file `<dir>/<key>.entry`,
/// the key a hash of the compiler build, the target and the source. One
/// file, written whole by a rename, holding a header with the sizes and a
/// checksum of what follows (the format, the schedule, the image): an
/// entry that is truncated, altered or of another layout is not trusted
/// but compiled again and rewritten.
struct CacheEntry {
  static constexpr const char *kMagic = "fused-cache-entry 1";
  std::string dir, key;

  CacheEntry(const CompileOptions &options, const ResolvedTarget &t,
             const std::string &source)
      : dir(cacheDirectory(options.cacheDir)) {
    uint64_t h = fnv1a(buildId());
    h = fnv1a(t.chip + "\n" + t.target + "\n" + t.emit + "\n" +
                  options.plantBug + "\n",
              h);
    h = fnv1a(source, h);
    char name[32];
    snprintf(name, sizeof(name), "%016llx", static_cast<unsigned long long>(h));
    key = name;
  }
  std::string path() const {
    llvm::SmallString<256> p(dir);
    llvm::sys::path::append(p, key + ".entry");
    return std::string(p);
  }

  static uint64_t checksum(const std::string &format,
                           const std::string &schedule,
                           const std::string &image) {
    return fnv1a(image, fnv1a(schedule, fnv1a(format + "\n")));
  }
  static std::string encode(const std::string &format,
                            const std::string &schedule,
                            const std::string &image) {
    return std::string(kMagic) + "\n" + format + "\n" +
           std::to_string(schedule.size()) + "\n" +
           std::to_string(image.size()) + "\n" +
           std::to_string(checksum(format, schedule, image)) + "\n" +
           schedule + image;
  }
  /// The format, schedule and image of a whole entry.
  static std::optional<std::array<std::string, 3>>
  decode(llvm::StringRef text) {
    llvm::SmallVector<llvm::StringRef, 6> lines;
    text.split(lines, '\n', /*MaxSplit=*/5);
    uint64_t scheduleBytes, imageBytes, sum;
    if (lines.size() != 6 || lines[0] != kMagic ||
        lines[2].getAsInteger(10, scheduleBytes) ||
        lines[3].getAsInteger(10, imageBytes) ||
        lines[4].getAsInteger(10, sum) ||
        lines[5].size() != scheduleBytes + imageBytes ||
        scheduleBytes > lines[5].size())
      return std::nullopt;
    std::array<std::string, 3> parts = {
        lines[1].str(), lines[5].take_front(scheduleBytes).str(),
        lines[5].drop_front(scheduleBytes).str()};
    if (checksum(parts[0], parts[1], parts[2]) != sum)
      return std::nullopt;
    return parts;
  }
};

TensorInfo describeTensor(Type t) {
  TensorInfo ti;
  if (auto rt = dyn_cast<RankedTensorType>(t)) {
    for (int64_t d : rt.getShape())
      ti.shape.push_back(ShapedType::isDynamic(d) ? -1 : d);
    ti.dtype = typeName(rt.getElementType());
  } else {
    ti.dtype = typeName(t);
  }
  return ti;
}

} // namespace

/// Parses `source` into `original` and describes its functions.
static Status parseProgram(Program::Impl &p, const std::string &source,
                           const std::string &sourceName) {
  DialectRegistry registry;
  registerAllDialects(registry);
  p.context = std::make_unique<MLIRContext>(registry);
  p.context->loadAllAvailableDialects();
  // Diagnostics name the op; they do not dump it.
  p.context->printOpOnDiagnostic(false);
  p.sourceMgr.AddNewSourceBuffer(
      llvm::MemoryBuffer::getMemBufferCopy(source, sourceName), llvm::SMLoc());
  if (Status s = p.capture([&]() -> LogicalResult {
        p.original = parseSourceFile<ModuleOp>(p.sourceMgr, p.context.get());
        return success(static_cast<bool>(p.original));
      });
      !s)
    return s;
  for (auto f : p.original->getOps<func::FuncOp>()) {
    FunctionInfo info;
    info.name = f.getSymName().str();
    for (Type t : f.getArgumentTypes())
      info.inputs.push_back(describeTensor(t));
    for (Type t : f.getResultTypes())
      info.results.push_back(describeTensor(t));
    p.functions.push_back(std::move(info));
  }
  return Status::ok();
}

/// The schedule and image from the cache, when it holds a whole entry.
static void loadFromCache(Program::Impl &p, const CacheEntry &cache) {
  auto text = readFile(cache.path());
  if (!text)
    return;
  auto entry = CacheEntry::decode(*text);
  if (!entry)
    return;
  auto format = llvm::StringSwitch<std::optional<rt::ModuleFormat>>((*entry)[0])
                    .Case("cubin", rt::ModuleFormat::Cubin)
                    .Case("ptx", rt::ModuleFormat::PTX)
                    .Case("emulator", rt::ModuleFormat::EmulatorIR)
                    .Default(std::nullopt);
  if (!format)
    return;
  if (Status s = p.capture([&]() -> LogicalResult {
        p.schedule = parseSourceString<ModuleOp>((*entry)[1], p.context.get());
        return success(static_cast<bool>(p.schedule));
      });
      !s)
    return;
  p.image = std::move((*entry)[2]);
  p.format = *format;
  p.fromCache = true;
}

/// The GPU image of `schedule` (at the mma stage) for a cuda target: a
/// cubin when ptxas is there and `emit` allows, else PTX.
static LogicalResult buildCudaImage(Program::Impl &p, const PipelineOptions &po,
                                    const std::string &emit,
                                    std::string &formatName) {
  OwningOpRef<ModuleOp> binary = cast<ModuleOp>(p.schedule->clone());
  PipelineOptions bo = po;
  bo.stopAfter = Stage::Binary;
  std::string ptxas = emit == "ptx" ? "" : findPtxas();
  if (emit == "cubin" && ptxas.empty())
    return p.schedule->emitError()
           << "emit kind 'cubin' needs ptxas from a CUDA toolkit (none "
              "found in $CUDA_HOME/bin, on PATH or in /usr/local/cuda/bin)";
  // PTX by the NVVM target; a cubin by ptxas on it.
  if (!ptxas.empty())
    bo.toolkitPath =
        llvm::sys::path::parent_path(llvm::sys::path::parent_path(ptxas)).str();
  PassManager back(p.context.get());
  buildBackendPipeline(back, bo);
  if (failed(back.run(*binary)))
    return failure();
  FailureOr<std::string> image = extractBinary(*binary);
  if (failed(image))
    return failure();
  if (!ptxas.empty()) {
    auto cubin = runPtxas(ptxas, *image, po.chip);
    if (!cubin)
      return p.schedule->emitError() << cubin.getStatus().getMessage();
    image = std::move(*cubin);
  }
  p.image = std::move(*image);
  p.format = ptxas.empty() ? rt::ModuleFormat::PTX : rt::ModuleFormat::Cubin;
  formatName = ptxas.empty() ? "ptx" : "cubin";
  return success();
}

/// Runs the pipeline on a copy of `original` and builds the image.
static Status compileKernels(Program::Impl &p, const ResolvedTarget &t,
                             const CompileOptions &options,
                             std::string &formatName) {
  p.schedule = cast<ModuleOp>(p.original->clone());
  PipelineOptions po;
  po.chip = t.chip;
  po.stopAfter = Stage::Mma;
  formatName = "emulator";
  return p.capture([&]() -> LogicalResult {
    PassManager pm(p.context.get());
    buildPipeline(pm, po);
    if (failed(pm.run(*p.schedule)))
      return failure();
    bool anyKernel = false;
    p.schedule->walk([&](gpu::GPUFuncOp) { anyKernel = true; });
    if (!anyKernel)
      return p.schedule->emitError()
             << "nothing to compile: the input has no kernel that code "
                "generation supports yet ("
             << supportedKernelKinds() << ")";
    if (t.target != "emulator")
      return buildCudaImage(p, po, t.emit, formatName);
    emu::plantLaunchBug(*p.schedule, options.plantBug);
    FailureOr<std::string> ir =
        emu::buildEmulatorImage(*p.schedule, options.plantBug);
    if (failed(ir))
      return failure();
    p.image = std::move(*ir);
    p.format = rt::ModuleFormat::EmulatorIR;
    return success();
  });
}

StatusOr<std::unique_ptr<Program>>
Program::compile(const std::string &source, const CompileOptions &options) {
  StatusOr<ResolvedTarget> t = resolveTarget(options);
  if (!t)
    return t.getStatus();
  auto impl = std::make_unique<Impl>();
  Impl &p = *impl;
  p.target = t->target;
  p.chip = t->chip;
  if (Status s = parseProgram(p, source, options.sourceName); !s)
    return s;
  // "reference": parse and verify only, for the reference evaluator.
  if (t->target == "reference")
    return std::unique_ptr<Program>(new Program(std::move(impl)));

  CacheEntry cache(options, *t, source);
  if (options.cache)
    loadFromCache(p, cache);
  if (!p.fromCache) {
    std::string formatName;
    if (Status s = compileKernels(p, *t, options, formatName); !s)
      return s;
    if (options.cache && !llvm::sys::fs::create_directories(cache.dir)) {
      std::string text;
      llvm::raw_string_ostream os(text);
      p.schedule->print(os);
      // A failed write only costs the next compile its cache hit; a
      // partial one leaves nothing behind.
      (void)rt::writeFileAtomically(
          cache.path(), CacheEntry::encode(formatName, text, p.image));
    }
  }

  p.schedule->walk([&](gpu::GPUFuncOp k) {
    if (k.isKernel())
      p.geometry[k.getName().str()] = readKernelLaunchInfo(k);
  });
  return std::unique_ptr<Program>(new Program(std::move(impl)));
}

std::vector<uint8_t> Program::encode(const ref::Tensor &t,
                                     const std::string &dtype) {
  // One context for the element types, made on first use.
  static MLIRContext ctx;
  Type et = llvm::StringSwitch<Type>(dtype)
                .Case("f16", Float16Type::get(&ctx))
                .Case("bf16", BFloat16Type::get(&ctx))
                .Case("f64", Float64Type::get(&ctx))
                .Default(Float32Type::get(&ctx));
  return host::encodeTensor(t, et);
}

/// The program's image loaded on `device`, loading it the first time.
static StatusOr<rt::Module *> loadedModule(Program::Impl &p,
                                           rt::Device &device) {
  std::lock_guard<std::recursive_mutex> lock(p.mutex);
  auto &mod = p.loaded[device.serial()];
  if (!mod) {
    // A CUDA device must be able to load the image: say so plainly rather
    // than pass the driver's error on.
    // Nor is it handed an image that is not whole.
    if (device.backend() == "cuda" && p.format != rt::ModuleFormat::EmulatorIR) {
      std::optional<rt::Chip> dc = rt::parseChip(device.chip());
      if (dc) {
        auto choice = rt::selectImage({{p.format, p.chip}}, *dc, device.name());
        if (!choice)
          return choice.getStatus();
      }
      if (Status s = rt::checkImage(p.image, p.format, p.chip,
                                    "the program's image");
          !s)
        return s;
    }
    auto loaded = device.loadModule(p.image, p.format);
    if (!loaded)
      return loaded.getStatus();
    mod = std::move(*loaded);
  }
  return mod.get();
}

StatusOr<std::vector<ref::Tensor>>
Program::run(rt::Device &device, const std::string &function,
             const std::vector<ref::Tensor> &inputs,
             const std::function<Status(const LaunchInfo &)> &afterLaunch) {
  Impl &p = *impl;
  if (device.backend() != p.target)
    return Status::error("the program was compiled for the " + p.target +
                         " target and cannot run on the " + device.backend() +
                         " device (compile with target '" +
                         device.backend() + "' or 'auto')");
  auto graph = p.schedule->lookupSymbol<func::FuncOp>(function);
  if (!graph)
    return Status::error("no function named '" + function + "'");
  if (inputs.size() != graph.getNumArguments())
    return Status::error("@" + function + " takes " +
                         std::to_string(graph.getNumArguments()) +
                         " inputs, got " + std::to_string(inputs.size()));
  StatusOr<rt::Module *> module = loadedModule(p, device);
  if (!module)
    return module.getStatus();

  FailureOr<Schedule> schedule;
  if (Status s = p.capture([&] {
        schedule = buildSchedule(graph, supportedKernelKinds());
        return success(succeeded(schedule));
      });
      !s)
    return Status::error("@" + function + " cannot run on a device: " +
                         s.getMessage());
  // The sizes of this call: dynamic dimensions take the inputs'.
  std::string sizeError;
  std::optional<ScheduleSizes> sizes =
      schedule->bind(ref::shapesOf(inputs), sizeError);
  if (!sizes)
    return Status::error("@" + function + ": " + sizeError);
  for (auto [i, id] : llvm::enumerate(schedule->inputs))
    if (inputs[i].data.size() !=
        static_cast<size_t>(sizes->bytes[id] /
                            schedule->buffers[id].elementBytes()))
      return Status::error("input " + std::to_string(i) + " of @" + function +
                           " has " + std::to_string(inputs[i].data.size()) +
                           " values for shape " +
                           ref::formatShape(inputs[i].shape));
  // One device buffer per input and kernel result; a view is a part of
  // its base's.
  std::vector<std::unique_ptr<rt::Buffer>> storage(schedule->buffers.size());
  auto upload = [&](int64_t id, const ref::Tensor &tensor) -> Status {
    RankedTensorType type = schedule->buffers[id].type;
    std::vector<uint8_t> bytes =
        host::encodeTensor(tensor, type.getElementType());
    auto buf = device.allocate(bytes.size());
    if (!buf)
      return buf.getStatus();
    storage[id] = std::move(*buf);
    return device.copyToDevice(*storage[id], bytes.data(), bytes.size());
  };
  for (auto [i, id] : llvm::enumerate(schedule->inputs))
    if (Status s = upload(id, inputs[i]); !s)
      return s;
  double flops = 0;
  if (afterLaunch)
    if (func::FuncOp f = p.originalFunc(function))
      flops = functionFlops(f);

  for (const ScheduleLaunch &launch : schedule->launches) {
    std::vector<rt::KernelArg> args;
    std::vector<std::vector<int64_t>> argShapes;
    for (auto [a, id] : llvm::enumerate(launch.args)) {
      const ScheduleBuffer &b = schedule->buffers[id];
      if (a >= launch.numInputs) {
        // Results start as NaN, so that what the kernel leaves unwritten
        // shows.
        ref::Tensor poison{
            sizes->shapes[id],
            std::vector<double>(sizes->bytes[id] / b.elementBytes(),
                                std::numeric_limits<double>::quiet_NaN())};
        if (Status s = upload(id, poison); !s)
          return s;
      }
      argShapes.push_back(sizes->shapes[id]);
      auto m = rt::memrefArgs(*storage[schedule->storageOf(id)],
                              sizes->shapes[id], sizes->byteOffsets[id]);
      args.insert(args.end(), m.begin(), m.end());
    }
    auto g = p.geometry.find(launch.kernel);
    if (g == p.geometry.end() || !g->second.hasGeometry)
      return Status::error("kernel " + launch.kernel +
                           " has no launch geometry");
    rt::LaunchConfig config;
    std::array<uint32_t, 3> staticGrid;
    for (int i = 0; i < 3; ++i) {
      staticGrid[i] = static_cast<uint32_t>(g->second.grid[i]);
      config.block[i] = static_cast<uint32_t>(g->second.block[i]);
    }
    auto grid = rt::gridForShapes(launch.kernel, staticGrid,
                                  g->second.gridSizes, argShapes);
    if (!grid)
      return grid.getStatus();
    config.grid = *grid;
    // Sizes (or static dimensions) of 0 that leave nothing to compute: the
    // outputs are empty tensors, no launch.
    if (config.grid[0] == 0 || config.grid[1] == 0 || config.grid[2] == 0)
      continue;
    config.dynamicSharedMemory =
        static_cast<uint32_t>(g->second.dynamicSharedMemory);
    // Tensor maps, by value after the arguments.
    for (const KernelLaunchInfo::TensorMap &t : g->second.tensorMaps) {
      size_t id = launch.args[t.arg];
      rt::TensorMapRequest r;
      r.address = storage[schedule->storageOf(id)]->address() +
                  sizes->byteOffsets[id];
      r.dtype = typeName(schedule->buffers[id].type.getElementType());
      r.shape = sizes->shapes[id];
      r.box = t.box;
      r.swizzle = t.swizzle;
      auto map = device.encodeTensorMap(r);
      if (!map)
        return Status::error("kernel " + launch.kernel + ", argument " +
                             std::to_string(t.arg) + ": " +
                             map.getStatus().getMessage());
      args.push_back(std::move(*map));
    }
    Status launched = device.launch(**module, launch.kernel, config, args);
    if (afterLaunch) {
      LaunchInfo info{function, launch.kernel, &device, *module, config,
                      &args, flops};
      if (Status s = afterLaunch(info); !s)
        return s;
    }
    if (!launched)
      return launched;
  }

  std::vector<ref::Tensor> outputs;
  for (int64_t id : schedule->outputs) {
    const ScheduleBuffer &b = schedule->buffers[id];
    const rt::Buffer &buffer = *storage[schedule->storageOf(id)];
    std::vector<uint8_t> bytes(buffer.size());
    if (Status s = device.copyToHost(bytes.data(), buffer, bytes.size()); !s)
      return s;
    bytes.erase(bytes.begin(), bytes.begin() + sizes->byteOffsets[id]);
    bytes.resize(sizes->bytes[id]);
    outputs.push_back(host::decodeTensor(bytes, sizes->shapes[id],
                                         b.type.getElementType()));
  }
  return outputs;
}

StatusOr<std::vector<ref::Tensor>>
Program::reference(const std::string &function,
                   const std::vector<ref::Tensor> &inputs) const {
  func::FuncOp f = impl->originalFunc(function);
  if (!f)
    return Status::error("no function named '" + function + "'");
  // Rounded to the argument types first, as a device sees them.
  std::vector<ref::Tensor> rounded = inputs;
  for (auto [t, type] : llvm::zip(rounded, f.getArgumentTypes()))
    if (auto rt = dyn_cast<RankedTensorType>(type))
      t = host::decodeTensor(host::encodeTensor(t, rt.getElementType()),
                             t.shape, rt.getElementType());
  std::vector<ref::Tensor> results;
  if (Status s =
          impl->capture([&] { return ref::evaluate(f, rounded, results); });
      !s)
    return s;
  return results;
}

StatusOr<std::vector<ref::Tensor>>
Program::randomInputs(const std::string &function, uint64_t seed,
                      const std::vector<int64_t> &sizes) const {
  func::FuncOp f = impl->originalFunc(function);
  if (!f)
    return Status::error("no function named '" + function + "'");
  // The input shapes that the sizes give, from the compiled schedule.
  std::vector<std::vector<int64_t>> shapes;
  auto graph = impl->schedule->lookupSymbol<func::FuncOp>(function);
  // (A function that has no schedule fails when it runs, with its error.)
  FailureOr<Schedule> schedule;
  if (graph)
    (void)impl->capture([&] {
      schedule = buildSchedule(graph, supportedKernelKinds());
      return success(succeeded(schedule));
    });
  if (succeeded(schedule)) {
    std::string error;
    auto given = schedule->inputShapes(sizes, error);
    if (!given)
      return Status::error(error + " (give them with --sizes=N,...)");
    shapes = *given;
  }
  std::vector<ref::Tensor> inputs;
  if (Status s = impl->capture(
          [&] { return ref::makeRandomInputs(f, seed, shapes, inputs); });
      !s)
    return s;
  return inputs;
}

StatusOr<unsigned> Program::numSizes(const std::string &function) const {
  auto graph = impl->schedule->lookupSymbol<func::FuncOp>(function);
  if (!graph)
    return Status::error("no function named '" + function + "'");
  FailureOr<Schedule> schedule;
  if (Status s = impl->capture([&] {
        schedule = buildSchedule(graph, supportedKernelKinds());
        return success(succeeded(schedule));
      });
      !s)
    return s;
  return schedule->numSymbols;
}

StatusOr<AutoChip> resolveAutoChip(const std::string &deviceChip) {
  AutoChip r;
  if (deviceChip.empty())
    return r;
  std::optional<rt::Chip> d = rt::parseChip(deviceChip);
  if (!d)
    return Status::error("the CUDA device reports an unknown chip '" +
                         deviceChip + "'");
  if (d->major < 8)
    return Status::error("the CUDA device is " + deviceChip +
                         "; fused's kernels need compute capability 8.0 "
                         "(sm_80) or later");
  // The newest supported chip whose code the device runs: a cubin of the
  // same major version, else PTX for the driver to compile.
  std::string best;
  bool sameMajor = false;
  for (llvm::StringRef c : Target::chips()) {
    rt::Chip k = *rt::parseChip(c.str());
    // sm_90a is asked for by name only.
    if (k.archSpecific)
      continue;
    if (k.major * 10 + k.minor > d->major * 10 + d->minor)
      continue;
    // sm_90's code is for sm_90a, which runs on that compute capability
    // alone: a later device gets the newest PTX that its driver compiles.
    if (Target::get(c)->archSpecific &&
        (k.major != d->major || k.minor != d->minor))
      continue;
    best = c.str();
    sameMajor = k.major == d->major;
  }
  r.chip = best;
  r.needsPtx = !sameMajor;
  return r;
}

double toleranceFor(const std::string &dtype) {
  return rt::toleranceFor(dtype);
}

double toleranceFor(const std::vector<std::string> &dtypes) {
  double tol = 1e-5;
  for (const std::string &t : dtypes)
    tol = std::max(tol, toleranceFor(t));
  return tol;
}

static double toleranceOfType(Type t) {
  return toleranceFor(typeName(getElementTypeOrSelf(t)));
}

std::vector<double> resultTolerances(func::FuncOp func) {
  std::vector<double> out;
  if (func.isExternal())
    return out;
  Operation *ret = func.getBody().front().getTerminator();
  for (Value result : ret->getOperands()) {
    double tol = toleranceOfType(result.getType());
    // Every value the result is computed from, back to the inputs.
    SmallVector<Value> work = {result};
    llvm::DenseSet<Value> seen;
    while (!work.empty()) {
      Value v = work.pop_back_val();
      if (!seen.insert(v).second)
        continue;
      Operation *def = v.getDefiningOp();
      if (!def)
        continue; // An input: rounded as the device sees it.
      tol = std::max(tol, toleranceOfType(v.getType()));
      if (auto att = dyn_cast<::fused::fused::AttentionOp>(def);
          att && v == att->getResult(0))
        tol = std::max(tol, toleranceOfType(att.getQuery().getType()));
      for (Value operand : def->getOperands())
        work.push_back(operand);
    }
    out.push_back(tol);
  }
  return out;
}

std::vector<double> Program::tolerances(const std::string &function) const {
  func::FuncOp f = impl->originalFunc(function);
  return f ? resultTolerances(f) : std::vector<double>();
}

double Program::tolerance(const std::string &function) const {
  double tol = 1e-5;
  for (double t : tolerances(function))
    tol = std::max(tol, t);
  return tol;
}

StatusOr<std::unique_ptr<rt::Device>>
openDevice(const std::string &kind, const rt::EmulatorOptions &emulator) {
  if (kind != "auto" && kind != "cuda" && kind != "emulator")
    return Status::error("unknown device '" + kind +
                         "' (expected auto, cuda or emulator)");
  if (kind != "emulator") {
    auto cuda = rt::openCudaDevice();
    if (cuda || kind == "cuda")
      return cuda;
  }
  auto emu = rt::openEmulatorDevice(emulator);
  if (!emu)
    return emu.getStatus();
  return std::unique_ptr<rt::Device>(std::move(*emu));
}

std::string version() { return kVersion; }

std::string cacheDirectory(const std::string &dir) {
  if (!dir.empty())
    return dir;
  if (const char *env = std::getenv("FUSED_CACHE_DIR"); env && *env)
    return env;
  llvm::SmallString<256> path;
  if (const char *xdg = std::getenv("XDG_CACHE_HOME"); xdg && *xdg) {
    path = xdg;
  } else {
    const char *home = std::getenv("HOME");
    path = home && *home ? home : "/tmp";
    llvm::sys::path::append(path, ".cache");
  }
  llvm::sys::path::append(path, "fused");
  return std::string(path);
}

StatusOr<int> clearCache(const std::string &dir) {
  std::string d = cacheDirectory(dir);
  if (!llvm::sys::fs::exists(d))
    return 0;
  int removed = 0;
  std::error_code ec;
  for (llvm::sys::fs::directory_iterator it(d, ec), end; it != end && !ec;
       it.increment(ec)) {
    // Entries, and what a writer that stopped part-way left.
    llvm::StringRef name = llvm::sys::path::filename(it->path());
    if (name.ends_with(".entry") || name.contains(".entry.tmp.")) {
      if (!llvm::sys::fs::remove(it->path()))
        removed += name.ends_with(".entry") ? 1 : 0;
    }
  }
  if (ec)
    return Status::error("cannot list the cache directory " + d + ": " +
                         ec.message());
  return removed;
}

} // namespace fused
