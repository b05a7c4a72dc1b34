//===- Schedule.h - the host schedule of a compiled function ----*- C++ -*-===//
//
// After code generation a function is its host schedule: fused.launch ops
// that run kernels in order, and views (fused.reshape, contiguous
// fused.slice) that give a buffer's memory, or a contiguous part of it,
// another shape. buildSchedule reads it once into buffers and launches;
// the host runner, the API's device runner and the bundle's manifest all
// walk the same Schedule.
//
//===----------------------------------------------------------------------===//

#ifndef FUSED_DIALECT_FUSED_IR_SCHEDULE_H
#define FUSED_DIALECT_FUSED_IR_SCHEDULE_H

#include "fused/Dialect/Fused/IR/FusedOps.h"

#include "mlir/Dialect/Func/IR/FuncOps.h"
#include "llvm/ADT/DenseMap.h"

#include <string>
#include <vector>

namespace fused {

struct ScheduleBuffer {
  enum class Origin { Input, Kernel, View };
  mlir::RankedTensorType type;
  Origin origin = Origin::Input;
  /// For a view: the input or kernel buffer whose memory it is (never a
  /// view itself), and where in it the view starts.
  int64_t base = -1;
  int64_t byteOffset = 0;

  int64_t bytes() const;
  llvm::StringRef originName() const;
};

struct ScheduleLaunch {
  /// The op, for diagnostics.
  mutable fused::LaunchOp op;
  std::string kernel;
  /// Buffer ids: the launch's inputs, then its results.
  std::vector<int64_t> args;
  size_t numInputs = 0;
};

struct Schedule {
  std::string name;
  std::vector<ScheduleBuffer> buffers;
  std::vector<int64_t> inputs, outputs;
  std::vector<ScheduleLaunch> launches;
  llvm::DenseMap<mlir::Value, int64_t> ids;

  /// The buffer whose memory buffer `id` is: itself unless it is a view.
  int64_t storageOf(int64_t id) const {
    return buffers[id].origin == ScheduleBuffer::Origin::View
               ? buffers[id].base
               : id;
  }
};

/// Where the memory of `v` starts in the buffer it is a view of, in bytes:
/// 0 unless `v` is the result of a chain of views (fused.reshape,
/// fused.slice).
int64_t viewByteOffset(mlir::Value v);

/// Reads the schedule of `func`, or fails after an error on the first op
/// that cannot be part of one: an op that code generation left outside a
/// kernel (naming what it does compile, `supported`), a slice that is not
/// contiguous, or an output that cannot be a buffer of its own (a view of
/// an input or a view covering part of a buffer).
mlir::FailureOr<Schedule> buildSchedule(mlir::func::FuncOp func,
                                        llvm::StringRef supported);

} // namespace fused

#endif // FUSED_DIALECT_FUSED_IR_SCHEDULE_H
