//===- Files.h - output files that are whole or absent ----------*- C++ -*-===//
//
// What fused writes (kernel images, bundles, .npy arrays, cache entries)
// is either written whole or not at all: a full disk, a read-only
// directory or a crash part-way leaves the previous file (or none), never
// a truncated one. Plain C++17 and POSIX.
//
//===----------------------------------------------------------------------===//

#ifndef FUSED_RUNTIME_FILES_H
#define FUSED_RUNTIME_FILES_H

#include "fused/Runtime/Runtime.h"

#include <functional>
#include <string>

namespace fused::rt {

/// Writes `data` to `path` through a new file beside it that is renamed
/// over `path` once every byte is written and the file closed; on an error
/// the new file is removed and `path` is as it was. A path that exists and
/// is not a regular file (/dev/stdout, a pipe, /dev/full) is written in
/// place. Errors name the path and the system's reason ("cannot write
/// out.ptx: No space left on device").
Status writeFileAtomically(const std::string &path, const std::string &data);

/// Fills a new directory beside `dir` with `fill` (called with its path)
/// and only then puts it in place of `dir` (which must be a directory if
/// it exists). On an error from `fill` or the system, the new directory is
/// removed and `dir` is left as it was.
Status writeDirectoryAtomically(
    const std::string &dir,
    const std::function<Status(const std::string &tmpDir)> &fill);

} // namespace fused::rt

#endif // FUSED_RUNTIME_FILES_H
