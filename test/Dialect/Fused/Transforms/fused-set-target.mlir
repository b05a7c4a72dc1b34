// RUN: fused-opt %s -fused-set-target=chip=sm_90a | FileCheck %s
// RUN: fused-opt %s | FileCheck %s --check-prefix=NONE
// RUN: not fused-opt %s -fused-set-target=chip=sm_70 2>&1 | FileCheck %s --check-prefix=UNKNOWN

/// fused-set-target records the chip on the module, which the passes that
/// generate code read (fused::Target).
// CHECK: module attributes {fused.target = "sm_90a"}
// NONE-NOT: fused.target
// UNKNOWN: error: fused-set-target: unknown chip 'sm_70' (expected sm_80, sm_86, sm_89, sm_90 or sm_90a)
func.func @f() {
  return
}
