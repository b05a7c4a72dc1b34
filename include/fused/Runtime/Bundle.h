//===- Bundle.h - loading and running kernel bundles ------------*- C++ -*-===//
//
// A bundle (docs/bundle.md) is what fused-compile --emit=bundle writes: the
// kernels' images and a manifest saying how to call them. Bundle::open
// reads and validates the manifest; BundleRunner loads the image a device
// can run (Images.h) and runs a function: it checks the inputs against the
// manifest (count, dtype, shape), allocates the buffers, launches the
// kernels in order and returns the outputs. Plain C++17 (the runtime-only
// build has no LLVM), the CUDA driver loaded at run time.
//
//===----------------------------------------------------------------------===//

#ifndef FUSED_RUNTIME_BUNDLE_H
#define FUSED_RUNTIME_BUNDLE_H

#include "fused/Runtime/Runtime.h"
#include "fused/Runtime/ShapeExpr.h"

#include <array>
#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

namespace fused::rt {

/// The size in bytes of one element of `dtype` ("f16", "bf16", "f32",
/// "f64"), or 0 for a dtype the runtime cannot encode.
size_t dtypeBytes(const std::string &dtype);

/// `values` rounded to `dtype` (to nearest even) as its raw bytes, and back.
std::vector<uint8_t> encodeValues(const std::vector<double> &values,
                                  const std::string &dtype);
std::vector<double> decodeValues(const std::vector<uint8_t> &bytes,
                                 const std::string &dtype);

/// The checksum fused-compile --run and fused-run print for an output:
/// FNV-1a of its bytes in its own dtype, so equal results print equal
/// checksums in both tools.
uint64_t outputChecksum(const std::vector<uint8_t> &bytes);

struct TensorSpec {
  std::string dtype;
  /// -1 where the dimension is dynamic.
  std::vector<int64_t> shape;
  /// Empty when every dimension is static; else per dimension its size
  /// expression where it has one ("s0", "3 * s0"; a kernel's arguments
  /// have none, their dynamic dimensions take any size), parsed once.
  std::vector<std::optional<ShapeExpr>> sizes;
  bool isDynamic() const;
  int64_t elements() const;
  /// "f16[2, 3]", "f16[s0, 768]".
  std::string text() const;
};

/// The sizes of one call of a function: per buffer its shape and, for a
/// view, where it starts in its base.
struct CallSizes {
  std::vector<std::vector<int64_t>> shapes;
  std::vector<uint64_t> viewOffsets;
  std::vector<uint64_t> bytes;
};

/// A tensor in host memory: its values as doubles.
struct HostTensor {
  std::vector<int64_t> shape;
  std::vector<double> data;
};

/// The grid of kernel `name` whose axes are `grid`, or where `sizes` has
/// an expression over its arguments' dimensions (aI.dJ), its value for
/// arguments of `argShapes`; an error when one fails or the grid is over
/// the CUDA limits.
StatusOr<std::array<uint32_t, 3>>
gridForShapes(const std::string &name, const std::array<uint32_t, 3> &grid,
              const std::array<std::optional<ShapeExpr>, 3> &sizes,
              const std::vector<std::vector<int64_t>> &argShapes);
/// The same with the expressions as text ("" where the axis is static).
StatusOr<std::array<uint32_t, 3>>
gridForShapes(const std::string &name, const std::array<uint32_t, 3> &grid,
              const std::array<std::string, 3> &sizes,
              const std::vector<std::vector<int64_t>> &argShapes);

struct KernelSpec {
  std::string name;
  std::string kind;
  struct Arg {
    TensorSpec tensor;
    bool output = false;
    int64_t alignment = 1;
  };
  std::vector<Arg> args;
  std::array<uint32_t, 3> grid = {1, 1, 1};
  /// Per axis: none when `grid` holds it, else its expression over the
  /// arguments' dimensions ("(a0.d0 + 3) / 4").
  std::array<std::optional<ShapeExpr>, 3> gridSizes;
  std::array<uint32_t, 3> block = {1, 1, 1};
  uint32_t dynamicSharedMemory = 0;
  bool sharedMemoryOptIn = false;
  /// TMA tensor maps the kernel takes by value after its arguments: over
  /// input argument `arg`, boxes of `box` (outermost first), `swizzle`
  /// bytes.
  struct TensorMap {
    int64_t arg = 0;
    std::vector<int64_t> box;
    int64_t swizzle = 0;
  };
  std::vector<TensorMap> tensorMaps;

