//===- CudaBackend.cpp - the CUDA driver API, loaded at run time ----------===//
//
// The driver library is opened with dlopen and its entry points looked up
// by name, so the project builds and its tools start on machines without
// CUDA; they say plainly when there is no driver or no device.
//
//===----------------------------------------------------------------------===//

#include "fused/Runtime/Runtime.h"

#include <atomic>
#include <dlfcn.h>

#include <cstdlib>
#include <sstream>

namespace fused::rt {
namespace {

// The few driver API types used here (ABI of cuda.h, which is not needed to
// build).
using CUresult = int;
using CUdevice = int;
using CUdeviceptr = unsigned long long;
using CUcontext = void *;
using CUmodule = void *;
using CUfunction = void *;
using CUstream = void *;
using CUevent = void *;
constexpr CUresult kSuccess = 0;
constexpr CUresult kStubLibrary = 34;
constexpr int kAttrMaxDynamicSharedMemory = 8; // CU_FUNC_ATTRIBUTE_...
constexpr int kAttrComputeCapabilityMajor = 75; // CU_DEVICE_ATTRIBUTE_...
constexpr int kAttrComputeCapabilityMinor = 76;
constexpr int kPointerAttrMemoryType = 2;    // CU_POINTER_ATTRIBUTE_...
constexpr int kPointerAttrDeviceOrdinal = 9;

/// The driver entry points.
struct Driver {
  void *handle = nullptr;
  CUresult (*cuInit)(unsigned);
  CUresult (*cuDeviceGetCount)(int *);
  CUresult (*cuDeviceGet)(CUdevice *, int);
  CUresult (*cuDeviceGetName)(char *, int, CUdevice);
  CUresult (*cuDeviceGetAttribute)(int *, int, CUdevice);
  CUresult (*cuDevicePrimaryCtxRetain)(CUcontext *, CUdevice);
  CUresult (*cuCtxSetCurrent)(CUcontext);
  CUresult (*cuMemAlloc)(CUdeviceptr *, size_t);
  CUresult (*cuMemFree)(CUdeviceptr);
  CUresult (*cuMemcpyHtoD)(CUdeviceptr, const void *, size_t);
  CUresult (*cuMemcpyDtoH)(void *, CUdeviceptr, size_t);
  CUresult (*cuModuleLoadData)(CUmodule *, const void *);
  CUresult (*cuModuleUnload)(CUmodule);
  CUresult (*cuModuleGetFunction)(CUfunction *, CUmodule, const char *);
  CUresult (*cuFuncSetAttribute)(CUfunction, int, int);
  /// Optional (CUDA 12 and later): encodes a TMA tensor map.
  CUresult (*cuTensorMapEncodeTiled)(void *, int, unsigned, void *,
                                     const uint64_t *, const uint64_t *,
                                     const unsigned *, const unsigned *, int,
                                     int, int, int) = nullptr;
  CUresult (*cuLaunchKernel)(CUfunction, unsigned, unsigned, unsigned, unsigned,
                             unsigned, unsigned, unsigned, CUstream, void **,
                             void **);
  CUresult (*cuStreamCreate)(CUstream *, unsigned);
  CUresult (*cuStreamDestroy)(CUstream);
  CUresult (*cuStreamSynchronize)(CUstream);
  CUresult (*cuEventCreate)(CUevent *, unsigned);
  CUresult (*cuEventDestroy)(CUevent);
  CUresult (*cuEventRecord)(CUevent, CUstream);
  CUresult (*cuEventSynchronize)(CUevent);
  CUresult (*cuEventElapsedTime)(float *, CUevent, CUevent);
  CUresult (*cuGetErrorString)(CUresult, const char **);
  CUresult (*cuPointerGetAttribute)(void *, int, CUdeviceptr);

