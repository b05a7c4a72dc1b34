//===- Device.cpp - the emulator device -----------------------------------===//
//
// Buffers are host allocations with redzones; modules are the LLVM IR
// images of fused::emu::buildEmulatorImage, compiled for the host with an
// ORC JIT whose symbol table provides the emulator hooks (Hooks.h) and host
// versions of the libdevice functions that kernels call; launches run the
// grid through the engine (Engine.h).
//
//===----------------------------------------------------------------------===//

#include "emulator/Engine.h"
#include "emulator/Hopper.h"
#include "emulator/Hooks.h"

#include "fused/Runtime/MemoryAccess.h"
#include "fused/Runtime/Runtime.h"

#include "llvm/AsmParser/Parser.h"
#include "llvm/ExecutionEngine/Orc/ExecutionUtils.h"
#include "llvm/ExecutionEngine/Orc/LLJIT.h"
#include "llvm/IR/LLVMContext.h"
#include "llvm/IR/Module.h"
#include "llvm/Passes/PassBuilder.h"
#include "llvm/Support/SourceMgr.h"
#include "llvm/Support/TargetSelect.h"

#include <chrono>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <cmath>
#include <mutex>
#include <sstream>
#include <thread>

namespace fused::rt {

void EmulatorCounters::add(const EmulatorCounters &o) {
  blocks += o.blocks;
  threads += o.threads;
  globalLoadRequests += o.globalLoadRequests;
  globalLoadSectors += o.globalLoadSectors;
  globalLoadSectorsIdeal += o.globalLoadSectorsIdeal;
  globalStoreRequests += o.globalStoreRequests;
  globalStoreSectors += o.globalStoreSectors;
  globalStoreSectorsIdeal += o.globalStoreSectorsIdeal;
  uniqueBytesRead += o.uniqueBytesRead;
  uniqueBytesWritten += o.uniqueBytesWritten;
  sharedLoadRequests += o.sharedLoadRequests;
  sharedLoadWavefronts += o.sharedLoadWavefronts;
  sharedLoadWavefrontsIdeal += o.sharedLoadWavefrontsIdeal;
  sharedStoreRequests += o.sharedStoreRequests;
  sharedStoreWavefronts += o.sharedStoreWavefronts;
  sharedStoreWavefrontsIdeal += o.sharedStoreWavefrontsIdeal;
  ldmatrixRequests += o.ldmatrixRequests;
  ldmatrixWavefronts += o.ldmatrixWavefronts;
  ldmatrixWavefrontsIdeal += o.ldmatrixWavefrontsIdeal;
  cpAsyncRequests += o.cpAsyncRequests;
  cpAsyncBytes += o.cpAsyncBytes;
  cpAsyncWavefronts += o.cpAsyncWavefronts;
  cpAsyncWavefrontsIdeal += o.cpAsyncWavefrontsIdeal;
  mmaOps += o.mmaOps;
  mmaFlops += o.mmaFlops;
  wgmmaOps += o.wgmmaOps;
  wgmmaFlops += o.wgmmaFlops;
  tmaLoadBytes += o.tmaLoadBytes;
  tmaStoreBytes += o.tmaStoreBytes;
  for (auto [tensor, bytes] : o.tmaBytesByTensor)
    tmaBytesByTensor[tensor] += bytes;
  mbarrierWaits += o.mbarrierWaits;
  barriers += o.barriers;
  for (int i = 0; i < kNumAccessWidths; ++i) {
    globalLoadWidths[i] += o.globalLoadWidths[i];
    globalStoreWidths[i] += o.globalStoreWidths[i];
    sharedLoadWidths[i] += o.sharedLoadWidths[i];
    sharedStoreWidths[i] += o.sharedStoreWidths[i];
    cpAsyncWidths[i] += o.cpAsyncWidths[i];
  }
}

std::string EmulatorCounters::format() const {
  std::ostringstream os;
  auto line = [&](const char *name, int64_t v) {
    os << "  " << name << ": " << v << "\n";
  };
  auto pair = [&](const char *name, int64_t requests, int64_t got,
                  int64_t ideal, const char *unit) {
    os << "  " << name << ": " << requests << " requests, " << got << " "
       << unit << " (ideal " << ideal << ", excess " << (got - ideal)
       << ")\n";
  };
  line("blocks", blocks);
  line("threads", threads);
  pair("global loads", globalLoadRequests, globalLoadSectors,
       globalLoadSectorsIdeal, "sectors");
  pair("global stores", globalStoreRequests, globalStoreSectors,
       globalStoreSectorsIdeal, "sectors");
  line("global bytes read (sectors x 32)", globalLoadSectors * 32);
  line("global bytes written (sectors x 32)", globalStoreSectors * 32);
  line("unique global bytes read", uniqueBytesRead);
  line("unique global bytes written", uniqueBytesWritten);
  pair("shared loads", sharedLoadRequests, sharedLoadWavefronts,
       sharedLoadWavefrontsIdeal, "wavefronts");
  pair("shared stores", sharedStoreRequests, sharedStoreWavefronts,
       sharedStoreWavefrontsIdeal, "wavefronts");
  pair("ldmatrix", ldmatrixRequests, ldmatrixWavefronts,
       ldmatrixWavefrontsIdeal, "wavefronts");
  pair("cp.async shared writes", cpAsyncRequests, cpAsyncWavefronts,
       cpAsyncWavefrontsIdeal, "wavefronts");
  line("cp.async bytes", cpAsyncBytes);
  line("mma.sync", mmaOps);
  line("tensor-core FLOPs", mmaFlops);
  // The Hopper units' lines, for kernels that use them.
  if (wgmmaOps || tmaLoadBytes || tmaStoreBytes || mbarrierWaits) {
    line("wgmma", wgmmaOps);
    line("wgmma FLOPs", wgmmaFlops);
    line("TMA bytes loaded", tmaLoadBytes);
    line("TMA bytes stored", tmaStoreBytes);
    // Numbered in argument order among the tensor maps the launch used (a
    // fused kernel uses each of its launch configuration's tensor_maps).
    int ordinal = 0;
    for (auto [argument, bytes] : tmaBytesByTensor)
      os << "  TMA bytes of tensor map " << ordinal++ << ": " << bytes
         << "\n";
    line("mbarrier waits", mbarrierWaits);
  }
  line("barriers", barriers);
  auto widths = [&](const char *name, const std::array<int64_t, 5> &w) {
    os << "  " << name << " requests by width:";
    for (int i = 0; i < kNumAccessWidths; ++i)
      os << (i ? ", " : " ") << (1 << i) << "B " << w[i];
    os << "\n";
  };
  widths("global load", globalLoadWidths);
  widths("global store", globalStoreWidths);
  widths("shared load", sharedLoadWidths);
  widths("shared store", sharedStoreWidths);
  widths("cp.async", cpAsyncWidths);
  return os.str();
}

namespace {

constexpr size_t kRedzone = 256;

/// Live buffers, for the launch's bounds checks.
struct Registry {
  std::mutex mutex;
  std::map<uintptr_t, emu::GlobalRegion> regions;
  int nextId = 0;
};

class EmuBuffer : public Buffer {
public:
  EmuBuffer(std::shared_ptr<Registry> registry, size_t bytes)
      : registry(std::move(registry)), bytes(bytes),
        storage(static_cast<uint8_t *>(
            std::aligned_alloc(kRedzone, roundUp(bytes) + 2 * kRedzone))) {
    // 256-byte aligned like cudaMalloc, so that sector counts match a GPU.
    std::memset(storage.get(), 0xa5, roundUp(bytes) + 2 * kRedzone);
    std::lock_guard<std::mutex> lock(this->registry->mutex);
    emu::GlobalRegion r;
    r.base = address();
    r.size = bytes;
    r.id = this->registry->nextId++;
    this->registry->regions[r.base] = r;
  }
  ~EmuBuffer() override {
    std::lock_guard<std::mutex> lock(registry->mutex);
    registry->regions.erase(address());
  }
  size_t size() const override { return bytes; }
  uint64_t address() const override {
    return reinterpret_cast<uint64_t>(storage.get() + kRedzone);
  }
  uint8_t *data() { return storage.get() + kRedzone; }

private:
  std::shared_ptr<Registry> registry;
  size_t bytes;
  static size_t roundUp(size_t n) { return (n + kRedzone - 1) / kRedzone * kRedzone; }
  struct Free {
    void operator()(uint8_t *p) const { std::free(p); }
  };
  std::unique_ptr<uint8_t, Free> storage;
};

/// Memory the caller owns, registered for the bounds checks while the
/// buffer lives.
class EmuCallerBuffer : public Buffer {
public:
  EmuCallerBuffer(std::shared_ptr<Registry> registry, uint64_t address,
                  size_t bytes)
      : registry(std::move(registry)), base(address), bytes(bytes) {}
  ~EmuCallerBuffer() override {
    std::lock_guard<std::mutex> lock(registry->mutex);
    registry->regions.erase(base);
  }
  size_t size() const override { return bytes; }
  uint64_t address() const override { return base; }

private:
  std::shared_ptr<Registry> registry;
  uint64_t base;
  size_t bytes;
};

class EmuModule : public Module {
public:
  std::unique_ptr<llvm::orc::LLJIT> jit;
  std::vector<std::string> sites;
  size_t staticShared = 0;

