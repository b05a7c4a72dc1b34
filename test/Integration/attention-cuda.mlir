/// The attention subset matrix, the features and the unfused pattern run on
/// a GPU against the float64 reference (fresh random inputs, NaN-poisoned
/// outputs).
// REQUIRES: cuda
// RUN: fused-compile --run --device=cuda --check --seed=0 %S/attention-matrix.mlir | FileCheck %s --check-prefix=MATRIX
// RUN: fused-compile --run --device=cuda --check --seed=0 %S/attention-features.mlir | FileCheck %s --check-prefix=FEATURES
// RUN: fused-compile --run --device=cuda --check --seed=0 --entry=unfused %S/attention-unfused.mlir | FileCheck %s --check-prefix=UNFUSED
// MATRIX-COUNT-24: relative error {{.*}} PASS
// MATRIX-NOT: FAIL
// FEATURES-COUNT-10: relative error {{.*}} PASS
// FEATURES-NOT: FAIL
// UNFUSED: @unfused result 0: relative error {{.*}} PASS