  /// The grid for arguments of `argShapes`, or an error when an expression
  /// fails or the grid is over the CUDA limits.
  StatusOr<std::array<uint32_t, 3>>
  gridFor(const std::vector<std::vector<int64_t>> &argShapes) const;
};

struct FunctionSpec {
  std::string name;
  struct Buffer {
    TensorSpec tensor;
    bool fromKernel = false;
    /// A view (a reshape or contiguous slice) is the memory of buffer
    /// `viewOf` (an input or kernel buffer) from byte `viewOffset` on.
    int64_t viewOf = -1;
    uint64_t viewOffset = 0;
    /// The offset's expression when it depends on dynamic sizes.
    std::optional<ShapeExpr> viewOffsetSize;
    /// The widest alignment any kernel that takes it requires of its base
    /// address.
    int64_t alignment = 1;
  };
  std::vector<Buffer> buffers;
  /// The buffer whose memory buffer `id` is: itself unless it is a view.
  int64_t storageOf(int64_t id) const {
    return buffers[id].viewOf >= 0 ? buffers[id].viewOf : id;
  }
  std::vector<int64_t> inputs;
  std::vector<int64_t> outputs;
  /// Whether some buffer has dynamic dimensions.
  bool dynamic = false;
  /// The sizes of a call on inputs of `inputShapes`: the size symbols come
  /// from the inputs' dimensions; an input that disagrees, a view outside
  /// its base or an overflow is an error naming it.
  StatusOr<CallSizes>
  sizesFor(const std::vector<std::vector<int64_t>> &inputShapes) const;
  /// The sizes of a function without dynamic dimensions.
  CallSizes staticSizes() const;
  /// The inputs' shapes when the size symbols s0, s1, ... have `sizes`'
  /// values.
  StatusOr<std::vector<std::vector<int64_t>>>
  inputShapesFor(const std::vector<int64_t> &sizes) const;
  struct Launch {
    std::string kernel;
    std::vector<int64_t> args;
  };
  std::vector<Launch> launches;
  /// The useful FLOPs of one call (0 when the manifest does not say).
  double flops = 0;
  /// The bytes one call moves at least: arguments read once, results
  /// written once (0 when the manifest does not say).
  double bytes = 0;
  /// With --with-reference: the seed of the stored inputs, the files (in
  /// the bundle) of the inputs and of the float64 reference outputs, and
  /// each output's tolerance.
  bool hasReference = false;
  uint64_t referenceSeed = 0;
  std::vector<std::string> referenceInputs;
  std::vector<std::string> referenceOutputs;
  std::vector<double> tolerances;
};

struct ImageSpec {
  /// "" for the emulator image (it runs the code of every chip).
  std::string chip;
  ModuleFormat format = ModuleFormat::PTX;
  /// Relative to the bundle directory.
  std::string file;
};

class Bundle {
public:
  /// Reads `dir`/manifest.json and checks it: format and version, that
  /// every image file exists, every launch names a kernel with as many
  /// arguments as it passes, and every buffer a launch passes has the
  /// dtype and shape of the kernel's argument. Errors name the bundle and
  /// what is wrong.
  static StatusOr<Bundle> open(const std::string &dir);
  /// The same with the manifest's text given (`dir` holds the images).
  static StatusOr<Bundle> fromManifest(const std::string &dir,
                                       const std::string &text);