  std::string describe(CUresult r) const {
    const char *text = nullptr;
    if (cuGetErrorString && cuGetErrorString(r, &text) == kSuccess && text)
      return std::string(text) + " (" + std::to_string(r) + ")";
    return "CUDA error " + std::to_string(r);
  }
  Status check(CUresult r, const char *what) const {
    if (r == kSuccess)
      return Status::ok();
    return Status::error(std::string(what) + " failed: " + describe(r));
  }
};

/// Loads the driver and resolves every entry point.
StatusOr<std::shared_ptr<Driver>> loadDriver(const std::string &path) {
  std::string lib = path.empty() ? "libcuda.so.1" : path;
  void *handle = dlopen(lib.c_str(), RTLD_NOW | RTLD_LOCAL);
  if (!handle) {
    const char *why = dlerror();
    return Status::error("no CUDA driver found (" + lib +
                         " could not be loaded: " + (why ? why : "?") +
                         "); use --device=emulator");
  }
  auto d = std::make_shared<Driver>();
  d->handle = handle;
  std::string missing;
  auto get = [&](auto &fn, const char *name, const char *alt = nullptr) {
    void *sym = dlsym(handle, name);
    if (!sym && alt)
      sym = dlsym(handle, alt);
    if (!sym)
      missing += std::string(missing.empty() ? "" : ", ") + name;
    fn = reinterpret_cast<std::remove_reference_t<decltype(fn)>>(sym);
  };
  get(d->cuInit, "cuInit");
  get(d->cuDeviceGetCount, "cuDeviceGetCount");
  get(d->cuDeviceGet, "cuDeviceGet");
  get(d->cuDeviceGetName, "cuDeviceGetName");
  get(d->cuDeviceGetAttribute, "cuDeviceGetAttribute");
  get(d->cuDevicePrimaryCtxRetain, "cuDevicePrimaryCtxRetain");
  get(d->cuCtxSetCurrent, "cuCtxSetCurrent");
  get(d->cuMemAlloc, "cuMemAlloc_v2", "cuMemAlloc");
  get(d->cuMemFree, "cuMemFree_v2", "cuMemFree");
  get(d->cuMemcpyHtoD, "cuMemcpyHtoD_v2", "cuMemcpyHtoD");
  get(d->cuMemcpyDtoH, "cuMemcpyDtoH_v2", "cuMemcpyDtoH");
  get(d->cuModuleLoadData, "cuModuleLoadData");
  get(d->cuModuleUnload, "cuModuleUnload");
  get(d->cuModuleGetFunction, "cuModuleGetFunction");
  get(d->cuFuncSetAttribute, "cuFuncSetAttribute");
  get(d->cuLaunchKernel, "cuLaunchKernel");
  get(d->cuStreamCreate, "cuStreamCreate");
  get(d->cuStreamDestroy, "cuStreamDestroy_v2", "cuStreamDestroy");
  get(d->cuStreamSynchronize, "cuStreamSynchronize");
  get(d->cuEventCreate, "cuEventCreate");
  get(d->cuEventDestroy, "cuEventDestroy_v2", "cuEventDestroy");
  get(d->cuEventRecord, "cuEventRecord");
  get(d->cuEventSynchronize, "cuEventSynchronize");
  get(d->cuEventElapsedTime, "cuEventElapsedTime_v2", "cuEventElapsedTime");
  get(d->cuGetErrorString, "cuGetErrorString");
  get(d->cuPointerGetAttribute, "cuPointerGetAttribute");
  d->cuTensorMapEncodeTiled =
      reinterpret_cast<decltype(d->cuTensorMapEncodeTiled)>(
          dlsym(handle, "cuTensorMapEncodeTiled"));
  if (!missing.empty())
    return Status::error("the CUDA driver " + lib +
                         " lacks entry points: " + missing);
  return d;
}

class CudaBuffer : public Buffer {
public:
  CudaBuffer(std::shared_ptr<Driver> d, CUdeviceptr ptr, size_t bytes,
             bool owned = true)
      : driver(std::move(d)), ptr(ptr), bytes(bytes), owned(owned) {}
  ~CudaBuffer() override {
    if (owned)
      driver->cuMemFree(ptr);
  }
  size_t size() const override { return bytes; }
  uint64_t address() const override { return ptr; }

private:
  std::shared_ptr<Driver> driver;
  CUdeviceptr ptr;
  size_t bytes;
  bool owned;
};

class CudaModule : public Module {
public:
  CudaModule(std::shared_ptr<Driver> d, CUmodule m)
      : driver(std::move(d)), module(m) {}
  ~CudaModule() override { driver->cuModuleUnload(module); }
  bool hasKernel(const std::string &name) const override {
    CUfunction f;
    return driver->cuModuleGetFunction(&f, module, name.c_str()) == kSuccess;
  }
  CUmodule get() const { return module; }

private:
  std::shared_ptr<Driver> driver;
  CUmodule module;
};

class CudaStream : public Stream {
public:
  CudaStream(std::shared_ptr<Driver> d, CUstream s, bool owned = true)
      : driver(std::move(d)), stream(s), owned(owned) {}
  ~CudaStream() override {
    if (owned)
      driver->cuStreamDestroy(stream);
  }
  Status synchronize() override {
    return driver->check(driver->cuStreamSynchronize(stream),
                         "cuStreamSynchronize");
  }
  CUstream get() const { return stream; }

private:
  std::shared_ptr<Driver> driver;
  CUstream stream;
  bool owned;
};

/// A copy of `bytes` into or out of `buffer` must fit it.
Status checkCopySize(size_t bytes, const Buffer &buffer,
                     const char *direction) {
  if (bytes <= buffer.size())
    return Status::ok();
  return Status::error("copy of " + std::to_string(bytes) + " bytes " +
                       direction + " a buffer of " +
                       std::to_string(buffer.size()));
}

class CudaDevice : public Device {
public:
  CudaDevice(std::shared_ptr<Driver> d, CUdevice dev, int ordinal,
             CUcontext context, std::string name, std::string chipName)
      : driver(std::move(d)), device(dev), ordinal(ordinal), context(context),
        deviceName(std::move(name)), chipName(std::move(chipName)) {}

