/// Element types code generation does not support yet get a diagnostic
/// (dynamic GEMM sizes compile); --entry picks the function to compile.
// RUN: not fused-compile --emit=ptx --entry=fp8_gemm %s 2>&1 | FileCheck %s --check-prefix=DTYPE
// RUN: fused-compile --emit=ptx --entry=dynamic_gemm %s | FileCheck %s --check-prefix=DYNAMIC
// RUN: fused-compile --emit=ptx --entry=gemm %s | FileCheck %s --check-prefix=ENTRY
// RUN: not fused-compile --emit=ptx --entry=nope %s 2>&1 | FileCheck %s --check-prefix=NOENTRY
// DTYPE: error: 'fused.kernel' op tensor-core code generation supports f16, bf16 and f32 matmul operands, got 'f8E4M3FN'
// DYNAMIC: .entry dynamic_gemm_gemm(
// ENTRY: .entry gemm_gemm(
// ENTRY-NOT: .entry
// NOENTRY: error: no function named @nope in the input

func.func @fp8_gemm(%a: tensor<32x32xf8E4M3FN>, %b: tensor<32x32xf8E4M3FN>) -> tensor<32x32xf32> {
  %c = fused.matmul %a, %b : tensor<32x32xf8E4M3FN>, tensor<32x32xf8E4M3FN> -> tensor<32x32xf32>
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
