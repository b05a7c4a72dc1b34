//===- Program.h - the C++ embedding API ------------------------*- C++ -*-===//
//
// Compile a module of `fused` ops once, then run its functions on a device
// (a CUDA GPU or the CPU emulator) as often as needed:
//
//   auto program = fused::Program::compile(source);      // StatusOr
//   auto device = fused::openDevice("auto");             // StatusOr
//   auto outputs = (*program)->run(**device, "attention", inputs);
//
// Tensors cross the API as fused::ref::Tensor (shape + float64 values);
// they are rounded to each argument's element type on the way in. Errors
// are values (fused::rt::Status) carrying the compiler's diagnostics as
// text; nothing is thrown. Compiled programs are kept in an on-disk cache
// keyed by source, options and compiler build (see cacheDirectory()).
// This header needs no MLIR headers.
//
//===----------------------------------------------------------------------===//

#ifndef FUSED_API_PROGRAM_H
#define FUSED_API_PROGRAM_H

#include "fused/Reference/Kernels.h"
#include "fused/Runtime/Runtime.h"

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace mlir {
class ModuleOp;
namespace func {
class FuncOp;
} // namespace func
} // namespace mlir

namespace fused {

struct CompileOptions {
  /// Target GPU: sm_80, sm_86, sm_89, sm_90, sm_90a, or "auto": the chip of the
  /// CUDA device present when the target is cuda (see resolveAutoChip),
  /// else sm_80 (the emulator runs every chip's code).
  std::string chip = "auto";
  /// Which kernel image to build: "cuda" (cubin, or PTX without ptxas),
  /// "emulator", or "auto" (cuda when a CUDA driver and device are present,
  /// else emulator), or "reference" (parse and verify only: the program
  /// can then only be evaluated with reference()). A program runs on
  /// devices of its target's kind.
  std::string target = "auto";
  /// The image kind for the cuda target: "cubin" (needs ptxas), "ptx"
  /// (the driver JIT-compiles it), or "auto" (cubin when ptxas is found).
  std::string emit = "auto";
  /// Use the on-disk cache (read and write).
  bool cache = true;
  /// The cache directory; empty: the default (cacheDirectory("")).
  std::string cacheDir;
  /// The name diagnostics give the source (a file name).
  std::string sourceName = "<source>";
  /// For the emulator's own tests: see fused::emu::buildEmulatorImage.
  std::string plantBug;
};

/// A tensor argument or result: shape and element type ("f16", "bf16",
/// "f32", "f64", ...).
struct TensorInfo {
  /// -1 for a dynamic dimension (`?`).
  std::vector<int64_t> shape;
  std::string dtype;
};

struct FunctionInfo {
  std::string name;
  std::vector<TensorInfo> inputs;
  std::vector<TensorInfo> results;
};

/// What a launch hook sees: the launch just made, with what it takes to
/// repeat it (for timing).
struct LaunchInfo {
  std::string function;
  std::string kernel;
  rt::Device *device = nullptr;
  rt::Module *module = nullptr;
  rt::LaunchConfig config;
  const std::vector<rt::KernelArg> *args = nullptr;
  /// The useful FLOPs of the function (2 M N K per GEMM, 2 (D + Dv) per
  /// visible query-key pair of attention).
  double flops = 0;
};

class Program {
public:
  ~Program();
  Program(const Program &) = delete;
  Program &operator=(const Program &) = delete;

  /// Parses, verifies and compiles `source` (MLIR text of `fused` ops).
  static rt::StatusOr<std::unique_ptr<Program>>
  compile(const std::string &source, const CompileOptions &options = {});

  /// Compiles a module built in memory (its text is what is compiled and
  /// cached; `module` is not modified). Needs the MLIR headers at the call.
  static rt::StatusOr<std::unique_ptr<Program>>
  compile(mlir::ModuleOp module, const CompileOptions &options = {});

  /// The kernel image (cubin, PTX text, or the emulator's LLVM IR) and its
  /// format; empty for the "reference" target.
  const std::string &image() const;
  rt::ModuleFormat imageFormat() const;

  /// The functions of the module, in order.
  const std::vector<FunctionInfo> &functions() const;
  /// "cuda", "emulator" or "reference".
  const std::string &target() const;
  /// The chip the kernels were compiled for ("auto" resolved).
  const std::string &chip() const;
  /// True when compile() was served from the cache.
  bool fromCache() const;