  std::string backend() const override { return "cuda"; }
  std::string name() const override { return deviceName; }
  std::string chip() const override { return chipName; }

  StatusOr<std::unique_ptr<Buffer>> allocate(size_t bytes) override {
    if (Status s = makeCurrent(); !s)
      return s;
    CUdeviceptr ptr = 0;
    if (Status s = driver->check(driver->cuMemAlloc(&ptr, bytes ? bytes : 1),
                                 "cuMemAlloc");
        !s)
      return s;
    return std::unique_ptr<Buffer>(new CudaBuffer(driver, ptr, bytes));
  }
  StatusOr<std::unique_ptr<Buffer>> wrapMemory(uint64_t address,
                                               size_t bytes) override {
    if (Status s = makeCurrent(); !s)
      return s;
    // Memory the driver does not know (a host pointer, or memory freed)
    // is refused here rather than faulting in a kernel.
    unsigned type = 0;
    if (driver->cuPointerGetAttribute(&type, kPointerAttrMemoryType,
                                      address) != kSuccess)
      return Status::error("address 0x" + hex(address) +
                           " is not memory the CUDA driver knows (host "
                           "memory, or freed?)");
    int where = -1;
    if (driver->cuPointerGetAttribute(&where, kPointerAttrDeviceOrdinal,
                                      address) == kSuccess &&
        where != ordinal)
      return Status::error("address 0x" + hex(address) +
                           " is memory of CUDA device " +
                           std::to_string(where) + ", not of device " +
                           std::to_string(ordinal) + " (" + deviceName + ")");
    return std::unique_ptr<Buffer>(
        new CudaBuffer(driver, address, bytes, /*owned=*/false));
  }
  Status copyToDevice(Buffer &dst, const void *src, size_t bytes) override {
    if (Status s = checkCopySize(bytes, dst, "into"); !s)
      return s;
    if (bytes == 0) // an empty tensor: nothing to copy
      return Status::ok();
    if (Status s = makeCurrent(); !s)
      return s;
    return driver->check(driver->cuMemcpyHtoD(dst.address(), src, bytes),
                         "cuMemcpyHtoD");
  }
  Status copyToHost(void *dst, const Buffer &src, size_t bytes) override {
    if (Status s = checkCopySize(bytes, src, "out of"); !s)
      return s;
    if (bytes == 0) // an empty tensor: nothing to copy
      return Status::ok();
    if (Status s = makeCurrent(); !s)
      return s;
    return driver->check(driver->cuMemcpyDtoH(dst, src.address(), bytes),
                         "cuMemcpyDtoH");
  }
  StatusOr<std::unique_ptr<Module>> loadModule(const std::string &image,
                                               ModuleFormat format) override {
    if (Status s = makeCurrent(); !s)
      return s;
    // PTX is compiled by the driver's JIT; it must be NUL-terminated.
    std::string data = image;
    if (format == ModuleFormat::PTX)
      data.push_back('\0');
    CUmodule m = nullptr;
    if (Status s = driver->check(driver->cuModuleLoadData(&m, data.data()),
                                 "cuModuleLoadData");
        !s)
      return s;
    return std::unique_ptr<Module>(new CudaModule(driver, m));
  }
  StatusOr<std::unique_ptr<Stream>> createStream() override {
    if (Status st = makeCurrent(); !st)
      return st;
    CUstream s = nullptr;
    if (Status st =
            driver->check(driver->cuStreamCreate(&s, 0), "cuStreamCreate");
        !st)
      return st;
    return std::unique_ptr<Stream>(new CudaStream(driver, s));
  }
  StatusOr<KernelArg> encodeTensorMap(const TensorMapRequest &r) override {
    if (Status s = checkTensorMapRequest(r); !s)
      return s;
    if (!driver->cuTensorMapEncodeTiled)
      return Status::error("the CUDA driver has no cuTensorMapEncodeTiled "
                           "(CUDA 12 or later is needed for TMA)");
    // CU_TENSOR_MAP_DATA_TYPE_{FLOAT16, FLOAT32, FLOAT64, BFLOAT16}.
    int type = r.dtype == "f16" ? 6 : r.dtype == "f32" ? 7
               : r.dtype == "f64" ? 8 : 9;
    TensorMapGeometry g = tensorMapGeometry(r);
    unsigned elementStrides[5] = {1, 1, 1, 1, 1};
    KernelArg a;
    a.bytes.assign(128, 0);
    alignas(64) uint8_t map[128] = {};
    // Interleave none, L2 promotion 128B, out-of-bounds elements zero.
    if (Status s = driver->check(
            driver->cuTensorMapEncodeTiled(
                map, type, g.rank, reinterpret_cast<void *>(r.address),
                g.dims, g.strides, g.box, elementStrides, 0, g.swizzle, 2, 0),
            "cuTensorMapEncodeTiled");
        !s)
      return s;
    std::memcpy(a.bytes.data(), map, 128);
    return a;
  }

