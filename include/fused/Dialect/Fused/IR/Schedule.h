//===- Schedule.h - the host schedule of a compiled function ----*- C++ -*-===//
//
// After code generation a function is its host schedule: fused.launch ops
// that run kernels in order, and views (fused.reshape, contiguous
// fused.slice) that give a buffer's memory, or a contiguous part of it,
// another shape. buildSchedule reads it once into buffers and launches;
// the host runner, the API's device runner and the bundle's manifest all
// walk the same Schedule.
//
// Dynamic dimensions (`?`) become size symbols s0, s1, ... (numbered in the
// order the function's arguments first show them): every buffer's
// dimensions and every view's offset are SizeExprs in them, and bind()
// gives them values from the inputs' shapes.
//
//===----------------------------------------------------------------------===//

#ifndef FUSED_DIALECT_FUSED_IR_SCHEDULE_H
#define FUSED_DIALECT_FUSED_IR_SCHEDULE_H

#include "fused/Dialect/Fused/IR/FusedOps.h"
#include "fused/Dialect/Fused/IR/Shapes.h"

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
  /// The offset when it is static (always, without size symbols).
  int64_t byteOffset = 0;
  SizeExpr byteOffsetExpr;
  /// Each dimension, in the function's size symbols.
  llvm::SmallVector<SizeExpr, 4> dims;

  int64_t elementBytes() const;
  /// Its bytes when its shape is static.
  int64_t bytes() const;
  /// Its bytes, in the size symbols.
  SizeExpr bytesExpr() const;
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

/// The sizes of one call of a function with dynamic dimensions: the value
/// of each size symbol, and what follows from them.
struct ScheduleSizes {
  std::vector<int64_t> symbols;
  /// Per buffer: its shape, and where a view starts in its base.
  std::vector<std::vector<int64_t>> shapes;
  std::vector<int64_t> byteOffsets;
  std::vector<int64_t> bytes;
};

struct Schedule {
  std::string name;
  /// How many size symbols the function has (0 when every shape is
  /// static).
  unsigned numSymbols = 0;
  std::vector<ScheduleBuffer> buffers;
  std::vector<int64_t> inputs, outputs;
  std::vector<ScheduleLaunch> launches;
  llvm::DenseMap<mlir::Value, int64_t> ids;

  /// The sizes when the inputs have `inputShapes`, or an error message
  /// naming the input and dimension that disagree.
  std::optional<ScheduleSizes>
  bind(const std::vector<std::vector<int64_t>> &inputShapes,
       std::string &error) const;
  /// The sizes of a function without size symbols.
  ScheduleSizes staticSizes() const;
  /// The input shapes when each size symbol has `symbols`' value (missing
  /// ones are an error).
  std::optional<std::vector<std::vector<int64_t>>>
  inputShapes(const std::vector<int64_t> &symbols, std::string &error) const;

  /// The buffer whose memory buffer `id` is: itself unless it is a view.
  int64_t storageOf(int64_t id) const {
    return buffers[id].origin == ScheduleBuffer::Origin::View
               ? buffers[id].base
               : id;
  }
};

/// Where the memory of `v` starts in the buffer it is a view of, in bytes:
/// 0 unless `v` is the result of a chain of views (fused.reshape,
/// fused.slice), with `dim` giving the size of each dimension of the views'
/// inputs.
SizeExpr viewByteOffset(mlir::Value v,
                        llvm::function_ref<SizeExpr(mlir::Value, int64_t)> dim);
/// The same with each dynamic dimension a distinct symbol: an offset that
/// is a multiple of N for every size has every coefficient a multiple of N.
SizeExpr viewByteOffset(mlir::Value v);

/// Reads the schedule of `func`, or fails after an error on the first op
/// that cannot be part of one: an op that code generation left outside a
/// kernel (naming what it does compile, `supported`), a slice that is not
/// contiguous, an output that cannot be a buffer of its own (a view of
/// an input or a view covering part of a buffer), or a dynamic size that
/// the inputs' sizes do not determine.
mlir::FailureOr<Schedule> buildSchedule(mlir::func::FuncOp func,
                                        llvm::StringRef supported);

} // namespace fused

#endif // FUSED_DIALECT_FUSED_IR_SCHEDULE_H
