//===- Images.h - which kernel image a device can load ----------*- C++ -*-===//
//
// A program or bundle may carry several images of the same kernels: cubins
// for some chips and PTX for the driver to compile. A cubin for sm_XY loads
// on devices of compute capability X.Z with Z >= Y (binary compatibility
// within a major version); one for an architecture-specific target (sm_90a)
// only on exactly that capability. PTX for sm_XY is compiled by the driver
// for any device of capability X.Y or later (sm_90a PTX only for 9.0).
// selectImage picks, for a device, the exact cubin, else the newest
// compatible cubin, else the newest compatible PTX, and says which and why;
// when none fits it refuses with a message naming the images and the
// device. Plain C++, no driver needed (so it is unit-tested with made-up
// device descriptions).
//
//===----------------------------------------------------------------------===//

#ifndef FUSED_RUNTIME_IMAGES_H
#define FUSED_RUNTIME_IMAGES_H

#include "fused/Runtime/Runtime.h"

#include <optional>
#include <string>
#include <vector>

namespace fused::rt {

/// A chip name ("sm_80", "sm_90a") as compute capability and variant.
struct Chip {
  int major = 0;
  int minor = 0;
  /// The architecture-specific variant ("a" of sm_90a).
  bool archSpecific = false;
  std::string name() const;
};

/// Parses "sm_XY" or "sm_XYa" (XY: two or three digits, the last one the
/// minor version); nothing for anything else.
std::optional<Chip> parseChip(const std::string &name);

/// One image of a program's kernels.
struct ImageInfo {
  ModuleFormat format = ModuleFormat::Cubin;
  /// The chip it was compiled for.
  std::string chip;
};

struct ImageChoice {
  /// Index into the images given.
  size_t index = 0;
  /// E.g. "cubin for sm_90 (exact match)" or "PTX for sm_80 (compiled by
  /// the driver for sm_90)".
  std::string reason;
};

/// Whether `data` can be the image a manifest or program says it is, so
/// that the driver is never handed one that is truncated, corrupt or for
/// another chip: a cubin must be a whole 64-bit little-endian CUDA ELF
/// (its header, program and section tables and every section's bytes
/// inside the file) for `chip`'s compute capability; PTX must name `chip`
/// in its `.target` and end with a function's closing brace. `name` (a
/// file) is in the messages.
Status checkImage(const std::string &data, ModuleFormat format,
                  const std::string &chip, const std::string &name);

/// Whether an image for `image` loads on a device of capability `device`.
bool loads(const ImageInfo &image, const Chip &device);

/// The image to load on a device of capability `device` (named
/// `deviceName` in messages), or an error naming the images and the device
/// when none of them loads there.
StatusOr<ImageChoice> selectImage(const std::vector<ImageInfo> &images,
                                  const Chip &device,
                                  const std::string &deviceName);

} // namespace fused::rt

#endif // FUSED_RUNTIME_IMAGES_H
