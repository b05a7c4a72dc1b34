// RUN: not fused-compile --check-host --entry=attention %s 2>&1 | FileCheck %s --check-prefix=NOTCOMPILED
// RUN: not fused-compile --check-host --entry=softmax %s 2>&1 | FileCheck %s --check-prefix=ROWWISE
// RUN: not fused-compile --check-host --reference %s 2>&1 | FileCheck %s --check-prefix=EXCLUSIVE
// RUN: not fused-compile --check-host --entry=gemm --tolerance=1e-12 %s | FileCheck %s --check-prefix=TIGHT

/// Attention kernels have no host form: the host run says so.
// NOTCOMPILED: error: 'fused.kernel' op cannot run on the host: attention kernels have no host form; run them with --run (on the emulator when there is no GPU)
// NOTCOMPILED-NOT: see current operation
func.func @attention(%q: tensor<1x1x4x8xf16>) -> tensor<1x1x4x8xf16> {
  %o = fused.attention %q, %q, %q : tensor<1x1x4x8xf16>, tensor<1x1x4x8xf16>, tensor<1x1x4x8xf16> -> tensor<1x1x4x8xf16>
  return %o : tensor<1x1x4x8xf16>
}

/// Nor do the memory-bound kinds.
// ROWWISE: error: 'fused.kernel' op cannot run on the host: softmax kernels have no host form; run them with --run (on the emulator when there is no GPU)
func.func @softmax(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %y = fused.softmax %x axis = -1 : tensor<4x8xf32>
  return %y : tensor<4x8xf32>
}

// EXCLUSIVE: fused-compile: --emit, --run, --reference, --check-host and --cross-check-ptx are exclusive

/// An impossible tolerance makes the check fail with a non-zero exit.
// TIGHT: @gemm result 0: relative error {{.*}} (tolerance 1.0e-12, seed 1) FAIL
func.func @gemm(%a: tensor<32x40xf16>, %b: tensor<40x24xf16>) -> tensor<32x24xf32> {
  %c = fused.matmul %a, %b : tensor<32x40xf16>, tensor<40x24xf16> -> tensor<32x24xf32>
  return %c : tensor<32x24xf32>
}