  using Entry = void (*)(void **);
  Entry entry(const std::string &kernel) const {
    auto sym = jit->lookup("__fused_emu_entry_" + kernel);
    if (!sym) {
      llvm::consumeError(sym.takeError());
      return nullptr;
    }
    return sym->toPtr<Entry>();
  }
  bool hasKernel(const std::string &name) const override {
    return entry(name) != nullptr;
  }
};

class EmuStream : public Stream {
public:
  Status synchronize() override { return Status::ok(); }
};

// Host versions of the libdevice functions that kernels call. With
// EmulatorOptions::mathAtErrorBound, the ones CUDA does not compute
// correctly rounded move their result by the maximum ulp error the CUDA
// C++ Programming Guide documents for them (its tables of single- and
// double-precision functions), up or down as a hash of the argument says.
template <typename T> T atBound(T exact, T arg, int ulps) {
  if (!::fused::emu::mathAtErrorBound() || !std::isfinite(exact) || exact == 0)
    return exact;
  uint64_t bits = 0;
  std::memcpy(&bits, &arg, sizeof(T));
  bits *= 0x9E3779B97F4A7C15ull;
  T toward = (bits >> 63) ? std::numeric_limits<T>::infinity()
                          : -std::numeric_limits<T>::infinity();
  T r = exact;
  for (int i = 0; i < ulps && std::isfinite(r); ++i)
    r = std::nextafter(r, toward);
  return std::isfinite(r) ? r : exact;
}

extern "C" {
float fusedEmuExpf(float x) { return atBound(std::exp(x), x, 2); }
float fusedEmuExp2f(float x) { return atBound(std::exp2(x), x, 2); }
float fusedEmuLogf(float x) { return atBound(std::log(x), x, 1); }
float fusedEmuLog2f(float x) { return atBound(std::log2(x), x, 1); }
float fusedEmuTanhf(float x) { return atBound(std::tanh(x), x, 2); }
float fusedEmuErff(float x) { return atBound(std::erf(x), x, 2); }
float fusedEmuSqrtf(float x) { return std::sqrt(x); }
float fusedEmuRsqrtf(float x) { return atBound(1.0f / std::sqrt(x), x, 2); }
float fusedEmuFabsf(float x) { return std::fabs(x); }
float fusedEmuPowf(float x, float y) {
  return atBound(std::pow(x, y), x * 0.5f + y, 4);
}
float fusedEmuFmaxf(float x, float y) { return std::fmax(x, y); }
float fusedEmuFminf(float x, float y) { return std::fmin(x, y); }
float fusedEmuFmaf(float x, float y, float z) { return std::fma(x, y, z); }
float fusedEmuFloorf(float x) { return std::floor(x); }
float fusedEmuCeilf(float x) { return std::ceil(x); }
double fusedEmuExp(double x) { return atBound(std::exp(x), x, 1); }
double fusedEmuLog(double x) { return atBound(std::log(x), x, 1); }
double fusedEmuTanh(double x) { return atBound(std::tanh(x), x, 2); }
double fusedEmuErf(double x) { return atBound(std::erf(x), x, 2); }
double fusedEmuSqrt(double x) { return std::sqrt(x); }
}

llvm::orc::SymbolMap hostSymbols(llvm::orc::LLJIT &jit) {
  llvm::orc::SymbolMap map;
  auto add = [&](const char *name, auto *fn) {
    map[jit.mangleAndIntern(name)] = {
        llvm::orc::ExecutorAddr::fromPtr(reinterpret_cast<void *>(fn)),
        llvm::JITSymbolFlags::Exported};
  };
  // Every hook of the intrinsics table.
#define FUSED_EMU_INTRINSIC(hook, replaces, payload)                           \
  add("__fused_emu_" #hook, &__fused_emu_##hook);
#include "fused/Runtime/EmulatorIntrinsics.def"
  add("__nv_expf", &fusedEmuExpf);
  add("__nv_fast_expf", &fusedEmuExpf);
  add("__nv_exp2f", &fusedEmuExp2f);
  add("__nv_logf", &fusedEmuLogf);
  add("__nv_log2f", &fusedEmuLog2f);
  add("__nv_tanhf", &fusedEmuTanhf);
  add("__nv_erff", &fusedEmuErff);
  add("__nv_sqrtf", &fusedEmuSqrtf);
  add("__nv_rsqrtf", &fusedEmuRsqrtf);
  add("__nv_fabsf", &fusedEmuFabsf);
  add("__nv_powf", &fusedEmuPowf);
  add("__nv_fmaxf", &fusedEmuFmaxf);
  add("__nv_fminf", &fusedEmuFminf);
  add("__nv_fmaf", &fusedEmuFmaf);
  add("__nv_floorf", &fusedEmuFloorf);
  add("__nv_ceilf", &fusedEmuCeilf);
  add("__nv_exp", &fusedEmuExp);
  add("__nv_log", &fusedEmuLog);
  add("__nv_tanh", &fusedEmuTanh);
  add("__nv_erf", &fusedEmuErf);
  add("__nv_sqrt", &fusedEmuSqrt);
  return map;
}

/// Optimizes the kernel image for the host (O2).
void optimize(llvm::Module &m) {
  llvm::LoopAnalysisManager lam;
  llvm::FunctionAnalysisManager fam;
  llvm::CGSCCAnalysisManager cgam;
  llvm::ModuleAnalysisManager mam;
  llvm::PassBuilder pb;
  pb.registerModuleAnalyses(mam);
  pb.registerCGSCCAnalyses(cgam);
  pb.registerFunctionAnalyses(fam);
  pb.registerLoopAnalyses(lam);
  pb.crossRegisterProxies(lam, fam, cgam, mam);
  pb.buildPerModuleDefaultPipeline(llvm::OptimizationLevel::O2).run(m, mam);
}

class EmulatorDeviceImpl : public EmulatorDevice {
public:
  explicit EmulatorDeviceImpl(const EmulatorOptions &options)
      : options(options), registry(std::make_shared<Registry>()) {
    if (this->options.hostThreads <= 0)
      this->options.hostThreads =
          std::max(1u, std::thread::hardware_concurrency());
  }

  std::string backend() const override { return "emulator"; }
  /// The emulator runs the kernels of every chip.
  std::string chip() const override { return ""; }
  std::string name() const override {
    return "CPU emulator (" + std::to_string(options.hostThreads) +
           " host thread" + (options.hostThreads == 1 ? "" : "s") + ")";
  }

  StatusOr<std::unique_ptr<Buffer>> allocate(size_t bytes) override {
    return std::unique_ptr<Buffer>(new EmuBuffer(registry, bytes));
  }

  StatusOr<std::unique_ptr<Buffer>> wrapMemory(uint64_t address,
                                               size_t bytes) override {
    if (address == 0)
      return Status::error("a null address cannot hold a buffer");
    if (bytes == 0)
      return Status::error("an empty buffer cannot be registered");
    if (address + bytes < address)
      return Status::error("a buffer of " + std::to_string(bytes) +
                           " bytes does not fit in the address space");
    std::lock_guard<std::mutex> lock(registry->mutex);
    // The bounds checks find a buffer by address: two may not overlap.
    auto next = registry->regions.lower_bound(address);
    const emu::GlobalRegion *clash = nullptr;
    if (next != registry->regions.end() && next->first < address + bytes)
      clash = &next->second;
    if (!clash && next != registry->regions.begin() &&
        std::prev(next)->first + std::prev(next)->second.size > address)
      clash = &std::prev(next)->second;
    if (clash)
      return Status::error(
          "memory at " + std::to_string(address) + " (" +
          std::to_string(bytes) + " bytes) overlaps a buffer the emulator "
          "already holds (" + std::to_string(clash->size) + " bytes at " +
          std::to_string(clash->base) + ")");
    emu::GlobalRegion r;
    r.base = address;
    r.size = bytes;
    r.id = registry->nextId++;
    registry->regions[r.base] = r;
    return std::unique_ptr<Buffer>(
        new EmuCallerBuffer(registry, address, bytes));
  }

  Status copyToDevice(Buffer &dst, const void *src, size_t bytes) override {
    if (bytes > dst.size())
      return Status::error("copy of " + std::to_string(bytes) +
                           " bytes into a " + std::to_string(dst.size()) +
                           "-byte buffer");
    // An empty tensor's data may be null: nothing to copy.
    if (bytes)
      std::memcpy(reinterpret_cast<void *>(dst.address()), src, bytes);
    return Status::ok();
  }

  Status copyToHost(void *dst, const Buffer &src, size_t bytes) override {
    if (bytes > src.size())
      return Status::error("copy of " + std::to_string(bytes) +
                           " bytes out of a " + std::to_string(src.size()) +
                           "-byte buffer");
    if (bytes)
      std::memcpy(dst, reinterpret_cast<const void *>(src.address()), bytes);
    return Status::ok();
  }

  StatusOr<std::unique_ptr<Module>> loadModule(const std::string &image,
                                               ModuleFormat format) override {
    if (format != ModuleFormat::EmulatorIR)
      return Status::error(
          "the emulator runs kernel images made for it "
          "(fused::emu::buildEmulatorImage), not cubin or PTX");
    static std::once_flag init;
    std::call_once(init, [] {
      llvm::InitializeNativeTarget();
      llvm::InitializeNativeTargetAsmPrinter();
    });
    auto context = std::make_unique<llvm::LLVMContext>();
    llvm::SMDiagnostic diag;
    std::unique_ptr<llvm::Module> m =
        llvm::parseAssemblyString(image, diag, *context);
    if (!m) {
      std::string text;
      llvm::raw_string_ostream os(text);
      diag.print("kernel image", os, /*ShowColors=*/false);
      return Status::error("the emulator cannot read the kernel image: " +
                           text);
    }
    auto jit = llvm::orc::LLJITBuilder().create();
    if (!jit)
      return Status::error("the emulator cannot start its JIT: " +
                           llvm::toString(jit.takeError()));
    m->setDataLayout((*jit)->getDataLayout());
    m->setTargetTriple((*jit)->getTargetTriple());
    optimize(*m);
    auto module = std::make_unique<EmuModule>();
    module->jit = std::move(*jit);
    llvm::orc::JITDylib &lib = module->jit->getMainJITDylib();
    if (llvm::Error e = lib.define(
            llvm::orc::absoluteSymbols(hostSymbols(*module->jit))))
      return Status::error("the emulator cannot define its hooks: " +
                           llvm::toString(std::move(e)));
    auto process =
        llvm::orc::DynamicLibrarySearchGenerator::GetForCurrentProcess(
            module->jit->getDataLayout().getGlobalPrefix());
    if (process)
      lib.addGenerator(std::move(*process));
    else
      llvm::consumeError(process.takeError());
    if (llvm::Error e = module->jit->addIRModule(
            llvm::orc::ThreadSafeModule(std::move(m), std::move(context))))
      return Status::error("the emulator cannot compile the kernel image: " +
                           llvm::toString(std::move(e)));
    auto sites = module->jit->lookup("__fused_emu_sites");
    auto shared = module->jit->lookup("__fused_emu_static_shared");
    if (!sites || !shared) {
      std::string why = !sites ? llvm::toString(sites.takeError())
                               : llvm::toString(shared.takeError());
      if (sites)
        llvm::consumeError(shared.takeError());
      return Status::error("the emulator cannot link the kernel image: " +
                           why);
    }
    for (const char *p = sites->toPtr<const char *>(); *p;
         p += std::strlen(p) + 1)
      module->sites.push_back(p);
    module->staticShared =
        static_cast<size_t>(*shared->toPtr<const int64_t *>());
    return std::unique_ptr<Module>(std::move(module));
  }

  StatusOr<std::unique_ptr<Stream>> createStream() override {
    return std::unique_ptr<Stream>(new EmuStream());
  }
  StatusOr<KernelArg> encodeTensorMap(const TensorMapRequest &r) override {
    if (Status s = checkTensorMapRequest(r); !s)
      return s;
    TensorMapGeometry g = tensorMapGeometry(r);
    emu::TensorMapFields f;
    f.rank = static_cast<int>(g.rank);
    f.elementBytes = static_cast<int>(g.elementBytes);
    f.isFloat = true;
    f.globalAddress = r.address;
    for (unsigned d = 0; d < g.rank; ++d) {
      f.globalDim[d] = g.dims[d];
      f.boxDim[d] = g.box[d];
      if (d + 1 < g.rank)
        f.globalStrides[d] = g.strides[d];
    }
    f.swizzle = g.swizzle;
    emu::TensorMap map;
    if (std::string e = emu::encodeTensorMap(f, map); !e.empty())
      return Status::error("tensor map: " + e);
    KernelArg a;
    a.bytes.resize(sizeof(map));
    std::memcpy(a.bytes.data(), &map, sizeof(map));
    return a;
  }

  StatusOr<std::unique_ptr<Stream>> wrapStream(void *) override {
    return std::unique_ptr<Stream>(new EmuStream());
  }

  Status launch(Module &module, const std::string &kernel,
                const LaunchConfig &config, const std::vector<KernelArg> &args,
                Stream * = nullptr) override {
    auto &m = static_cast<EmuModule &>(module);
    emu::LaunchRequest req;
    req.kernel = kernel;
    req.entry = m.entry(kernel);
    if (!req.entry)
      return Status::error("no kernel named '" + kernel + "' in the module");
    for (const KernelArg &a : args)
      req.args.push_back(const_cast<uint8_t *>(a.bytes.data()));
    req.grid = config.grid;
    req.block = config.block;
    uint64_t threads = static_cast<uint64_t>(config.block[0]) *
                       config.block[1] * config.block[2];
    if (threads == 0 || threads > 1024)
      return Status::error("a block of " + std::to_string(threads) +
                           " threads cannot be launched (1 to 1024)");
    if (config.grid[0] == 0 || config.grid[1] == 0 || config.grid[2] == 0)
      return Status::error("the grid has no blocks");
    req.sharedBytes = m.staticShared + config.dynamicSharedMemory;
    req.sites = &m.sites;
    {
      std::lock_guard<std::mutex> lock(registry->mutex);
      for (auto &[base, r] : registry->regions)
        req.regions.push_back(r);
    }
    req.seed = options.seed;
    req.hostThreads = options.hostThreads;
    req.maxReports = options.maxReports;
    req.reportRaces = options.reportRaces;
    req.mathAtErrorBound = options.mathAtErrorBound;
    req.onlyBlocks = options.onlyBlocks;
    EmulatorCounters counters;
    std::vector<std::string> reports;
    bool ok = emu::runGrid(req, counters, reports);
    {
      std::lock_guard<std::mutex> lock(lastMutex);
      last = {counters, reports};
    }
    if (ok)
      return Status::ok();
    std::string message = "the emulator found " +
                          std::to_string(reports.size()) + " problem" +
                          (reports.size() == 1 ? "" : "s") + " in kernel " +
                          kernel + ":";
    for (const std::string &r : reports)
      message += "\n  " + r;
    return Status::error(message);
  }

  StatusOr<std::vector<float>>
  timeLaunches(Module &module, const std::string &kernel,
               const LaunchConfig &config, const std::vector<KernelArg> &args,
               int launches) override {
    std::vector<float> ms;
    for (int i = 0; i < launches; ++i) {
      auto start = std::chrono::steady_clock::now();
      if (Status s = launch(module, kernel, config, args); !s)
        return s;
      std::chrono::duration<double, std::milli> d =
          std::chrono::steady_clock::now() - start;
      ms.push_back(static_cast<float>(d.count()));
    }
    return ms;
  }

  EmulatorCounters lastCounters() const override {
    std::lock_guard<std::mutex> lock(lastMutex);
    return last.first;
  }
  std::vector<std::string> lastReports() const override {
    std::lock_guard<std::mutex> lock(lastMutex);
    return last.second;
  }

private:
  EmulatorOptions options;
  std::shared_ptr<Registry> registry;
  /// The counters and reports of the launch that ended last.
  mutable std::mutex lastMutex;
  std::pair<EmulatorCounters, std::vector<std::string>> last;
};

} // namespace

StatusOr<std::unique_ptr<EmulatorDevice>>
openEmulatorDevice(const EmulatorOptions &options) {
  return std::unique_ptr<EmulatorDevice>(new EmulatorDeviceImpl(options));
}

} // namespace fused::rt
