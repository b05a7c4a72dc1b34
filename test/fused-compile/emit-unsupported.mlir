/// Element types code generation does not support yet get a diagnostic
/// (dynamic GEMM sizes compile); --entry picks the function to compile.
// RUN: not fused-compile --emit=ptx --entry=f32_gemm %s 2>&1 | FileCheck %s --check-prefix=DTYPE
// RUN: fused-compile --emit=ptx --entry=dynamic_gemm %s | FileCheck %s --check-prefix=DYNAMIC
// RUN: fused-compile --emit=ptx --entry=gemm %s | FileCheck %s --check-prefix=ENTRY
// RUN: not fused-compile --emit=ptx --entry=nope %s 2>&1 | FileCheck %s --check-prefix=NOENTRY
// DTYPE: error: 'fused.kernel' op tensor-core code generation supports f16 and bf16 matmul operands, got 'f32'
// DYNAMIC: .entry dynamic_gemm_gemm(
// ENTRY: .entry gemm_gemm(
// ENTRY-NOT: .entry
// NOENTRY: error: no function named @nope in the input

func.func @f32_gemm(%a: tensor<32x32xf32>, %b: tensor<32x32xf32>) -> tensor<32x32xf32> {
  %c = fused.matmul %a, %b : tensor<32x32xf32>, tensor<32x32xf32> -> tensor<32x32xf32>
  return %c : tensor<32x32xf32>
}

func.func @dynamic_gemm(%a: tensor<?x32xf16>, %b: tensor<32x?xf16>) -> tensor<?x?xf32> {
  %c = fused.matmul %a, %b : tensor<?x32xf16>, tensor<32x?xf16> -> tensor<?x?xf32>
  return %c : tensor<?x?xf32>
}

func.func @gemm(%a: tensor<32x32xf16>, %b: tensor<32x32xf16>) -> tensor<32x32xf32> {
  %c = fused.matmul %a, %b : tensor<32x32xf16>, tensor<32x32xf16> -> tensor<32x32xf32>
  return %c : tensor<32x32xf32>
}
