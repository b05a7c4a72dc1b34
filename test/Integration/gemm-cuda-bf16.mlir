/// The GEMM shape matrix (bf16) run on a GPU against the float64 reference,
/// fresh random inputs, NaN-poisoned outputs.
// REQUIRES: cuda
// RUN: fused-compile --run --device=cuda --check --seed=0 %S/gemm-matrix-bf16.mlir | FileCheck %s
// CHECK-COUNT-16: result 0: relative error {{.*}} PASS
// CHECK-NOT: FAIL