  StatusOr<std::unique_ptr<Stream>> wrapStream(void *native) override {
    return std::unique_ptr<Stream>(
        new CudaStream(driver, static_cast<CUstream>(native),
                       /*owned=*/false));
  }
  Status launch(Module &module, const std::string &kernel,
                const LaunchConfig &config, const std::vector<KernelArg> &args,
                Stream *stream) override {
    // The caller may launch from another thread than the one that opened
    // the device: the primary context is made current on each.
    if (Status s = makeCurrent(); !s)
      return s;
    CUfunction fn = nullptr;
    auto &m = static_cast<CudaModule &>(module);
    if (Status s = driver->check(
            driver->cuModuleGetFunction(&fn, m.get(), kernel.c_str()),
            ("cuModuleGetFunction(" + kernel + ")").c_str());
        !s)
      return s;
    if (config.dynamicSharedMemory > 48 * 1024)
      if (Status s = driver->check(
              driver->cuFuncSetAttribute(fn, kAttrMaxDynamicSharedMemory,
                                         config.dynamicSharedMemory),
              "cuFuncSetAttribute(max dynamic shared memory)");
          !s)
        return s;
    std::vector<void *> params;
    for (const KernelArg &a : args)
      params.push_back(const_cast<uint8_t *>(a.bytes.data()));
    CUstream s = stream ? static_cast<CudaStream *>(stream)->get() : nullptr;
    return driver->check(
        driver->cuLaunchKernel(fn, config.grid[0], config.grid[1],
                               config.grid[2], config.block[0], config.block[1],
                               config.block[2], config.dynamicSharedMemory, s,
                               params.data(), nullptr),
        "cuLaunchKernel");
  }
  StatusOr<std::vector<float>> timeLaunches(Module &module,
                                            const std::string &kernel,
                                            const LaunchConfig &config,
                                            const std::vector<KernelArg> &args,
                                            int launches) override {
    auto stream = createStream();
    if (!stream)
      return stream.getStatus();
    CUevent start = nullptr, stop = nullptr;
    if (Status s =
            driver->check(driver->cuEventCreate(&start, 0), "cuEventCreate");
        !s)
      return s;
    if (Status s =
            driver->check(driver->cuEventCreate(&stop, 0), "cuEventCreate");
        !s) {
      driver->cuEventDestroy(start);
      return s;
    }
    CUstream cs = static_cast<CudaStream &>(**stream).get();
    std::vector<float> times;
    Status status = Status::ok();
    for (int i = 0; i < launches && status; ++i) {
      float ms = 0;
      status = driver->check(driver->cuEventRecord(start, cs), "cuEventRecord");
      if (status)
        status = launch(module, kernel, config, args, &**stream);
      if (status)
        status =
            driver->check(driver->cuEventRecord(stop, cs), "cuEventRecord");
      if (status)
        status = driver->check(driver->cuEventSynchronize(stop),
                               "cuEventSynchronize");
      if (status)
        status = driver->check(driver->cuEventElapsedTime(&ms, start, stop),
                               "cuEventElapsedTime");
      times.push_back(ms);
    }
    driver->cuEventDestroy(start);
    driver->cuEventDestroy(stop);
    if (!status)
      return status;
    return times;
  }

private:
  Status makeCurrent() {
    return driver->check(driver->cuCtxSetCurrent(context), "cuCtxSetCurrent");
  }
  static std::string hex(uint64_t v) {
    std::ostringstream os;
    os << std::hex << v;
    return os.str();
  }

