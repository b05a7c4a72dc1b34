//===- InitAll.h - registration of dialects and passes ----------*- C++ -*-===//
//
// One place that says which dialects and passes the fused tools know, so
// fused-opt, fused-compile, the C API and the Python bindings agree.
//
//===----------------------------------------------------------------------===//

#ifndef FUSED_INITALL_H
#define FUSED_INITALL_H

namespace mlir {
class DialectRegistry;
} // namespace mlir

namespace fused {

/// Adds the `fused` dialect and the upstream dialects (and their interface
/// implementations) that the compilation pipeline produces or consumes.
void registerAllDialects(mlir::DialectRegistry &registry);

/// Registers the project's passes and the upstream passes usable with
/// fused-opt.
void registerAllPasses();

} // namespace fused

#endif // FUSED_INITALL_H