  /// Runs `function` on `device` with one tensor per argument; returns one
  /// tensor per result. Outputs start as NaN on the device, so anything a
  /// kernel leaves unwritten shows. `afterLaunch`, when given, is called
  /// after every launch; an error it returns stops the run.
  rt::StatusOr<std::vector<ref::Tensor>>
  run(rt::Device &device, const std::string &function,
      const std::vector<ref::Tensor> &inputs,
      const std::function<rt::Status(const LaunchInfo &)> &afterLaunch = {});

  /// Evaluates `function` with the float64 reference evaluator, on the
  /// inputs rounded to the argument types (as a device sees them).
  rt::StatusOr<std::vector<ref::Tensor>>
  reference(const std::string &function,
            const std::vector<ref::Tensor> &inputs) const;

  /// Seeded random inputs for `function` (uniform in [-1, 1), rounded to
  /// each argument's type); `sizes` gives the function's dynamic sizes
  /// s0, s1, ... (numbered as its arguments first show them).
  rt::StatusOr<std::vector<ref::Tensor>>
  randomInputs(const std::string &function, uint64_t seed,
               const std::vector<int64_t> &sizes = {}) const;

  /// How many dynamic sizes (s0, s1, ...) `function` has.
  rt::StatusOr<unsigned> numSizes(const std::string &function) const;

  /// The loosest of `tolerances(function)`.
  double tolerance(const std::string &function) const;

  /// The relative tolerance of each result of `function` (resultTolerances).
  std::vector<double> tolerances(const std::string &function) const;

  /// The raw bytes of `t` in element type `dtype` (as a device holds it).
  static std::vector<uint8_t> encode(const ref::Tensor &t,
                                     const std::string &dtype);

  struct Impl;

private:
  explicit Program(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl;
};


/// What --chip=auto compiles for on a device of chip `deviceChip` ("sm_90";
/// "" for no CUDA device: sm_80): the newest supported chip whose code the
/// device runs, as a cubin when it has the device's major version, else as
/// PTX for the driver to compile (`needsPtx`; e.g. sm_89 PTX on an sm_100
/// device: sm_90's code is for sm_90a, which runs on sm_90 alone). Devices
/// older than sm_80 are refused.
struct AutoChip {
  std::string chip = "sm_80";
  bool needsPtx = false;
};
rt::StatusOr<AutoChip> resolveAutoChip(const std::string &deviceChip);

/// The relative tolerance of values of element type `dtype`: 2e-3 for
/// f16, 1e-2 for bf16, 1e-5 otherwise.
double toleranceFor(const std::string &dtype);

/// The loosest toleranceFor of these element types.
double toleranceFor(const std::vector<std::string> &dtypes);

/// The relative tolerance of each result of `func`: the loosest of the
/// result's own element type and of every rounding on its way from the
/// inputs (the element types of the intermediate tensors it is computed
/// from, and for an attention's output the operands' type, to which the
/// probabilities are rounded for the second product). Inputs do not count:
/// the reference sees them rounded as the device does. So an f32 LSE of a
/// bf16 attention is judged at f32's tolerance and its f32 output at
/// bf16's.
std::vector<double> resultTolerances(mlir::func::FuncOp func);

/// The one rule by which --check, --check-host, the C and C++ APIs and
/// Python judge a result: ref::compare with the given tolerance, and the
/// range of the result's element type `dtype` when known (an infinity
/// where the reference exceeds it is what the type holds).
inline ref::Comparison judge(const ref::Tensor &out, const ref::Tensor &ref,
                             double rtol, const std::string &dtype = "") {
  return ref::compare(out, ref, rtol, rt::overflowFor(dtype));
}

/// Opens a device: "cuda", "emulator", or "auto" (cuda when present, else
/// the emulator).
rt::StatusOr<std::unique_ptr<rt::Device>>
openDevice(const std::string &kind, const rt::EmulatorOptions &emulator = {});

/// The compiler version.
std::string version();

/// The cache directory `dir`, or when empty: $FUSED_CACHE_DIR, else
/// $XDG_CACHE_HOME/fused, else $HOME/.cache/fused.
std::string cacheDirectory(const std::string &dir = "");

/// Removes every cached program from cacheDirectory(dir); returns how many.
rt::StatusOr<int> clearCache(const std::string &dir = "");

} // namespace fused

#endif // FUSED_API_PROGRAM_H
