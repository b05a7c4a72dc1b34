// RUN: fused-opt %s -split-input-file -verify-diagnostics

//===----------------------------------------------------------------------===//
// fused.matmul
//===----------------------------------------------------------------------===//

/// 'a' must be at least a matrix.
func.func @matmul_a_rank1(%a: tensor<8xf16>, %b: tensor<8x4xf16>) -> tensor<4xf32> {
  // expected-error @+1 {{operand 'a' must have rank >= 2, got rank 1 [8]}}
  %0 = fused.matmul %a, %b : tensor<8xf16>, tensor<8x4xf16> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

/// 'b' must be at least a matrix (a rank-0 tensor is reported as `[]`).
func.func @matmul_b_rank0(%a: tensor<4x8xf16>, %b: tensor<f16>) -> tensor<4x8xf32> {
  // expected-error @+1 {{operand 'b' must have rank >= 2, got rank 0 []}}
  %0 = fused.matmul %a, %b : tensor<4x8xf16>, tensor<f16> -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

/// Integer operands are not supported.
func.func @matmul_a_i32(%a: tensor<4x8xi32>, %b: tensor<8x4xi32>) -> tensor<4x4xf32> {
  // expected-error @+1 {{'a' has unsupported element type 'i32'; expected f16, bf16, f32, f8E4M3FN or f8E5M2}}
  %0 = fused.matmul %a, %b : tensor<4x8xi32>, tensor<8x4xi32> -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

/// f64 operands are not supported; the check names 'b'.
func.func @matmul_b_f64(%a: tensor<4x8xf32>, %b: tensor<8x4xf64>) -> tensor<4x4xf32> {
  // expected-error @+1 {{'b' has unsupported element type 'f64'; expected f16, bf16, f32, f8E4M3FN or f8E5M2}}
  %0 = fused.matmul %a, %b : tensor<4x8xf32>, tensor<8x4xf64> -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

/// fp8 is a storage type for operands only: the result must be a compute
/// float.
func.func @matmul_result_fp8(%a: tensor<4x8xf8E4M3FN>, %b: tensor<8x4xf8E4M3FN>) -> tensor<4x4xf8E4M3FN> {
  // expected-error @+1 {{'result' has unsupported element type 'f8E4M3FN'; expected f16, bf16 or f32}}
  %0 = fused.matmul %a, %b : tensor<4x8xf8E4M3FN>, tensor<8x4xf8E4M3FN> -> tensor<4x4xf8E4M3FN>
  return %0 : tensor<4x4xf8E4M3FN>
}

// -----

/// Operands of two different 16-bit types cannot be mixed.
func.func @matmul_mixed_f16_bf16(%a: tensor<4x8xf16>, %b: tensor<8x4xbf16>) -> tensor<4x4xf32> {
  // expected-error @+1 {{operands 'a' and 'b' must have the same element type (or both be 8-bit floats), got 'f16' and 'bf16'}}
  %0 = fused.matmul %a, %b : tensor<4x8xf16>, tensor<8x4xbf16> -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

/// Only two fp8 operands may differ in type; fp8 with f16 is rejected.
func.func @matmul_mixed_fp8_f16(%a: tensor<4x8xf8E5M2>, %b: tensor<8x4xf16>) -> tensor<4x4xf32> {
  // expected-error @+1 {{operands 'a' and 'b' must have the same element type (or both be 8-bit floats), got 'f8E5M2' and 'f16'}}
  %0 = fused.matmul %a, %b : tensor<4x8xf8E5M2>, tensor<8x4xf16> -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

/// The accumulator is f32 or f16, never bf16.
func.func @matmul_acc_bf16(%a: tensor<4x8xbf16>, %b: tensor<8x4xbf16>) -> tensor<4x4xbf16> {
  // expected-error @+1 {{accumulator type must be f32 or f16, got 'bf16'}}
  %0 = fused.matmul %a, %b {acc_type = bf16} : tensor<4x8xbf16>, tensor<8x4xbf16> -> tensor<4x4xbf16>
  return %0 : tensor<4x4xbf16>
}

// -----

/// A non-float accumulator type is rejected by the same check.
func.func @matmul_acc_i32(%a: tensor<4x8xf16>, %b: tensor<8x4xf16>) -> tensor<4x4xf32> {
  // expected-error @+1 {{accumulator type must be f32 or f16, got 'i32'}}
  %0 = fused.matmul %a, %b {acc_type = i32} : tensor<4x8xf16>, tensor<8x4xf16> -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

/// An f16 accumulator is only allowed for f16 operands.
func.func @matmul_acc_f16_bf16_operands(%a: tensor<4x8xbf16>, %b: tensor<8x4xbf16>) -> tensor<4x4xbf16> {
  // expected-error @+1 {{accumulator type f16 requires f16 operands, got 'bf16'}}
  %0 = fused.matmul %a, %b {acc_type = f16} : tensor<4x8xbf16>, tensor<8x4xbf16> -> tensor<4x4xbf16>
  return %0 : tensor<4x4xbf16>
}

// -----

/// An f16 accumulator is not allowed for fp8 operands either.
func.func @matmul_acc_f16_fp8_operands(%a: tensor<4x8xf8E4M3FN>, %b: tensor<8x4xf8E4M3FN>) -> tensor<4x4xf16> {
  // expected-error @+1 {{accumulator type f16 requires f16 operands, got 'f8E4M3FN'}}
  %0 = fused.matmul %a, %b {acc_type = f16} : tensor<4x8xf8E4M3FN>, tensor<8x4xf8E4M3FN> -> tensor<4x4xf16>
  return %0 : tensor<4x4xf16>
}

// -----

/// `acc_type` must be a type, not an integer.
func.func @matmul_acc_not_a_type(%a: tensor<4x8xf16>, %b: tensor<8x4xf16>) -> tensor<4x4xf32> {
  // expected-error @+1 {{attribute 'acc_type' failed to satisfy constraint: any type attribute}}
  %0 = fused.matmul %a, %b {acc_type = 3 : i32} : tensor<4x8xf16>, tensor<8x4xf16> -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

/// K of 'a' (its last dimension) must equal K of 'b' (its first).
func.func @matmul_k_mismatch(%a: tensor<4x8xf16>, %b: tensor<16x4xf16>) -> tensor<4x4xf32> {
  // expected-error @+1 {{contraction dimension mismatch: 'a' [4, 8] has K = 8 (dim 1) but 'b' [16, 4] has K = 16 (dim 0)}}
  %0 = fused.matmul %a, %b : tensor<4x8xf16>, tensor<16x4xf16> -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

/// With both transposes K moves: it is dim 1 of a batched 'a' and the last
/// dim of 'b'; the message names the dims that were compared.
func.func @matmul_k_mismatch_transposed(%a: tensor<2x8x4xf16>, %b: tensor<4x16xf16>) -> tensor<2x4x4xf32> {
  // expected-error @+1 {{contraction dimension mismatch: 'a' [2, 8, 4] has K = 8 (dim 1) but 'b' [4, 16] has K = 16 (dim 1)}}
  %0 = fused.matmul %a, %b {transpose_a, transpose_b} : tensor<2x8x4xf16>, tensor<4x16xf16> -> tensor<2x4x4xf32>
  return %0 : tensor<2x4x4xf32>
}

// -----

/// Batch dimensions 3 and 5 do not broadcast.
func.func @matmul_batch_not_broadcastable(%a: tensor<3x4x8xf16>, %b: tensor<5x8x4xf16>) -> tensor<3x4x4xf32> {
  // expected-error @+1 {{batch dimensions of 'a' [3] and 'b' [5] are not broadcastable}}
  %0 = fused.matmul %a, %b : tensor<3x4x8xf16>, tensor<5x8x4xf16> -> tensor<3x4x4xf32>
  return %0 : tensor<3x4x4xf32>
}

// -----

/// The result is [M, N], here [4, 2] and not [4, 8].
func.func @matmul_result_shape(%a: tensor<4x8xf32>, %b: tensor<8x2xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{expected result shape [4, 2] ([batch..., M, N]), got [4, 8]}}
  %0 = fused.matmul %a, %b : tensor<4x8xf32>, tensor<8x2xf32> -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

/// The result keeps the broadcast batch dimensions.
func.func @matmul_result_missing_batch(%a: tensor<2x1x4x8xf16>, %b: tensor<3x8x4xf16>) -> tensor<4x4xf32> {
  // expected-error @+1 {{expected result shape [2, 3, 4, 4] ([batch..., M, N]), got [4, 4]}}
  %0 = fused.matmul %a, %b : tensor<2x1x4x8xf16>, tensor<3x8x4xf16> -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

//===----------------------------------------------------------------------===//
// fused.attention
//===----------------------------------------------------------------------===//

/// The query must be [B, Hq, Sq, D]; a head-less rank-3 query is rejected.
func.func @attention_query_rank3(%q: tensor<8x128x64xf16>, %k: tensor<2x8x128x64xf16>, %v: tensor<2x8x128x64xf16>) -> tensor<2x8x128x64xf16> {
  // expected-error @+1 {{'query' must have rank 4 [B, Hq, Sq, D], got rank 3 [8, 128, 64]}}
  %0 = fused.attention %q, %k, %v : tensor<8x128x64xf16>, tensor<2x8x128x64xf16>, tensor<2x8x128x64xf16> -> tensor<2x8x128x64xf16>
  return %0 : tensor<2x8x128x64xf16>
}

// -----

/// The key must be [B, Hkv, Skv, D].
func.func @attention_key_rank5(%q: tensor<2x8x128x64xf16>, %k: tensor<1x2x8x128x64xf16>, %v: tensor<2x8x128x64xf16>) -> tensor<2x8x128x64xf16> {
  // expected-error @+1 {{'key' must have rank 4 [B, Hkv, Skv, D], got rank 5 [1, 2, 8, 128, 64]}}
  %0 = fused.attention %q, %k, %v : tensor<2x8x128x64xf16>, tensor<1x2x8x128x64xf16>, tensor<2x8x128x64xf16> -> tensor<2x8x128x64xf16>
  return %0 : tensor<2x8x128x64xf16>
}

// -----

/// The value must be [B, Hkv, Skv, Dv].
func.func @attention_value_rank2(%q: tensor<2x8x128x64xf16>, %k: tensor<2x8x128x64xf16>, %v: tensor<128x64xf16>) -> tensor<2x8x128x64xf16> {
  // expected-error @+1 {{'value' must have rank 4 [B, Hkv, Skv, Dv], got rank 2 [128, 64]}}
  %0 = fused.attention %q, %k, %v : tensor<2x8x128x64xf16>, tensor<2x8x128x64xf16>, tensor<128x64xf16> -> tensor<2x8x128x64xf16>
  return %0 : tensor<2x8x128x64xf16>
}

// -----

/// Integer queries are not supported.
func.func @attention_query_i32(%q: tensor<1x2x4x8xi32>, %k: tensor<1x2x4x8xi32>, %v: tensor<1x2x4x8xi32>) -> tensor<1x2x4x8xf32> {
  // expected-error @+1 {{'query' has unsupported element type 'i32'; expected f16, bf16 or f32}}
  %0 = fused.attention %q, %k, %v : tensor<1x2x4x8xi32>, tensor<1x2x4x8xi32>, tensor<1x2x4x8xi32> -> tensor<1x2x4x8xf32>
  return %0 : tensor<1x2x4x8xf32>
}

// -----

/// f64 keys are not supported; the type check runs before the
/// same-element-type check and names 'key'.
func.func @attention_key_f64(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x4x8xf64>, %v: tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf32> {
  // expected-error @+1 {{'key' has unsupported element type 'f64'; expected f16, bf16 or f32}}
  %0 = fused.attention %q, %k, %v : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf64>, tensor<1x2x4x8xf32> -> tensor<1x2x4x8xf32>
  return %0 : tensor<1x2x4x8xf32>
}

// -----

/// Unlike matmul, attention takes no fp8 operand.
func.func @attention_value_fp8(%q: tensor<1x2x4x8xf16>, %k: tensor<1x2x4x8xf16>, %v: tensor<1x2x4x8xf8E4M3FN>) -> tensor<1x2x4x8xf16> {
  // expected-error @+1 {{'value' has unsupported element type 'f8E4M3FN'; expected f16, bf16 or f32}}
  %0 = fused.attention %q, %k, %v : tensor<1x2x4x8xf16>, tensor<1x2x4x8xf16>, tensor<1x2x4x8xf8E4M3FN> -> tensor<1x2x4x8xf16>
  return %0 : tensor<1x2x4x8xf16>
}

// -----

/// The output must be a compute float too.
func.func @attention_output_f64(%q: tensor<1x2x4x8xf32>, %k: tensor<1x2x4x8xf32>, %v: tensor<1x2x4x8xf32>) -> tensor<1x2x4x8xf64> {
  // expected-error @+1 {{'output' has unsupported element type 'f64'; expected f16, bf16 or f32}}
  %0 = fused.attention %q, %k, %v : tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32>, tensor<1x2x4x8xf32> -> tensor<1x2x4x8xf64>
  return %0 : tensor<1x2x4x8xf64>
}

// -----

/// Query, key and value share one element type.
func.func @attention_element_type_mismatch(%q: tensor<1x2x4x8xf16>, %k: tensor<1x2x4x8xbf16>, %v: tensor<1x2x4x8xf16>) -> tensor<1x2x4x8xf16> {
  // expected-error @+1 {{'query', 'key' and 'value' must have one element type, got 'f16', 'bf16' and 'f16'}}
  %0 = fused.attention %q, %k, %v : tensor<1x2x4x8xf16>, tensor<1x2x4x8xbf16>, tensor<1x2x4x8xf16> -> tensor<1x2x4x8xf16>
  return %0 : tensor<1x2x4x8xf16>
}

// -----

/// The batch size B does not broadcast between query and key/value.
func.func @attention_batch_mismatch(%q: tensor<2x8x128x64xf16>, %k: tensor<3x8x128x64xf16>, %v: tensor<3x8x128x64xf16>) -> tensor<2x8x128x64xf16> {
  // expected-error @+1 {{batch size mismatch: 'query' has B = 2, 'key' has B = 3, 'value' has B = 3}}
  %0 = fused.attention %q, %k, %v : tensor<2x8x128x64xf16>, tensor<3x8x128x64xf16>, tensor<3x8x128x64xf16> -> tensor<2x8x128x64xf16>
  return %0 : tensor<2x8x128x64xf16>
}

// -----

/// Key and value must have the same number of heads Hkv.
func.func @attention_key_value_heads(%q: tensor<2x8x128x64xf16>, %k: tensor<2x2x128x64xf16>, %v: tensor<2x4x128x64xf16>) -> tensor<2x8x128x64xf16> {
  // expected-error @+1 {{'key' has Hkv = 2 heads but 'value' has 4}}
  %0 = fused.attention %q, %k, %v : tensor<2x8x128x64xf16>, tensor<2x2x128x64xf16>, tensor<2x4x128x64xf16> -> tensor<2x8x128x64xf16>
  return %0 : tensor<2x8x128x64xf16>
}

// -----

/// GQA needs Hq to be a multiple of Hkv: 8 query heads cannot share 3.
func.func @attention_heads_not_multiple(%q: tensor<2x8x128x64xf16>, %k: tensor<2x3x128x64xf16>, %v: tensor<2x3x128x64xf16>) -> tensor<2x8x128x64xf16> {
  // expected-error @+1 {{query heads Hq = 8 must be a multiple of key/value heads Hkv = 3}}
  %0 = fused.attention %q, %k, %v : tensor<2x8x128x64xf16>, tensor<2x3x128x64xf16>, tensor<2x3x128x64xf16> -> tensor<2x8x128x64xf16>
  return %0 : tensor<2x8x128x64xf16>
}

// -----

/// Zero key/value heads is rejected (and does not divide by zero).
func.func @attention_zero_kv_heads(%q: tensor<2x8x128x64xf16>, %k: tensor<2x0x128x64xf16>, %v: tensor<2x0x128x64xf16>) -> tensor<2x8x128x64xf16> {
  // expected-error @+1 {{'key' must have at least one head, got Hkv = 0}}
  %0 = fused.attention %q, %k, %v : tensor<2x8x128x64xf16>, tensor<2x0x128x64xf16>, tensor<2x0x128x64xf16> -> tensor<2x8x128x64xf16>
  return %0 : tensor<2x8x128x64xf16>
}

// -----

/// Query and key must have the same head dimension D.
func.func @attention_head_dim_mismatch(%q: tensor<2x8x128x64xf16>, %k: tensor<2x8x128x32xf16>, %v: tensor<2x8x128x64xf16>) -> tensor<2x8x128x64xf16> {
  // expected-error @+1 {{head dimension mismatch: 'query' has D = 64 but 'key' has D = 32}}
  %0 = fused.attention %q, %k, %v : tensor<2x8x128x64xf16>, tensor<2x8x128x32xf16>, tensor<2x8x128x64xf16> -> tensor<2x8x128x64xf16>
  return %0 : tensor<2x8x128x64xf16>
}

// -----

/// Key and value must have the same sequence length Skv.
func.func @attention_seq_mismatch(%q: tensor<2x8x128x64xf16>, %k: tensor<2x8x256x64xf16>, %v: tensor<2x8x128x64xf16>) -> tensor<2x8x128x64xf16> {
  // expected-error @+1 {{sequence length mismatch: 'key' has Skv = 256 but 'value' has Skv = 128}}
  %0 = fused.attention %q, %k, %v : tensor<2x8x128x64xf16>, tensor<2x8x256x64xf16>, tensor<2x8x128x64xf16> -> tensor<2x8x128x64xf16>
  return %0 : tensor<2x8x128x64xf16>
}

// -----

/// The output head dimension is the value's Dv (32), not the query's D.
func.func @attention_output_shape(%q: tensor<2x8x128x64xf16>, %k: tensor<2x8x256x64xf16>, %v: tensor<2x8x256x32xf16>) -> tensor<2x8x128x64xf16> {
  // expected-error @+1 {{expected output shape [2, 8, 128, 32] ([B, Hq, Sq, Dv]), got [2, 8, 128, 64]}}
  %0 = fused.attention %q, %k, %v : tensor<2x8x128x64xf16>, tensor<2x8x256x64xf16>, tensor<2x8x256x32xf16> -> tensor<2x8x128x64xf16>
  return %0 : tensor<2x8x128x64xf16>
}

// -----

/// With GQA the output has the query's heads Hq, not Hkv.
func.func @attention_output_kv_heads(%q: tensor<2x8x128x64xf16>, %k: tensor<2x2x256x64xf16>, %v: tensor<2x2x256x64xf16>) -> tensor<2x2x128x64xf16> {
  // expected-error @+1 {{expected output shape [2, 8, 128, 64] ([B, Hq, Sq, Dv]), got [2, 2, 128, 64]}}
  %0 = fused.attention %q, %k, %v : tensor<2x8x128x64xf16>, tensor<2x2x256x64xf16>, tensor<2x2x256x64xf16> -> tensor<2x2x128x64xf16>
  return %0 : tensor<2x2x128x64xf16>
}

// -----

/// Dynamic sizes are printed as `?` and only static sizes are compared: the
/// output has 4 heads where the query has 8.
func.func @attention_output_shape_dynamic(%q: tensor<?x8x?x64xf16>, %k: tensor<?x8x?x64xf16>, %v: tensor<?x8x?x64xf16>) -> tensor<?x4x?x64xf16> {
  // expected-error @+1 {{expected output shape [?, 8, ?, 64] ([B, Hq, Sq, Dv]), got [?, 4, ?, 64]}}
  %0 = fused.attention %q, %k, %v : tensor<?x8x?x64xf16>, tensor<?x8x?x64xf16>, tensor<?x8x?x64xf16> -> tensor<?x4x?x64xf16>
  return %0 : tensor<?x4x?x64xf16>
}

// -----

/// The logsumexp has one value per query row: [B, Hq, Sq].
func.func @attention_lse_shape(%q: tensor<2x8x128x64xf16>, %k: tensor<2x8x256x64xf16>, %v: tensor<2x8x256x64xf16>) -> (tensor<2x8x128x64xf16>, tensor<2x8x256xf32>) {
  // expected-error @+1 {{expected 'lse' shape [2, 8, 128] ([B, Hq, Sq]), got [2, 8, 256]}}
  %o, %lse = fused.attention %q, %k, %v : tensor<2x8x128x64xf16>, tensor<2x8x256x64xf16>, tensor<2x8x256x64xf16> -> tensor<2x8x128x64xf16>, tensor<2x8x256xf32>
  return %o, %lse : tensor<2x8x128x64xf16>, tensor<2x8x256xf32>
}

// -----

/// The logsumexp is always f32, even for f16 inputs.
func.func @attention_lse_type(%q: tensor<2x8x128x64xf16>, %k: tensor<2x8x256x64xf16>, %v: tensor<2x8x256x64xf16>) -> (tensor<2x8x128x64xf16>, tensor<2x8x128xf16>) {
  // expected-error @+1 {{'lse' must have element type f32, got 'f16'}}
  %o, %lse = fused.attention %q, %k, %v : tensor<2x8x128x64xf16>, tensor<2x8x256x64xf16>, tensor<2x8x256x64xf16> -> tensor<2x8x128x64xf16>, tensor<2x8x128xf16>
  return %o, %lse : tensor<2x8x128x64xf16>, tensor<2x8x128xf16>
}

// -----

/// A bias of rank 5 cannot broadcast to the rank-4 scores.
func.func @attention_bias_rank5(%q: tensor<2x8x128x64xf16>, %k: tensor<2x8x256x64xf16>, %v: tensor<2x8x256x64xf16>, %bias: tensor<1x2x8x128x256xf16>) -> tensor<2x8x128x64xf16> {
  // expected-error @+1 {{'bias' [1, 2, 8, 128, 256] has rank 5; it must broadcast to [B, Hq, Sq, Skv] = [2, 8, 128, 256]}}
  %0 = fused.attention %q, %k, %v bias(%bias : tensor<1x2x8x128x256xf16>) : tensor<2x8x128x64xf16>, tensor<2x8x256x64xf16>, tensor<2x8x256x64xf16> -> tensor<2x8x128x64xf16>
  return %0 : tensor<2x8x128x64xf16>
}

// -----

/// A [Sq, Sq] bias does not fit scores of [Sq, Skv] when Skv != Sq.
func.func @attention_bias_not_broadcastable(%q: tensor<2x8x128x64xf16>, %k: tensor<2x8x256x64xf16>, %v: tensor<2x8x256x64xf16>, %bias: tensor<128x128xf16>) -> tensor<2x8x128x64xf16> {
  // expected-error @+1 {{'bias' [128, 128] is not broadcastable to [B, Hq, Sq, Skv] = [2, 8, 128, 256]: its dimension 1 (size 128) aligns with Skv = 256 and must be 1 or 256}}
  %0 = fused.attention %q, %k, %v bias(%bias : tensor<128x128xf16>) : tensor<2x8x128x64xf16>, tensor<2x8x256x64xf16>, tensor<2x8x256x64xf16> -> tensor<2x8x128x64xf16>
  return %0 : tensor<2x8x128x64xf16>
}

// -----

/// A per-KV-head bias [B, Hkv, 1, Skv] does not broadcast over Hq query
/// heads.
func.func @attention_bias_kv_heads(%q: tensor<2x8x128x64xf16>, %k: tensor<2x2x256x64xf16>, %v: tensor<2x2x256x64xf16>, %bias: tensor<2x2x1x256xf16>) -> tensor<2x8x128x64xf16> {
  // expected-error @+1 {{'bias' [2, 2, 1, 256] is not broadcastable to [B, Hq, Sq, Skv] = [2, 8, 128, 256]: its dimension 1 (size 2) aligns with Hq = 8 and must be 1 or 8}}
  %0 = fused.attention %q, %k, %v bias(%bias : tensor<2x2x1x256xf16>) : tensor<2x8x128x64xf16>, tensor<2x2x256x64xf16>, tensor<2x2x256x64xf16> -> tensor<2x8x128x64xf16>
  return %0 : tensor<2x8x128x64xf16>
}

// -----

/// A boolean mask is not an additive bias: it must be a float tensor.
func.func @attention_bias_i1(%q: tensor<2x8x128x64xf16>, %k: tensor<2x8x256x64xf16>, %v: tensor<2x8x256x64xf16>, %bias: tensor<128x256xi1>) -> tensor<2x8x128x64xf16> {
  // expected-error @+1 {{'bias' has unsupported element type 'i1'; expected f16, bf16 or f32}}
  %0 = fused.attention %q, %k, %v bias(%bias : tensor<128x256xi1>) : tensor<2x8x128x64xf16>, tensor<2x8x256x64xf16>, tensor<2x8x256x64xf16> -> tensor<2x8x128x64xf16>
  return %0 : tensor<2x8x128x64xf16>
}

// -----

/// An infinite scale (f32 bit pattern of +inf) is rejected.
func.func @attention_scale_inf(%q: tensor<1x2x4x8xf16>, %k: tensor<1x2x4x8xf16>, %v: tensor<1x2x4x8xf16>) -> tensor<1x2x4x8xf16> {
  // expected-error @+1 {{'scale' must be finite, got INF}}
  %0 = fused.attention %q, %k, %v {scale = 0x7F800000 : f32} : tensor<1x2x4x8xf16>, tensor<1x2x4x8xf16>, tensor<1x2x4x8xf16> -> tensor<1x2x4x8xf16>
  return %0 : tensor<1x2x4x8xf16>
}

// -----

/// A NaN scale is rejected.
func.func @attention_scale_nan(%q: tensor<1x2x4x8xf16>, %k: tensor<1x2x4x8xf16>, %v: tensor<1x2x4x8xf16>) -> tensor<1x2x4x8xf16> {
  // expected-error @+1 {{'scale' must be finite, got nan}}
  %0 = fused.attention %q, %k, %v {scale = 0x7FC00000 : f32} : tensor<1x2x4x8xf16>, tensor<1x2x4x8xf16>, tensor<1x2x4x8xf16> -> tensor<1x2x4x8xf16>
  return %0 : tensor<1x2x4x8xf16>
}

// -----

/// A decimal literal beyond the f32 range rounds to infinity when parsed and
/// is caught by the same check.
func.func @attention_scale_overflow(%q: tensor<1x2x4x8xf16>, %k: tensor<1x2x4x8xf16>, %v: tensor<1x2x4x8xf16>) -> tensor<1x2x4x8xf16> {
  // expected-error @+1 {{'scale' must be finite, got INF}}
  %0 = fused.attention %q, %k, %v {scale = 1.0e39 : f32} : tensor<1x2x4x8xf16>, tensor<1x2x4x8xf16>, tensor<1x2x4x8xf16> -> tensor<1x2x4x8xf16>
  return %0 : tensor<1x2x4x8xf16>
}

// -----

/// `scale` is an f32 attribute; an f64 one is rejected.
func.func @attention_scale_f64(%q: tensor<1x2x4x8xf16>, %k: tensor<1x2x4x8xf16>, %v: tensor<1x2x4x8xf16>) -> tensor<1x2x4x8xf16> {
  // expected-error @+1 {{attribute 'scale' failed to satisfy constraint: 32-bit float attribute}}
  %0 = fused.attention %q, %k, %v {scale = 1.0 : f64} : tensor<1x2x4x8xf16>, tensor<1x2x4x8xf16>, tensor<1x2x4x8xf16> -> tensor<1x2x4x8xf16>
  return %0 : tensor<1x2x4x8xf16>
}

// -----

//===----------------------------------------------------------------------===//
// Unary elementwise ops
//===----------------------------------------------------------------------===//

/// fused.exp rejects integers.
func.func @exp_i32(%x: tensor<4xi32>) -> tensor<4xi32> {
  // expected-error @+1 {{'input' has unsupported element type 'i32'; expected f16, bf16 or f32}}
  %0 = fused.exp %x : tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

/// fused.tanh rejects f64.
func.func @tanh_f64(%x: tensor<4xf64>) -> tensor<4xf64> {
  // expected-error @+1 {{'input' has unsupported element type 'f64'; expected f16, bf16 or f32}}
  %0 = fused.tanh %x : tensor<4xf64>
  return %0 : tensor<4xf64>
}

// -----

/// fused.silu rejects fp8 (a storage-only type).
func.func @silu_fp8(%x: tensor<4xf8E4M3FN>) -> tensor<4xf8E4M3FN> {
  // expected-error @+1 {{'input' has unsupported element type 'f8E4M3FN'; expected f16, bf16 or f32}}
  %0 = fused.silu %x : tensor<4xf8E4M3FN>
  return %0 : tensor<4xf8E4M3FN>
}

// -----

/// fused.sigmoid rejects f64.
func.func @sigmoid_f64(%x: tensor<4xf64>) -> tensor<4xf64> {
  // expected-error @+1 {{'input' has unsupported element type 'f64'; expected f16, bf16 or f32}}
  %0 = fused.sigmoid %x : tensor<4xf64>
  return %0 : tensor<4xf64>
}

// -----

/// fused.relu rejects integers.
func.func @relu_i8(%x: tensor<4xi8>) -> tensor<4xi8> {
  // expected-error @+1 {{'input' has unsupported element type 'i8'; expected f16, bf16 or f32}}
  %0 = fused.relu %x : tensor<4xi8>
  return %0 : tensor<4xi8>
}

// -----

/// fused.neg rejects fp8.
func.func @neg_fp8(%x: tensor<4xf8E5M2>) -> tensor<4xf8E5M2> {
  // expected-error @+1 {{'input' has unsupported element type 'f8E5M2'; expected f16, bf16 or f32}}
  %0 = fused.neg %x : tensor<4xf8E5M2>
  return %0 : tensor<4xf8E5M2>
}

// -----

/// fused.rsqrt rejects f64.
func.func @rsqrt_f64(%x: tensor<4xf64>) -> tensor<4xf64> {
  // expected-error @+1 {{'input' has unsupported element type 'f64'; expected f16, bf16 or f32}}
  %0 = fused.rsqrt %x : tensor<4xf64>
  return %0 : tensor<4xf64>
}

// -----

/// fused.gelu rejects integers.
func.func @gelu_i32(%x: tensor<4xi32>) -> tensor<4xi32> {
  // expected-error @+1 {{'input' has unsupported element type 'i32'; expected f16, bf16 or f32}}
  %0 = fused.gelu erf %x : tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

/// The generic form can spell a result type unlike the input; unary ops
/// keep the type.
func.func @unary_type_mismatch(%x: tensor<4x8xf16>) -> tensor<4x8xf32> {
  // expected-error @+1 {{'fused.exp' op failed to verify that all of {input, result} have same type}}
  %0 = "fused.exp"(%x) : (tensor<4x8xf16>) -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

/// Elementwise ops take ranked tensors only.
func.func @unary_unranked(%x: tensor<*xf16>) -> tensor<*xf16> {
  // expected-error @+1 {{invalid kind of type specified: expected builtin.tensor, but found 'tensor<*xf16>'}}
  %0 = fused.exp %x : tensor<*xf16>
  return %0 : tensor<*xf16>
}

// -----

/// gelu has two approximations, `erf` and `tanh`; an unknown keyword is a
/// parse error that lists them.
func.func @gelu_unknown_approximation(%x: tensor<4xf16>) -> tensor<4xf16> {
  // expected-error @+1 {{custom op 'fused.gelu' expected string or keyword containing one of the following enum values for attribute 'approximate' [erf, tanh]}}
  %0 = fused.gelu fast %x : tensor<4xf16>
  return %0 : tensor<4xf16>
}

// -----

/// The approximation keyword is not optional.
func.func @gelu_missing_approximation(%x: tensor<4xf16>) -> tensor<4xf16> {
  // expected-error @+1 {{expected string or keyword containing one of the following enum values for attribute 'approximate' [erf, tanh]}}
  %0 = fused.gelu %x : tensor<4xf16>
  return %0 : tensor<4xf16>
}

// -----

/// A misspelt op name is reported as unknown.
func.func @unknown_op(%x: tensor<4xf16>) -> tensor<4xf16> {
  // expected-error @+1 {{custom op 'fused.gelu_tanh' is unknown}}
  %0 = fused.gelu_tanh %x : tensor<4xf16>
  return %0 : tensor<4xf16>
}

// -----

//===----------------------------------------------------------------------===//
// fused.cast
//===----------------------------------------------------------------------===//

/// A cast converts elements; it cannot reshape.
func.func @cast_shape_mismatch(%x: tensor<4x8xf32>) -> tensor<8x4xf16> {
  // expected-error @+1 {{'result' shape [8, 4] must equal 'input' shape [4, 8]}}
  %0 = fused.cast %x : tensor<4x8xf32> to tensor<8x4xf16>
  return %0 : tensor<8x4xf16>
}

// -----

/// A cast cannot change the rank either.
func.func @cast_rank_mismatch(%x: tensor<4x8xf32>) -> tensor<32xf16> {
  // expected-error @+1 {{'result' shape [32] must equal 'input' shape [4, 8]}}
  %0 = fused.cast %x : tensor<4x8xf32> to tensor<32xf16>
  return %0 : tensor<32xf16>
}

// -----

/// Casts are between floats; an integer source is rejected.
func.func @cast_input_i32(%x: tensor<4xi32>) -> tensor<4xf32> {
  // expected-error @+1 {{'input' has unsupported element type 'i32'; expected f16, bf16, f32, f8E4M3FN or f8E5M2}}
  %0 = fused.cast %x : tensor<4xi32> to tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

/// f64 is not a supported destination.
func.func @cast_result_f64(%x: tensor<4xf32>) -> tensor<4xf64> {
  // expected-error @+1 {{'result' has unsupported element type 'f64'; expected f16, bf16, f32, f8E4M3FN or f8E5M2}}
  %0 = fused.cast %x : tensor<4xf32> to tensor<4xf64>
  return %0 : tensor<4xf64>
}

// -----

/// Only the two OCP fp8 formats are supported, not the FNUZ variants.
func.func @cast_result_f8E4M3FNUZ(%x: tensor<4xf16>) -> tensor<4xf8E4M3FNUZ> {
  // expected-error @+1 {{'result' has unsupported element type 'f8E4M3FNUZ'; expected f16, bf16, f32, f8E4M3FN or f8E5M2}}
  %0 = fused.cast %x : tensor<4xf16> to tensor<4xf8E4M3FNUZ>
  return %0 : tensor<4xf8E4M3FNUZ>
}

// -----

//===----------------------------------------------------------------------===//
// Binary elementwise ops
//===----------------------------------------------------------------------===//

/// The lhs of fused.add must be a compute float.
func.func @add_lhs_i32(%l: tensor<4xi32>, %r: tensor<4xi32>) -> tensor<4xi32> {
  // expected-error @+1 {{'lhs' has unsupported element type 'i32'; expected f16, bf16 or f32}}
  %0 = fused.add %l, %r : tensor<4xi32>, tensor<4xi32> -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

/// The rhs of fused.sub must not be fp8.
func.func @sub_rhs_fp8(%l: tensor<4xf16>, %r: tensor<4xf8E4M3FN>) -> tensor<4xf16> {
  // expected-error @+1 {{'rhs' has unsupported element type 'f8E4M3FN'; expected f16, bf16 or f32}}
  %0 = fused.sub %l, %r : tensor<4xf16>, tensor<4xf8E4M3FN> -> tensor<4xf16>
  return %0 : tensor<4xf16>
}

// -----

/// There is no implicit promotion between lhs and rhs.
func.func @mul_element_type_mismatch(%l: tensor<4xf16>, %r: tensor<4xf32>) -> tensor<4xf16> {
  // expected-error @+1 {{'lhs', 'rhs' and 'result' must have one element type, got 'f16', 'f32' and 'f16'}}
  %0 = fused.mul %l, %r : tensor<4xf16>, tensor<4xf32> -> tensor<4xf16>
  return %0 : tensor<4xf16>
}

// -----

/// The result has the operands' element type; a wider result is rejected.
func.func @div_result_type_mismatch(%l: tensor<4xbf16>, %r: tensor<4xbf16>) -> tensor<4xf32> {
  // expected-error @+1 {{'lhs', 'rhs' and 'result' must have one element type, got 'bf16', 'bf16' and 'f32'}}
  %0 = fused.div %l, %r : tensor<4xbf16>, tensor<4xbf16> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

/// Sizes 8 and 6 do not broadcast; the message names the result dimension.
func.func @max_not_broadcastable(%l: tensor<4x8xf32>, %r: tensor<4x6xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{'lhs' [4, 8] and 'rhs' [4, 6] are not broadcastable (result dimension 1)}}
  %0 = fused.max %l, %r : tensor<4x8xf32>, tensor<4x6xf32> -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

/// Operands of different ranks align on trailing dimensions: [3, 4] against
/// [2, 3, 5] fails in result dimension 2.
func.func @min_not_broadcastable_ranks(%l: tensor<3x4xf16>, %r: tensor<2x3x5xf16>) -> tensor<2x3x4xf16> {
  // expected-error @+1 {{'lhs' [3, 4] and 'rhs' [2, 3, 5] are not broadcastable (result dimension 2)}}
  %0 = fused.min %l, %r : tensor<3x4xf16>, tensor<2x3x5xf16> -> tensor<2x3x4xf16>
  return %0 : tensor<2x3x4xf16>
}

// -----

/// The result must be the broadcast shape, not one of the operand shapes.
func.func @add_result_shape(%l: tensor<4x1xf32>, %r: tensor<8xf32>) -> tensor<4x1xf32> {
  // expected-error @+1 {{expected result shape [4, 8] (the broadcast of 'lhs' and 'rhs'), got [4, 1]}}
  %0 = fused.add %l, %r : tensor<4x1xf32>, tensor<8xf32> -> tensor<4x1xf32>
  return %0 : tensor<4x1xf32>
}

// -----

/// The result cannot add leading dimensions beyond the broadcast.
func.func @sub_result_rank(%l: tensor<4x8xf32>, %r: tensor<8xf32>) -> tensor<1x4x8xf32> {
  // expected-error @+1 {{expected result shape [4, 8] (the broadcast of 'lhs' and 'rhs'), got [1, 4, 8]}}
  %0 = fused.sub %l, %r : tensor<4x8xf32>, tensor<8xf32> -> tensor<1x4x8xf32>
  return %0 : tensor<1x4x8xf32>
}

// -----

//===----------------------------------------------------------------------===//
// fused.softmax
//===----------------------------------------------------------------------===//

/// Softmax computes in a compute float; fp8 is rejected.
func.func @softmax_fp8(%x: tensor<4x8xf8E4M3FN>) -> tensor<4x8xf8E4M3FN> {
  // expected-error @+1 {{'input' has unsupported element type 'f8E4M3FN'; expected f16, bf16 or f32}}
  %0 = fused.softmax %x axis = -1 : tensor<4x8xf8E4M3FN>
  return %0 : tensor<4x8xf8E4M3FN>
}

// -----

/// Axis 2 is out of range for a rank-2 input.
func.func @softmax_axis_too_large(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{axis 2 is out of range for 'input' of rank 2 (expected -2 <= axis < 2)}}
  %0 = fused.softmax %x axis = 2 : tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

/// Axis -3 is out of range for a rank-2 input.
func.func @softmax_axis_too_small(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{axis -3 is out of range for 'input' of rank 2 (expected -2 <= axis < 2)}}
  %0 = fused.softmax %x axis = -3 : tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

/// A rank-0 tensor has no axis to normalise along.
func.func @softmax_rank0(%x: tensor<f32>) -> tensor<f32> {
  // expected-error @+1 {{'input' must have rank >= 1, got a rank-0 tensor}}
  %0 = fused.softmax %x axis = 0 : tensor<f32>
  return %0 : tensor<f32>
}

// -----

/// The axis is mandatory.
func.func @softmax_missing_axis(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{custom op 'fused.softmax' expected 'axis'}}
  %0 = fused.softmax %x : tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

//===----------------------------------------------------------------------===//
// fused.reduce_sum / fused.reduce_max
//===----------------------------------------------------------------------===//

/// Reductions reject integer inputs.
func.func @reduce_sum_i32(%x: tensor<4x8xi32>) -> tensor<4xi32> {
  // expected-error @+1 {{'input' has unsupported element type 'i32'; expected f16, bf16 or f32}}
  %0 = fused.reduce_sum %x axis = 1 : tensor<4x8xi32> -> tensor<4xi32>
  return %0 : tensor<4xi32>
}

// -----

/// A positive axis out of range.
func.func @reduce_sum_axis_too_large(%x: tensor<2x4x8xf32>) -> tensor<2x4xf32> {
  // expected-error @+1 {{axis 3 is out of range for 'input' of rank 3 (expected -3 <= axis < 3)}}
  %0 = fused.reduce_sum %x axis = 3 : tensor<2x4x8xf32> -> tensor<2x4xf32>
  return %0 : tensor<2x4xf32>
}

// -----

/// A negative axis out of range.
func.func @reduce_max_axis_too_small(%x: tensor<4x8xf32>) -> tensor<4x1xf32> {
  // expected-error @+1 {{axis -3 is out of range for 'input' of rank 2 (expected -2 <= axis < 2)}}
  %0 = fused.reduce_max %x axis = -3 keepdim : tensor<4x8xf32> -> tensor<4x1xf32>
  return %0 : tensor<4x1xf32>
}

// -----

/// A rank-0 tensor has nothing to reduce.
func.func @reduce_max_rank0(%x: tensor<f32>) -> tensor<f32> {
  // expected-error @+1 {{'input' must have rank >= 1, got a rank-0 tensor}}
  %0 = fused.reduce_max %x axis = 0 : tensor<f32> -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

/// The sum is returned in the input element type, not a wider one.
func.func @reduce_sum_result_type(%x: tensor<4x8xf16>) -> tensor<4xf32> {
  // expected-error @+1 {{'result' element type 'f32' must equal 'input' element type 'f16'}}
  %0 = fused.reduce_sum %x axis = 1 : tensor<4x8xf16> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

/// With keepdim the reduced dimension stays as 1.
func.func @reduce_sum_keepdim_shape(%x: tensor<4x8xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{expected result shape [4, 1] (reducing axis 1 of [4, 8] with keepdim), got [4]}}
  %0 = fused.reduce_sum %x axis = 1 keepdim : tensor<4x8xf32> -> tensor<4xf32>
  return %0 : tensor<4xf32>
}

// -----

/// Without keepdim the reduced dimension is removed; the message reports the
/// normalised axis.
func.func @reduce_max_drop_shape(%x: tensor<4x8xbf16>) -> tensor<1x8xbf16> {
  // expected-error @+1 {{expected result shape [8] (reducing axis 0 of [4, 8]), got [1, 8]}}
  %0 = fused.reduce_max %x axis = -2 : tensor<4x8xbf16> -> tensor<1x8xbf16>
  return %0 : tensor<1x8xbf16>
}

// -----

//===----------------------------------------------------------------------===//
// fused.layernorm / fused.rmsnorm
//===----------------------------------------------------------------------===//

/// layernorm rejects integer inputs.
func.func @layernorm_i32(%x: tensor<4x8xi32>) -> tensor<4x8xi32> {
  // expected-error @+1 {{'input' has unsupported element type 'i32'; expected f16, bf16 or f32}}
  %0 = fused.layernorm %x : tensor<4x8xi32>
  return %0 : tensor<4x8xi32>
}

// -----

/// layernorm normalises over the last dimension, which a scalar lacks.
func.func @layernorm_rank0(%x: tensor<f32>) -> tensor<f32> {
  // expected-error @+1 {{'input' must have rank >= 1, got a rank-0 tensor}}
  %0 = fused.layernorm %x : tensor<f32>
  return %0 : tensor<f32>
}

// -----

/// A negative epsilon could make the variance term negative.
func.func @layernorm_negative_epsilon(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{'epsilon' must be finite and >= 0, got -1.000000e-05}}
  %0 = fused.layernorm %x {epsilon = -1.0e-05 : f64} : tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

/// An infinite epsilon is rejected.
func.func @layernorm_inf_epsilon(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{'epsilon' must be finite and >= 0, got INF}}
  %0 = fused.layernorm %x {epsilon = 0x7FF0000000000000 : f64} : tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

/// The weight has one entry per element of the last dimension.
func.func @layernorm_weight_shape(%x: tensor<4x768xf16>, %w: tensor<512xf16>) -> tensor<4x768xf16> {
  // expected-error @+1 {{'weight' must have shape [768] (the last dimension of 'input' [4, 768]), got [512]}}
  %0 = fused.layernorm %x weight(%w : tensor<512xf16>) : tensor<4x768xf16>
  return %0 : tensor<4x768xf16>
}

// -----

/// The bias is rank 1; a [1, N] bias is rejected.
func.func @layernorm_bias_rank2(%x: tensor<4x768xf16>, %b: tensor<1x768xf16>) -> tensor<4x768xf16> {
  // expected-error @+1 {{'bias' must have shape [768] (the last dimension of 'input' [4, 768]), got [1, 768]}}
  %0 = fused.layernorm %x bias(%b : tensor<1x768xf16>) : tensor<4x768xf16>
  return %0 : tensor<4x768xf16>
}

// -----

/// The weight must be a compute float.
func.func @layernorm_weight_i32(%x: tensor<4x8xf16>, %w: tensor<8xi32>) -> tensor<4x8xf16> {
  // expected-error @+1 {{'weight' has unsupported element type 'i32'; expected f16, bf16 or f32}}
  %0 = fused.layernorm %x weight(%w : tensor<8xi32>) : tensor<4x8xf16>
  return %0 : tensor<4x8xf16>
}

// -----

/// The bias must be a compute float; it is checked after a valid weight.
func.func @layernorm_bias_f64(%x: tensor<4x8xf16>, %w: tensor<8xf16>, %b: tensor<8xf64>) -> tensor<4x8xf16> {
  // expected-error @+1 {{'bias' has unsupported element type 'f64'; expected f16, bf16 or f32}}
  %0 = fused.layernorm %x weight(%w : tensor<8xf16>) bias(%b : tensor<8xf64>) : tensor<4x8xf16>
  return %0 : tensor<4x8xf16>
}

// -----

/// rmsnorm rejects fp8 inputs.
func.func @rmsnorm_fp8(%x: tensor<4x8xf8E4M3FN>) -> tensor<4x8xf8E4M3FN> {
  // expected-error @+1 {{'input' has unsupported element type 'f8E4M3FN'; expected f16, bf16 or f32}}
  %0 = fused.rmsnorm %x : tensor<4x8xf8E4M3FN>
  return %0 : tensor<4x8xf8E4M3FN>
}

// -----

/// rmsnorm needs a last dimension too.
func.func @rmsnorm_rank0(%x: tensor<bf16>) -> tensor<bf16> {
  // expected-error @+1 {{'input' must have rank >= 1, got a rank-0 tensor}}
  %0 = fused.rmsnorm %x : tensor<bf16>
  return %0 : tensor<bf16>
}

// -----

/// rmsnorm rejects a negative epsilon.
func.func @rmsnorm_negative_epsilon(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{'epsilon' must be finite and >= 0, got -1.000000e+00}}
  %0 = fused.rmsnorm %x {epsilon = -1.0 : f64} : tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

/// A NaN epsilon fails the `>= 0` test.
func.func @rmsnorm_nan_epsilon(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  // expected-error @+1 {{'epsilon' must be finite and >= 0, got nan}}
  %0 = fused.rmsnorm %x {epsilon = 0x7FF8000000000000 : f64} : tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

/// The rmsnorm weight matches the last dimension of the input.
func.func @rmsnorm_weight_shape(%x: tensor<16x4096xbf16>, %w: tensor<4095xbf16>) -> tensor<16x4096xbf16> {
  // expected-error @+1 {{'weight' must have shape [4096] (the last dimension of 'input' [16, 4096]), got [4095]}}
  %0 = fused.rmsnorm %x weight(%w : tensor<4095xbf16>) : tensor<16x4096xbf16>
  return %0 : tensor<16x4096xbf16>
}

// -----

/// The rmsnorm weight must be a compute float.
func.func @rmsnorm_weight_fp8(%x: tensor<16x64xbf16>, %w: tensor<64xf8E5M2>) -> tensor<16x64xbf16> {
  // expected-error @+1 {{'weight' has unsupported element type 'f8E5M2'; expected f16, bf16 or f32}}
  %0 = fused.rmsnorm %x weight(%w : tensor<64xf8E5M2>) : tensor<16x64xbf16>
  return %0 : tensor<16x64xbf16>
}

// -----

//===----------------------------------------------------------------------===//
// fused.transpose
//===----------------------------------------------------------------------===//

/// The permutation has one entry per input dimension.
func.func @transpose_wrong_length(%x: tensor<2x3x4xf32>) -> tensor<3x2x4xf32> {
  // expected-error @+1 {{permutation [1, 0] has 2 entries but 'input' [2, 3, 4] has rank 3}}
  %0 = fused.transpose %x permutation = [1, 0] : tensor<2x3x4xf32> -> tensor<3x2x4xf32>
  return %0 : tensor<3x2x4xf32>
}

// -----

/// A repeated entry is not a permutation.
func.func @transpose_duplicate(%x: tensor<4x4xf32>) -> tensor<4x4xf32> {
  // expected-error @+1 {{permutation [0, 0] is not a permutation of [0, 2)}}
  %0 = fused.transpose %x permutation = [0, 0] : tensor<4x4xf32> -> tensor<4x4xf32>
  return %0 : tensor<4x4xf32>
}

// -----

/// An entry past the rank is out of range.
func.func @transpose_out_of_range(%x: tensor<4x8xf32>) -> tensor<8x4xf32> {
  // expected-error @+1 {{permutation [2, 0] is not a permutation of [0, 2)}}
  %0 = fused.transpose %x permutation = [2, 0] : tensor<4x8xf32> -> tensor<8x4xf32>
  return %0 : tensor<8x4xf32>
}

// -----

/// Negative entries do not count from the end (unlike softmax axes).
func.func @transpose_negative_entry(%x: tensor<4x8xf32>) -> tensor<8x4xf32> {
  // expected-error @+1 {{permutation [-1, 0] is not a permutation of [0, 2)}}
  %0 = fused.transpose %x permutation = [-1, 0] : tensor<4x8xf32> -> tensor<8x4xf32>
  return %0 : tensor<8x4xf32>
}

// -----

/// The result shape must be the permuted input shape.
func.func @transpose_result_shape(%x: tensor<2x128x8x64xf16>) -> tensor<2x128x8x64xf16> {
  // expected-error @+1 {{expected result shape [2, 8, 128, 64] (input [2, 128, 8, 64] permuted by [0, 2, 1, 3]), got [2, 128, 8, 64]}}
  %0 = fused.transpose %x permutation = [0, 2, 1, 3] : tensor<2x128x8x64xf16> -> tensor<2x128x8x64xf16>
  return %0 : tensor<2x128x8x64xf16>
}

// -----

/// A transpose moves data; it does not convert it.
func.func @transpose_element_type(%x: tensor<4x8xf16>) -> tensor<8x4xf32> {
  // expected-error @+1 {{'result' element type 'f32' must equal 'input' element type 'f16'}}
  %0 = fused.transpose %x permutation = [1, 0] : tensor<4x8xf16> -> tensor<8x4xf32>
  return %0 : tensor<8x4xf32>
}

// -----

/// Transposes take the same element types as the rest of the dialect.
func.func @transpose_integer(%x: tensor<4x8xi32>) -> tensor<8x4xi32> {
  // expected-error @+1 {{'input' has unsupported element type 'i32'; expected f16, bf16, f32, f8E4M3FN or f8E5M2}}
  %0 = fused.transpose %x permutation = [1, 0] : tensor<4x8xi32> -> tensor<8x4xi32>
  return %0 : tensor<8x4xi32>
}

// -----

/// A dynamic Hq does not hide zero key/value heads.
func.func @attention_zero_kv_heads_dynamic_hq(%q: tensor<1x?x4x8xf16>, %k: tensor<1x0x4x8xf16>) -> tensor<1x?x4x8xf16> {
  // expected-error @+1 {{'key' must have at least one head, got Hkv = 0}}
  %0 = fused.attention %q, %k, %k : tensor<1x?x4x8xf16>, tensor<1x0x4x8xf16>, tensor<1x0x4x8xf16> -> tensor<1x?x4x8xf16>
  return %0 : tensor<1x?x4x8xf16>
}

// -----

/// The body must take one argument per input.
func.func @kernel_arg_count(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'fused.kernel' op body has 0 arguments but the kernel has 1 inputs}}
  %k = fused.kernel elementwise ins(%a : tensor<4xf32>) -> tensor<4xf32> {
    %c = arith.constant dense<1.0> : tensor<4xf32>
    fused.yield %c : tensor<4xf32>
  }
  return %k : tensor<4xf32>
}

// -----

/// Body arguments have the inputs' types.
func.func @kernel_arg_type(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'fused.kernel' op body argument #0 has type 'tensor<4xf16>' but input #0 has type 'tensor<4xf32>'}}
  %k = fused.kernel elementwise ins(%a : tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%x: tensor<4xf16>):
    %e = fused.exp %x : tensor<4xf16>
    %c = fused.cast %e : tensor<4xf16> to tensor<4xf32>
    fused.yield %c : tensor<4xf32>
  }
  return %k : tensor<4xf32>
}

// -----

/// fused.yield returns the kernel's result types.
func.func @kernel_yield_types(%a: tensor<4xf32>) -> tensor<4xf16> {
  // expected-error @+1 {{'fused.kernel' op fused.yield returns 1 values of types ('tensor<4xf32>') but the kernel results are ('tensor<4xf16>')}}
  %k = fused.kernel elementwise ins(%a : tensor<4xf32>) -> tensor<4xf16> {
  ^bb0(%x: tensor<4xf32>):
    %e = fused.exp %x : tensor<4xf32>
    fused.yield %e : tensor<4xf32>
  }
  return %k : tensor<4xf16>
}

// -----

/// Only fused ops live in a kernel body.
func.func @kernel_foreign_op(%a: tensor<4xf32>) -> tensor<4xf32> {
  %k = fused.kernel elementwise ins(%a : tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%x: tensor<4xf32>):
    // expected-error @+1 {{'math.exp' op is not allowed in a fused.kernel body (only fused ops other than fused.kernel, and constants)}}
    %e = math.exp %x : tensor<4xf32>
    fused.yield %e : tensor<4xf32>
  }
  return %k : tensor<4xf32>
}

// -----

/// Kernels do not nest.
func.func @kernel_nested(%a: tensor<4xf32>) -> tensor<4xf32> {
  %k = fused.kernel elementwise ins(%a : tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%x: tensor<4xf32>):
    // expected-error @+1 {{'fused.kernel' op is not allowed in a fused.kernel body}}
    %i = fused.kernel elementwise ins(%x : tensor<4xf32>) -> tensor<4xf32> {
    ^bb0(%y: tensor<4xf32>):
      fused.yield %y : tensor<4xf32>
    }
    fused.yield %i : tensor<4xf32>
  }
  return %k : tensor<4xf32>
}

// -----

/// A kernel computes something.
func.func @kernel_no_results(%a: tensor<4xf32>) {
  // expected-error @+1 {{'fused.kernel' op must produce at least one result}}
  "fused.kernel"(%a) <{kind = 2 : i32}> ({
  ^bb0(%x: tensor<4xf32>):
    fused.yield
  }) : (tensor<4xf32>) -> ()
  return
}

// -----

/// fused.yield only ends a kernel body.
func.func @yield_outside_kernel(%a: tensor<4xf32>) {
  // expected-error @+1 {{'fused.yield' op expects parent op 'fused.kernel'}}
  fused.yield %a : tensor<4xf32>
}

// -----

/// The kernel kind is one of a fixed set.
func.func @kernel_bad_kind(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{custom op 'fused.kernel' expected string or keyword containing one of the following enum values for attribute 'kind' [gemm, attention, elementwise, softmax, reduction, normalization, transpose, rope]}}
  %k = fused.kernel conv ins(%a : tensor<4xf32>) -> tensor<4xf32> {
  ^bb0(%x: tensor<4xf32>):
    fused.yield %x : tensor<4xf32>
  }
  return %k : tensor<4xf32>
}

// -----

/// Warp tiles are multiples of 16.
// expected-error @+1 {{warp tile [64, 8] must be a multiple of 16 in both dimensions}}
func.func @gemm_config_warp_tile() attributes {c = #fused.gemm_config<block = [128, 32, 32], warps = [2, 4], stages = 3>} {
  return
}

// -----

/// block_k feeds k16 tensor-core steps.
// expected-error @+1 {{block_k = 24 must be a multiple of 16}}
func.func @gemm_config_block_k() attributes {c = #fused.gemm_config<block = [128, 128, 24], warps = [2, 4], stages = 3>} {
  return
}

// -----

/// The pipeline depth is bounded.
// expected-error @+1 {{stages = 0 must be in [1, 8]}}
func.func @gemm_config_stages() attributes {c = #fused.gemm_config<block = [128, 128, 32], warps = [2, 4], stages = 0>} {
  return
}

// -----

/// Warps divide the block evenly.
// expected-error @+1 {{block [128, 128] must divide evenly among warps [3, 4]}}
func.func @gemm_config_uneven() attributes {c = #fused.gemm_config<block = [128, 128, 32], warps = [3, 4], stages = 3>} {
  return
}

// -----

/// A block has at most 1024 threads.
// expected-error @+1 {{64 warps exceed 1024 threads per block}}
func.func @gemm_config_threads() attributes {c = #fused.gemm_config<block = [128, 512, 32], warps = [2, 32], stages = 3>} {
  return
}

// -----

/// Non-positive sizes are rejected.
// expected-error @+1 {{block and warp counts must be positive}}
func.func @gemm_config_zero() attributes {c = #fused.gemm_config<block = [0, 128, 32], warps = [2, 4], stages = 3>} {
  return
}

// -----

/// Attention tiles give each warp whole 16-row MMA tiles.
// expected-error @+1 {{block_m = 48 must give each of the 4 warps a multiple of 16 rows}}
func.func @attention_config_rows() attributes {c = #fused.attention_config<block = [48, 64], warps = 4>} {
  return
}

// -----

// expected-error @+1 {{block_n = 40 must be a multiple of 16}}
func.func @attention_config_keys() attributes {c = #fused.attention_config<block = [64, 40], warps = 4>} {
  return
}

// -----

// expected-error @+1 {{block and warp counts must be positive}}
func.func @attention_config_zero() attributes {c = #fused.attention_config<block = [64, 64], warps = 0>} {
  return
}

// -----

/// A launch configuration has three grid and three block dimensions.
// expected-error @+1 {{grid and block must have 3 dimensions (x, y, z)}}
func.func @launch_config_rank() attributes {c = #fused.launch<grid = [1, 1], block = [32, 1, 1], shared = 0, outputs = 1>} {
  return
}

// -----

// expected-error @+1 {{block dimensions must be >= 1}}
func.func @launch_config_block() attributes {c = #fused.launch<grid = [1, 1, 1], block = [0, 1, 1], shared = 0, outputs = 1>} {
  return
}

// -----

// expected-error @+1 {{shared memory and outputs must be >= 0}}
func.func @launch_config_shared() attributes {c = #fused.launch<grid = [1, 1, 1], block = [32, 1, 1], shared = -1, outputs = 1>} {
  return
}

// -----

/// A Hopper kernel's TMA tensor maps: boxes of 1 to 5 dimensions of 1 to
/// 256 elements, a swizzle of 0, 32, 64 or 128 bytes.
// expected-error @+1 {{tensor map box sizes must be in [1, 256]}}
func.func @tensor_map_box() attributes {c = #fused.tensor_map<arg = 0, box = [300, 64], swizzle = 128>} {
  return
}

// -----

// expected-error @+1 {{tensor map swizzle must be 0, 32, 64 or 128}}
func.func @tensor_map_swizzle() attributes {c = #fused.tensor_map<arg = 0, box = [64, 64], swizzle = 16>} {
  return
}

// -----

// expected-error @+1 {{a tensor map box has 1 to 5 dimensions}}
func.func @tensor_map_rank() attributes {c = #fused.tensor_map<arg = 1, box = [1, 1, 1, 1, 1, 64], swizzle = 0>} {
  return
}

// -----

// expected-error @+1 {{tensor_maps must hold #fused.tensor_map attributes}}
func.func @launch_tensor_maps() attributes {c = #fused.launch<grid = [1, 1, 1], block = [384, 1, 1], shared = 0, outputs = 1, tensor_maps = [1]>} {
  return
}

// -----

// expected-error @+1 {{expected 'sizes' or 'tensor_maps' (once each, in that order), got 'sizes'}}
func.func @launch_extras_order() attributes {c = #fused.launch<grid = [1, 1, 1], block = [384, 1, 1], shared = 0, outputs = 1, tensor_maps = [], sizes = ["", "", ""]>} {
  return
}

// -----

/// The attributes passes tell each other have their declared types.
// expected-error @+1 {{'fused.kernel_kind' must be a #fused.kernel_kind, got "gemm"}}
func.func @kernel_kind_string() attributes {fused.kernel_kind = "gemm"} {
  return
}

// -----

// expected-error @+1 {{'fused.launch' must be a #fused.launch, got array<i64: 1, 1, 1>}}
func.func @launch_array() attributes {fused.launch = array<i64: 1, 1, 1>} {
  return
}

// -----

// expected-error @+1 {{'fused.gemm_config' must be a #fused.gemm_config, got #fused.attention_config<block = [64, 64], warps = 4>}}
func.func @gemm_config_other() attributes {fused.gemm_config = #fused.attention_config<block = [64, 64], warps = 4>} {
  return
}

// -----

// expected-error @+1 {{'fused.attention_config' must be a #fused.attention_config, got 3 : i64}}
func.func @attention_config_int() attributes {fused.attention_config = 3} {
  return
}

// -----

// expected-error @+1 {{'fused.promoted' must be a unit attribute, got true}}
func.func @promoted_bool() attributes {fused.promoted = true} {
  return
}

// -----

func.func @role_string(%m: memref<4xf32>, %c: f32, %i: index) {
  // expected-error @+1 {{'fused.role' must be a #fused.role, got "mma"}}
  memref.store %c, %m[%i] {fused.role = "mma"} : memref<4xf32>
  return
}

// -----

func.func @swizzle_string() {
  // expected-error @+1 {{'fused.swizzle' must be a #fused.swizzle, got "xor16"}}
  %a = memref.alloc() {fused.swizzle = "xor16"} : memref<4xf32>
  return
}

// -----

/// A launch names an existing kernel function.
func.func @launch_missing(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'fused.launch' op no kernel function named @nope}}
  %r = fused.launch @nope(%a) : (tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

func.func private @k2(memref<4xf32>)

/// The kernel takes one memref per input and per result.
func.func @launch_arity(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'fused.launch' op kernel @k2 takes 1 arguments but the launch passes 1 inputs and 1 results}}
  %r = fused.launch @k2(%a) : (tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

func.func private @k3(memref<4xf32>, memref<8xf32>)

/// Kernel arguments mirror the tensors' shapes and element types.
func.func @launch_types(%a: tensor<4xf32>) -> tensor<4xf32> {
  // expected-error @+1 {{'fused.launch' op kernel argument #1 has type 'memref<8xf32>' but must be a memref of 'tensor<4xf32>'}}
  %r = fused.launch @k3(%a) : (tensor<4xf32>) -> tensor<4xf32>
  return %r : tensor<4xf32>
}

// -----

/// Tile copies are 2-D.
func.func @copy_tile_rank(%a: memref<4xf16>, %b: memref<4x4xf16>) {
  // expected-error @+1 {{'fused.copy_tile' op copies 2-D tiles, got ranks 1 and 2}}
  fused.copy_tile %a, %b : memref<4xf16>, memref<4x4xf16>
  return
}

// -----

/// The destination is a full, static tile at least as large as the source.
func.func @copy_tile_too_large(%a: memref<8x4xf16>, %b: memref<4x4xf16>) {
  // expected-error @+1 {{'fused.copy_tile' op 'source' [8, 4] is larger than 'dest' [4, 4]}}
  fused.copy_tile %a, %b : memref<8x4xf16>, memref<4x4xf16>
  return
}

// -----

func.func @copy_tile_dynamic_dest(%a: memref<8x4xf16>, %b: memref<?x4xf16>) {
  // expected-error @+1 {{'fused.copy_tile' op 'dest' must have a static shape, got 'memref<?x4xf16>'}}
  fused.copy_tile %a, %b : memref<8x4xf16>, memref<?x4xf16>
  return
}

// -----

func.func @copy_tile_types(%a: memref<4x4xf16>, %b: memref<4x4xbf16>) {
  // expected-error @+1 {{'fused.copy_tile' op 'source' and 'dest' element types differ: 'f16' vs 'bf16'}}
  fused.copy_tile %a, %b : memref<4x4xf16>, memref<4x4xbf16>
  return
}

// -----

func.func @async_wait_negative() {
  // expected-error @+1 {{'fused.async_wait' op attribute 'pending' failed to satisfy constraint: 64-bit signless integer attribute whose value is non-negative}}
  fused.async_wait pending = -1
  return
}

// -----

/// The target is the module's, and a chip fused knows.
// expected-error @+1 {{'fused.target' must name a chip (sm_80, sm_86, sm_89, sm_90 or sm_90a), got "sm_70"}}
module attributes {fused.target = "sm_70"} {
}

// -----

// expected-error @+1 {{'fused.target' belongs on a module}}
func.func @target_on_function() attributes {fused.target = "sm_80"} {
  return
}

// -----

//===----------------------------------------------------------------------===//
// fused.reshape, fused.slice, fused.rope
//===----------------------------------------------------------------------===//

func.func @reshape_count(%x: tensor<4x6xf16>) -> tensor<5x5xf16> {
  // expected-error @+1 {{'input' [4, 6] has 24 elements but 'result' [5, 5] has 25}}
  %0 = fused.reshape %x : tensor<4x6xf16> to tensor<5x5xf16>
  return %0 : tensor<5x5xf16>
}

// -----

func.func @reshape_type(%x: tensor<4x6xf16>) -> tensor<24xf32> {
  // expected-error @+1 {{'result' element type 'f32' must equal 'input' element type 'f16'}}
  %0 = fused.reshape %x : tensor<4x6xf16> to tensor<24xf32>
  return %0 : tensor<24xf32>
}

// -----

func.func @slice_past_end(%x: tensor<4x6xf16>) -> tensor<2x4xf16> {
  // expected-error @+1 {{dimension 1: offset 3 + size 4 runs past the input's size 6}}
  %0 = fused.slice %x offsets = [0, 3] : tensor<4x6xf16> to tensor<2x4xf16>
  return %0 : tensor<2x4xf16>
}

// -----

func.func @slice_negative(%x: tensor<4x6xf16>) -> tensor<2x4xf16> {
  // expected-error @+1 {{offset -1 of dimension 0 is negative}}
  %0 = fused.slice %x offsets = [-1, 0] : tensor<4x6xf16> to tensor<2x4xf16>
  return %0 : tensor<2x4xf16>
}

// -----

func.func @slice_rank(%x: tensor<4x6xf16>) -> tensor<2x4xf16> {
  // expected-error @+1 {{'input' [4, 6], offsets [0] and 'result' [2, 4] must have one rank}}
  %0 = fused.slice %x offsets = [0] : tensor<4x6xf16> to tensor<2x4xf16>
  return %0 : tensor<2x4xf16>
}

// -----

func.func @rope_rank(%x: tensor<64xf16>, %c: tensor<1x32xf32>) -> tensor<64xf16> {
  // expected-error @+1 {{'input' [64] must have rank 2 or more ([..., S, D])}}
  %0 = fused.rope %x, %c, %c : tensor<64xf16>, tensor<1x32xf32>, tensor<1x32xf32>
  return %0 : tensor<64xf16>
}

// -----

func.func @rope_positions(%x: tensor<2x8x64xf16>, %c: tensor<4x32xf32>) -> tensor<2x8x64xf16> {
  // expected-error @+1 {{'cos' and 'sin' have 4 rows but 'input' [2, 8, 64] has 8 positions}}
  %0 = fused.rope %x, %c, %c : tensor<2x8x64xf16>, tensor<4x32xf32>, tensor<4x32xf32>
  return %0 : tensor<2x8x64xf16>
}

// -----

func.func @rope_too_wide(%x: tensor<8x64xf16>, %c: tensor<8x40xf32>) -> tensor<8x64xf16> {
  // expected-error @+1 {{'cos' and 'sin' rotate 80 features but 'input' rows have 64 (need 2 <= R <= D)}}
  %0 = fused.rope %x, %c, %c : tensor<8x64xf16>, tensor<8x40xf32>, tensor<8x40xf32>
  return %0 : tensor<8x64xf16>
}

// -----

func.func @rope_tables(%x: tensor<8x64xf16>, %c: tensor<8x32xf32>, %s: tensor<8x16xf32>) -> tensor<8x64xf16> {
  // expected-error @+1 {{'cos' 'tensor<8x32xf32>' and 'sin' 'tensor<8x16xf32>' must be of one type [S, R/2]}}
  %0 = fused.rope %x, %c, %s : tensor<8x64xf16>, tensor<8x32xf32>, tensor<8x16xf32>
  return %0 : tensor<8x64xf16>
}
