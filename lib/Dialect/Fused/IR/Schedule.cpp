//===- Schedule.cpp - the host schedule of a compiled function ------------===//

#include "fused/Dialect/Fused/IR/Schedule.h"

using namespace mlir;

namespace fused {

int64_t ScheduleBuffer::bytes() const {
  int64_t bits = type.getElementTypeBitWidth();
  return type.getNumElements() * std::max<int64_t>(1, bits / 8);
}

StringRef ScheduleBuffer::originName() const {
  switch (origin) {
  case Origin::Input:
    return "input";
  case Origin::Kernel:
    return "kernel";
  case Origin::View:
    return "view";
  }
  return "";
}

int64_t viewByteOffset(Value v) {
  int64_t offset = 0;
  while (Operation *def = v.getDefiningOp()) {
    if (auto slice = dyn_cast<fused::SliceOp>(def))
      offset += slice.getLinearOffset() *
                std::max<int64_t>(1, slice.getType().getElementTypeBitWidth() / 8);
    else if (!isa<fused::ReshapeOp>(def))
      break;
    v = def->getOperand(0);
  }
  return offset;
}

FailureOr<Schedule> buildSchedule(func::FuncOp func, StringRef supported) {
  Schedule s;
  s.name = func.getSymName().str();
  auto add = [&](Value v, ScheduleBuffer b) {
    b.type = cast<RankedTensorType>(v.getType());
    s.ids[v] = static_cast<int64_t>(s.buffers.size());
    s.buffers.push_back(b);
    return s.ids[v];
  };
  auto addView = [&](Operation *op) {
    ScheduleBuffer b;
    b.origin = ScheduleBuffer::Origin::View;
    b.base = s.storageOf(s.ids.lookup(op->getOperand(0)));
    b.byteOffset = viewByteOffset(op->getResult(0));
    add(op->getResult(0), b);
  };
  for (BlockArgument arg : func.getArguments()) {
    if (!isa<RankedTensorType>(arg.getType()) ||
        !cast<RankedTensorType>(arg.getType()).hasStaticShape())
      return func.emitError() << "argument #" << arg.getArgNumber()
                              << " has type " << arg.getType()
                              << ": a compiled function takes statically "
                                 "shaped tensors",
             failure();
    s.inputs.push_back(add(arg, {}));
  }
  for (Operation &op : func.getBody().front()) {
    if (auto ret = dyn_cast<func::ReturnOp>(op)) {
      for (Value v : ret.getOperands()) {
        int64_t id = s.ids.lookup(v);
        const ScheduleBuffer &b = s.buffers[id];
        if (b.origin == ScheduleBuffer::Origin::View &&
            (s.buffers[b.base].origin != ScheduleBuffer::Origin::Kernel ||
             b.byteOffset != 0 || b.bytes() != s.buffers[b.base].bytes()))
          return ret.emitOpError()
                     << "returns a view of "
                     << (s.buffers[b.base].origin ==
                                 ScheduleBuffer::Origin::Kernel
                             ? "part of a kernel's result"
                             : "an argument")
                     << ": a compiled function's results are written by its "
                        "kernels, so return a computed value (a reshape of "
                        "a whole kernel result may be returned)",
                 failure();
        s.outputs.push_back(id);
      }
      return s;
    }
    if (auto reshape = dyn_cast<fused::ReshapeOp>(op)) {
      addView(reshape);
      continue;
    }
    if (auto slice = dyn_cast<fused::SliceOp>(op)) {
      if (!slice.isContiguous())
        return slice.emitOpError()
                   << "is not contiguous in its input: code generation "
                      "compiles slices that are one run of the input's "
                      "elements (size 1 in the leading dimensions, whole in "
                      "the trailing ones), such as slices of the leading "
                      "dimension; transpose the sliced dimension to the "
                      "front first",
               failure();
      addView(slice);
      continue;
    }
    auto launch = dyn_cast<fused::LaunchOp>(op);
    if (!launch)
      return op.emitOpError()
                 << "cannot be part of a compiled function: code generation "
                    "does not support it yet (it compiles "
             << supported << ")",
             failure();
    ScheduleLaunch l;
    l.op = launch;
    l.kernel = launch.getCallee().getLeafReference().getValue().str();
    for (Value in : launch.getInputs())
      l.args.push_back(s.ids.lookup(in));
    l.numInputs = l.args.size();
    for (Value r : launch.getResults()) {
      ScheduleBuffer b;
      b.origin = ScheduleBuffer::Origin::Kernel;
      l.args.push_back(add(r, b));
    }
    s.launches.push_back(std::move(l));
  }
  return func.emitError() << "function has no return", failure();
}

} // namespace fused
