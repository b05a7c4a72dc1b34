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
#include <map>
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
/// A view `byteOffset` bytes into `buffer` is passed as memory that starts
/// there.
std::vector<KernelArg> memrefArgs(const Buffer &buffer,
                                  const std::vector<int64_t> &shape,
                                  uint64_t byteOffset = 0);

/// What loadModule receives: a cubin or PTX text for the CUDA backend, or
/// the LLVM IR text that fused::emu::buildEmulatorImage makes for the
/// emulator.
enum class ModuleFormat { Cubin, PTX, EmulatorIR };

/// A TMA tensor map over a dense row-major tensor at `address`: what a
/// Hopper kernel takes by value for each entry of its "tensor_maps"
/// (docs/bundle.md). Shapes and boxes are outermost first.
struct TensorMapRequest {
  uint64_t address = 0;
  /// "f16", "bf16", "f32" or "f64".
  std::string dtype;
  std::vector<int64_t> shape;
  std::vector<int64_t> box;
  /// 0, 32, 64 or 128.
  int64_t swizzle = 0;
};

/// Checks `r` against what cuTensorMapEncodeTiled accepts (rank 1-5,
/// dimensions 1 to 2^32, a 16-byte aligned address, rows a multiple of 16
/// bytes, boxes of 1-256 elements whose innermost dimension is a multiple
/// of 16 bytes and at most the swizzle's span); the error names what fails.
Status checkTensorMapRequest(const TensorMapRequest &r);

/// What cuTensorMapEncodeTiled takes for a checked request, innermost
/// dimension first: sizes, byte strides of dimensions 1 .. rank - 1, box,
/// and the swizzle as the driver's enum (0 none, 1 32B, 2 64B, 3 128B).
struct TensorMapGeometry {
  unsigned rank = 0;
  unsigned elementBytes = 0;
  uint64_t dims[5] = {}, strides[4] = {};
  unsigned box[5] = {};
  int swizzle = 0;
};
TensorMapGeometry tensorMapGeometry(const TensorMapRequest &r);

/// A device and everything made on it.
class Device {
public:
  virtual ~Device() = default;
  /// "cuda" or "emulator".
  virtual std::string backend() const = 0;
  /// The device's name (e.g. the GPU's product name).
  virtual std::string name() const = 0;
  /// The chip of its compute capability ("sm_90" for an H100 or H200), or
  /// "" for a device that runs the code of every chip (the emulator). See
  /// Images.h for which images a chip loads.
  virtual std::string chip() const = 0;
  virtual StatusOr<std::unique_ptr<Buffer>> allocate(size_t bytes) = 0;
  /// Memory the caller owns, `bytes` long at `address` (a device address on
  /// CUDA, in the device's context; host memory on the emulator), as a
  /// Buffer that does not free it. The caller keeps it alive while the
  /// Buffer and any work using it live. The emulator checks accesses
  /// against it like its own buffers; ranges it already holds may not
  /// overlap it.
  virtual StatusOr<std::unique_ptr<Buffer>> wrapMemory(uint64_t address,
                                                       size_t bytes) = 0;
  virtual Status copyToDevice(Buffer &dst, const void *src, size_t bytes) = 0;
  virtual Status copyToHost(void *dst, const Buffer &src, size_t bytes) = 0;
  virtual StatusOr<std::unique_ptr<Module>> loadModule(const std::string &image,
                                                       ModuleFormat format) = 0;
  virtual StatusOr<std::unique_ptr<Stream>> createStream() = 0;
  /// The caller's stream (a CUstream, null for the default stream) as a
  /// Stream that does not destroy it. The emulator ignores it: its
  /// launches finish before they return.
  virtual StatusOr<std::unique_ptr<Stream>> wrapStream(void *native) = 0;
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

  /// The tensor map `r` describes, encoded for this device, as the
  /// 128-byte kernel argument that passes it by value. The default refuses
  /// (a device that cannot run TMA kernels).
  virtual StatusOr<KernelArg> encodeTensorMap(const TensorMapRequest &r);

  /// A number that no other device object of this process has had, for
  /// what is kept per device (a device's address may be another's once it
  /// is gone).
  uint64_t serial() const { return serialNumber; }

private:
  static uint64_t nextSerial();
  uint64_t serialNumber = nextSerial();
};

/// Options of the CUDA backend.
struct CudaOptions {
  /// The driver library to load; empty: $FUSED_CUDA_DRIVER, else
  /// "libcuda.so.1" from the loader's search path.
  std::string driverPath;
  /// Which device.
  int ordinal = 0;
};

/// Opens a CUDA device through the driver API loaded at run time. Without a
/// driver or device it returns an error saying so plainly.
StatusOr<std::unique_ptr<Device>>
openCudaDevice(const CudaOptions &options = {});