  const std::string &directory() const { return dir; }
  const std::vector<std::string> &chips() const { return chipList; }
  const std::vector<ImageSpec> &images() const { return imageList; }
  const std::vector<KernelSpec> &kernels() const { return kernelList; }
  const std::vector<FunctionSpec> &functions() const { return functionList; }
  const KernelSpec *kernel(const std::string &name) const;
  const FunctionSpec *function(const std::string &name) const;

private:
  std::string dir;
  std::vector<std::string> chipList;
  std::vector<ImageSpec> imageList;
  std::vector<KernelSpec> kernelList;
  std::vector<FunctionSpec> functionList;
};

/// A bundle loaded on a device.
class BundleRunner {
public:
  /// Picks the image `device` runs (the emulator image on the emulator; on
  /// a CUDA device the one selectImage chooses for its chip) and loads it.
  static StatusOr<std::unique_ptr<BundleRunner>> load(const Bundle &bundle,
                                                      Device &device);

  /// Which image was loaded and why ("cubin for sm_90 (exact match)").
  const std::string &imageChoice() const { return choice; }

  /// Called after each launch with what it takes to repeat it.
  using LaunchHook = std::function<Status(
      const KernelSpec &, Module &, const LaunchConfig &,
      const std::vector<KernelArg> &)>;

  /// Runs `function` on `inputs` (one per argument, with the manifest's
  /// shapes; values are rounded to each argument's dtype) and returns its
  /// outputs. Outputs start as NaN on the device.
  StatusOr<std::vector<HostTensor>> run(const std::string &function,
                                        const std::vector<HostTensor> &inputs,
                                        const LaunchHook &afterLaunch = {});

  /// The scratch memory `function` needs between its kernels (0 when it
  /// has one kernel or passes nothing between them); with dynamic
  /// dimensions, for inputs of `inputShapes`.
  StatusOr<size_t> workspaceBytes(
      const std::string &function,
      const std::vector<std::vector<int64_t>> &inputShapes = {}) const;

  /// Enqueues `function` on memory the caller owns: `inputs` and `outputs`
  /// hold the device addresses of its arguments (host addresses on the
  /// emulator) in the manifest's dtype, shape and row-major layout,
  /// `workspace` at least workspaceBytes (256-byte aligned; 0 when none is
  /// needed); `stream` is the caller's (null: the default stream). Nothing
  /// is allocated or copied. Refused before any launch: a wrong count, a
  /// null or misaligned address, an output that overlaps another argument
  /// or the workspace, a missing workspace. On CUDA the launches are
  /// asynchronous; the caller synchronises the stream.
  /// A function with dynamic dimensions needs `inputShapes`, the inputs'
  /// shapes (the outputs' follow from them).
  Status launch(const std::string &function,
                const std::vector<uint64_t> &inputs,
                const std::vector<uint64_t> &outputs, uint64_t workspace,
                size_t workspaceSize, Stream *stream,
                const std::vector<std::vector<int64_t>> &inputShapes = {});

private:
  BundleRunner() = default;
  const FunctionSpec *function(const std::string &name, Status &status) const;
  /// Launches the function's kernels in order, buffers[id] holding buffer
  /// `id`.
  Status launchAll(const FunctionSpec &f, const CallSizes &sizes,
                   const std::vector<const Buffer *> &buffers, Stream *stream,
                   const LaunchHook &afterLaunch);
  /// The sizes of a call: bound from `inputShapes`, or the static ones
  /// when the function has no dynamic dimensions and none are given.
  StatusOr<CallSizes>
  callSizes(const FunctionSpec &f,
            const std::vector<std::vector<int64_t>> &inputShapes) const;
  const Bundle *bundle = nullptr;
  Device *device = nullptr;
  std::unique_ptr<Module> module;
  std::string choice;
};

/// Reads a .npy file of float16, float32 or float64 (little-endian, C
/// order) as doubles, and writes one in `dtype` ("f16", "f32" or "f64";
/// values are rounded to it).
StatusOr<HostTensor> readNpy(const std::string &path);
/// The same from the file's bytes `data`; `path` names it in errors.
StatusOr<HostTensor> parseNpy(const std::string &data,
                              const std::string &path);
Status writeNpy(const std::string &path, const HostTensor &tensor,
                const std::string &dtype = "f64");

} // namespace fused::rt

#endif // FUSED_RUNTIME_BUNDLE_H
