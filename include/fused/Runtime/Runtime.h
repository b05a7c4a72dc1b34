//===- Runtime.h - devices, buffers, modules and launches -------*- C++ -*-===//
//
// The runtime API that runs compiled kernels: a device with buffers, loaded
// modules (cubin or PTX), kernel launches with grid, block and dynamic
// shared memory, streams and event timing. Backends: `cuda` (the driver API
// loaded at run time, so nothing here needs CUDA to build) and, later,
// `emulator`. Errors are values carrying a message; nothing aborts.
//
//===----------------------------------------------------------------------===//

#ifndef FUSED_RUNTIME_RUNTIME_H
#define FUSED_RUNTIME_RUNTIME_H

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace fused::rt {

/// Success, or an error with a message meant for a person.
class Status {
public:
  static Status ok() { return Status(); }
  static Status error(std::string message) {
    Status s;
    s.message = std::move(message);
    s.failed = true;
    return s;
  }
  bool isOk() const { return !failed; }
  explicit operator bool() const { return !failed; }
  const std::string &getMessage() const { return message; }

private:
  bool failed = false;
  std::string message;
};

/// A value or an error.
template <typename T> class StatusOr {
public:
  StatusOr(T value) : value(std::move(value)) {}
  StatusOr(Status status) : status(std::move(status)) {}
  bool isOk() const { return status.isOk(); }
  explicit operator bool() const { return isOk(); }
  const Status &getStatus() const { return status; }
  T &operator*() { return *value; }
  T *operator->() { return &*value; }

private:
  Status status;
  std::optional<T> value;
};

/// Memory on a device.
class Buffer {
public:
  virtual ~Buffer() = default;
  virtual size_t size() const = 0;
  /// The device address (what a kernel argument holds).
  virtual uint64_t address() const = 0;
};

/// A loaded code object.
class Module {
public:
  virtual ~Module() = default;
  virtual bool hasKernel(const std::string &name) const = 0;
};

/// An ordered queue of work on a device.
class Stream {
public:
  virtual ~Stream() = default;
  virtual Status synchronize() = 0;
};

/// Launch geometry.
struct LaunchConfig {
  std::array<uint32_t, 3> grid = {1, 1, 1};
  std::array<uint32_t, 3> block = {1, 1, 1};
  uint32_t dynamicSharedMemory = 0;
};

/// One kernel argument: raw bytes of a scalar (pointers included), passed
/// by value.
struct KernelArg {
  std::vector<uint8_t> bytes;
  static KernelArg pointer(uint64_t address) { return of(address); }
  static KernelArg i64(int64_t v) { return of(v); }
  template <typename T> static KernelArg of(T v) {
    KernelArg a;
    a.bytes.resize(sizeof(T));
    std::memcpy(a.bytes.data(), &v, sizeof(T));
    return a;
  }
};

/// The argument list of an MLIR-generated kernel for one memref argument:
/// allocated pointer, aligned pointer, offset, sizes, strides (row-major).
std::vector<KernelArg> memrefArgs(const Buffer &buffer,
                                  const std::vector<int64_t> &shape);

enum class ModuleFormat { Cubin, PTX };

/// A device and everything made on it.
class Device {
public:
  virtual ~Device() = default;
  /// "cuda" or "emulator".
  virtual std::string backend() const = 0;
  /// The device's name (e.g. the GPU's product name).
  virtual std::string name() const = 0;
  virtual StatusOr<std::unique_ptr<Buffer>> allocate(size_t bytes) = 0;
  virtual Status copyToDevice(Buffer &dst, const void *src, size_t bytes) = 0;
  virtual Status copyToHost(void *dst, const Buffer &src, size_t bytes) = 0;
  virtual StatusOr<std::unique_ptr<Module>> loadModule(const std::string &image,
                                                       ModuleFormat format) = 0;
  virtual StatusOr<std::unique_ptr<Stream>> createStream() = 0;
  /// Enqueues a launch of `kernel` from `module` on `stream` (the default
  /// stream if null). Dynamic shared memory above 48 KiB is allowed.
  virtual Status launch(Module &module, const std::string &kernel,
                        const LaunchConfig &config,
                        const std::vector<KernelArg> &args,
                        Stream *stream = nullptr) = 0;
  /// Runs `launches` times `launch` on a stream and returns the elapsed
  /// milliseconds of each, measured with device events.
  virtual StatusOr<std::vector<float>>
  timeLaunches(Module &module, const std::string &kernel,
               const LaunchConfig &config, const std::vector<KernelArg> &args,
               int launches) = 0;
};

/// Options of the CUDA backend.
struct CudaOptions {
  /// The driver library to load; empty: "libcuda.so.1" from the loader's
  /// search path.
  std::string driverPath;
  /// Which device.
  int ordinal = 0;
};

/// Opens a CUDA device through the driver API loaded at run time. Without a
/// driver or device it returns an error saying so plainly.
StatusOr<std::unique_ptr<Device>>
openCudaDevice(const CudaOptions &options = {});

} // namespace fused::rt

#endif // FUSED_RUNTIME_RUNTIME_H