/// Options of the emulator backend.
struct EmulatorOptions {
  /// Fixes the block order and, within each block, the order in which
  /// threads run: which ready thread runs after each barrier and warp
  /// collective, and where a running thread gives way to another between
  /// them (at shared-memory loads, stores and cp.async issues, each with
  /// probability 1/4). Results do not depend on it for race-free kernels;
  /// reports of races do not either.
  uint64_t seed = 1;
  /// Report races (shared memory within a block, global memory between
  /// blocks). Off only for tests that show what a race does.
  bool reportRaces = true;
  /// Host threads that run blocks; 0: one per available core.
  int hostThreads = 0;
  /// Distinct reports kept per launch (further ones are counted only).
  int maxReports = 20;
  /// Math functions (expf, exp2f, tanhf, erff, rsqrtf, logf, ...) return
  /// results off by the largest error CUDA documents for each (2 ulp for
  /// expf, exp2f, tanhf, erff and rsqrtf; 1 for logf and log2f), up or
  /// down as the argument's bits decide, instead of the host's correctly
  /// rounded ones. The GPU computes them with approximate instructions
  /// (ex2.approx, rsqrt.approx) whose exact rounding the emulator cannot
  /// know; a check that passes both ways does not depend on it.
  bool mathAtErrorBound = false;
  /// When not empty: each launch runs only the blocks of these linear ids
  /// (x + y * grid.x + z * grid.x * grid.y) that its grid has, and the
  /// other blocks do nothing. For checking kernels whose grids are too
  /// large to emulate whole (a tensor of several gigabytes); what the
  /// skipped blocks would write stays unwritten, and the counters count
  /// the blocks that ran.
  std::vector<uint64_t> onlyBlocks;
};

/// What one emulated launch did, counted per warp-wide access as the
/// hardware would issue it.
struct EmulatorCounters {
  int64_t blocks = 0;
  int64_t threads = 0;
  /// Global memory: warp-wide requests, 32-byte sectors transferred, and
  /// the sectors the requested bytes would need if perfectly coalesced.
  int64_t globalLoadRequests = 0;
  int64_t globalLoadSectors = 0;
  int64_t globalLoadSectorsIdeal = 0;
  int64_t globalStoreRequests = 0;
  int64_t globalStoreSectors = 0;
  int64_t globalStoreSectorsIdeal = 0;
  /// Distinct global bytes read and written (the DRAM lower bound).
  int64_t uniqueBytesRead = 0;
  int64_t uniqueBytesWritten = 0;
  /// Shared memory: warp-wide requests and wavefronts; the ideal is one
  /// wavefront per 128 distinct bytes of each phase, so wavefronts beyond
  /// it are bank conflicts. ldmatrix and cp.async writes counted apart.
  int64_t sharedLoadRequests = 0;
  int64_t sharedLoadWavefronts = 0;
  int64_t sharedLoadWavefrontsIdeal = 0;
  int64_t sharedStoreRequests = 0;
  int64_t sharedStoreWavefronts = 0;
  int64_t sharedStoreWavefrontsIdeal = 0;
  int64_t ldmatrixRequests = 0;
  int64_t ldmatrixWavefronts = 0;
  int64_t ldmatrixWavefrontsIdeal = 0;
  int64_t cpAsyncRequests = 0;
  int64_t cpAsyncBytes = 0;
  int64_t cpAsyncWavefronts = 0;
  int64_t cpAsyncWavefrontsIdeal = 0;
  /// Tensor cores: warp-wide mma.sync instructions and their FLOPs.
  int64_t mmaOps = 0;
  int64_t mmaFlops = 0;
  /// Hopper: warpgroup-wide wgmma.mma_async instructions and their FLOPs,
  /// bytes moved by TMA (per tensor map: the kernel argument's index), and
  /// mbarrier parity waits (per thread).
  int64_t wgmmaOps = 0;
  int64_t wgmmaFlops = 0;
  int64_t tmaLoadBytes = 0;
  int64_t tmaStoreBytes = 0;
  std::map<int, int64_t> tmaBytesByTensor;
  int64_t mbarrierWaits = 0;
  /// Block-wide barriers completed, summed over blocks.
  int64_t barriers = 0;
  /// Warp-wide requests by the width of each lane's PTX instruction (1, 2,
  /// 4, 8, 16 bytes; see MemoryAccess.h): an access the backend splits
  /// counts as one request per piece.
  std::array<int64_t, 5> globalLoadWidths{};
  std::array<int64_t, 5> globalStoreWidths{};
  std::array<int64_t, 5> sharedLoadWidths{};
  std::array<int64_t, 5> sharedStoreWidths{};
  std::array<int64_t, 5> cpAsyncWidths{};

  void add(const EmulatorCounters &other);
  /// A table, one counter per line.
  std::string format() const;
};

/// A device that runs kernels on the CPU with GPU semantics. A launch that
/// finds out-of-bounds accesses, shared-memory races, reads of
/// uninitialised shared memory or of cp.async destinations before their
/// wait, deadlocks or divergent barriers fails with a message listing them;
/// the counters and reports of the last launch stay readable either way.
/// Threads may launch on one device at once (each launch keeps its own
/// counters and reports until it ends); lastCounters and lastReports give
/// copies of those of the launch that ended last.
class EmulatorDevice : public Device {
public:
  virtual EmulatorCounters lastCounters() const = 0;
  virtual std::vector<std::string> lastReports() const = 0;
};

/// Opens the emulator device.
StatusOr<std::unique_ptr<EmulatorDevice>>
openEmulatorDevice(const EmulatorOptions &options = {});

} // namespace fused::rt

#endif // FUSED_RUNTIME_RUNTIME_H