  std::shared_ptr<Driver> driver;
  CUdevice device;
  int ordinal;
  CUcontext context;
  std::string deviceName;
  std::string chipName;
};

} // namespace

StatusOr<KernelArg> Device::encodeTensorMap(const TensorMapRequest &) {
  return Status::error("the " + backend() +
                       " device does not encode TMA tensor maps");
}

/// Bytes of an element of a tensor map's dtype, 0 for one it cannot hold.
static size_t tensorMapElementBytes(const std::string &dtype) {
  return dtype == "f16" || dtype == "bf16" ? 2
         : dtype == "f32"                  ? 4
         : dtype == "f64"                  ? 8
                                           : 0;
}

TensorMapGeometry tensorMapGeometry(const TensorMapRequest &r) {
  TensorMapGeometry g;
  g.rank = static_cast<unsigned>(r.shape.size());
  g.elementBytes = static_cast<unsigned>(tensorMapElementBytes(r.dtype));
  uint64_t stride = g.elementBytes;
  for (unsigned d = 0; d < g.rank; ++d) {
    g.dims[d] = static_cast<uint64_t>(r.shape[g.rank - 1 - d]);
    g.box[d] = static_cast<unsigned>(r.box[g.rank - 1 - d]);
    stride *= g.dims[d];
    if (d + 1 < g.rank)
      g.strides[d] = stride;
  }
  g.swizzle = r.swizzle == 32 ? 1 : r.swizzle == 64 ? 2 : r.swizzle == 128 ? 3 : 0;
  return g;
}

Status checkTensorMapRequest(const TensorMapRequest &r) {
  size_t esz = tensorMapElementBytes(r.dtype);
  std::string what = "tensor map over a " + r.dtype + " tensor of rank " +
                     std::to_string(r.shape.size());
  if (!esz)
    return Status::error(what + ": unsupported dtype");
  if (r.shape.empty() || r.shape.size() > 5)
    return Status::error(what + ": rank 1 to 5 required");
  if (r.box.size() != r.shape.size())
    return Status::error(what + ": a box of rank " +
                         std::to_string(r.box.size()));
  if (r.address % 16)
    return Status::error(what + ": its address is not 16-byte aligned");
  for (size_t d = 0; d < r.shape.size(); ++d) {
    if (r.shape[d] < 1 || r.shape[d] > (int64_t(1) << 32))
      return Status::error(what + ": dimension " + std::to_string(d) +
                           " of size " + std::to_string(r.shape[d]) +
                           " (1 to 2^32 allowed)");
    if (r.box[d] < 1 || r.box[d] > 256)
      return Status::error(what + ": box size " + std::to_string(r.box[d]) +
                           " (1 to 256 allowed)");
  }
  if (r.shape.size() > 1 && (r.shape.back() * esz) % 16)
    return Status::error(what + ": rows of " +
                         std::to_string(r.shape.back() * esz) +
                         " bytes (a multiple of 16 required)");
  int64_t inner = r.box.back() * static_cast<int64_t>(esz);
  if (inner % 16)
    return Status::error(what + ": the box's rows are " +
                         std::to_string(inner) +
                         " bytes (a multiple of 16 required)");
  if (r.swizzle != 0 && r.swizzle != 32 && r.swizzle != 64 &&
      r.swizzle != 128)
    return Status::error(what + ": swizzle " + std::to_string(r.swizzle));
  if (r.swizzle && inner > r.swizzle)
    return Status::error(what + ": the box's rows (" + std::to_string(inner) +
                         " bytes) exceed the " + std::to_string(r.swizzle) +
                         "-byte swizzle");
  return Status::ok();
}

std::vector<KernelArg> memrefArgs(const Buffer &buffer,
                                  const std::vector<int64_t> &shape,
                                  uint64_t byteOffset) {
  uint64_t start = buffer.address() + byteOffset;
  std::vector<KernelArg> args = {KernelArg::pointer(start),
                                 KernelArg::pointer(start),
                                 KernelArg::i64(0)};
  for (int64_t d : shape)
    args.push_back(KernelArg::i64(d));
  int64_t stride = 1;
  std::vector<int64_t> strides(shape.size());
  for (int64_t i = static_cast<int64_t>(shape.size()) - 1; i >= 0; --i) {
    strides[i] = stride;
    stride *= shape[i];
  }
  for (int64_t s : strides)
    args.push_back(KernelArg::i64(s));
  return args;
}

uint64_t Device::nextSerial() {
  static std::atomic<uint64_t> next{0};
  return ++next;
}

StatusOr<std::unique_ptr<Device>> openCudaDevice(const CudaOptions &options) {
  std::string path = options.driverPath;
  if (const char *env = std::getenv("FUSED_CUDA_DRIVER"); path.empty() && env)
    path = env;
  auto driver = loadDriver(path);
  if (!driver)
    return driver.getStatus();
  std::shared_ptr<Driver> d = *driver;
  CUresult r = d->cuInit(0);
  if (r == kStubLibrary)
    return Status::error("no CUDA driver found (only the CUDA toolkit's stub "
                         "library, which cannot run kernels); use "
                         "--device=emulator");
  if (r != kSuccess)
    return Status::error("the CUDA driver did not initialise: " +
                         d->describe(r) + "; use --device=emulator");
  int count = 0;
  if (Status s = d->check(d->cuDeviceGetCount(&count), "cuDeviceGetCount"); !s)
    return s;
  if (count == 0)
    return Status::error("no CUDA device found; use --device=emulator");
  if (options.ordinal < 0 || options.ordinal >= count)
    return Status::error("CUDA device " + std::to_string(options.ordinal) +
                         " does not exist (" + std::to_string(count) +
                         " found)");
  CUdevice dev = 0;
  if (Status s = d->check(d->cuDeviceGet(&dev, options.ordinal), "cuDeviceGet");
      !s)
    return s;
  char name[256] = {0};
  d->cuDeviceGetName(name, sizeof(name) - 1, dev);
  int major = 0, minor = 0;
  if (Status s = d->check(
          d->cuDeviceGetAttribute(&major, kAttrComputeCapabilityMajor, dev),
          "cuDeviceGetAttribute");
      !s)
    return s;
  if (Status s = d->check(
          d->cuDeviceGetAttribute(&minor, kAttrComputeCapabilityMinor, dev),
          "cuDeviceGetAttribute");
      !s)
    return s;
  CUcontext ctx = nullptr;
  if (Status s = d->check(d->cuDevicePrimaryCtxRetain(&ctx, dev),
                          "cuDevicePrimaryCtxRetain");
      !s)
    return s;
  if (Status s = d->check(d->cuCtxSetCurrent(ctx), "cuCtxSetCurrent"); !s)
    return s;
  return std::unique_ptr<Device>(new CudaDevice(
      d, dev, options.ordinal, ctx, name,
      "sm_" + std::to_string(major) + std::to_string(minor)));
}

} // namespace fused::rt
