// RUN: fused-opt %s -split-input-file | fused-opt -split-input-file | FileCheck %s
// RUN: fused-opt %s -split-input-file -mlir-print-op-generic | fused-opt -split-input-file | FileCheck %s

//===----------------------------------------------------------------------===//
// fused.matmul
//===----------------------------------------------------------------------===//

/// Plain rank-2 matmul: no attribute is printed, the default accumulator is
/// implied.
// CHECK-LABEL: func.func @matmul_plain
// CHECK-SAME:    (%[[A:.*]]: tensor<128x64xf16>, %[[B:.*]]: tensor<64x256xf16>)
// CHECK:         %[[R:.*]] = fused.matmul %[[A]], %[[B]] : tensor<128x64xf16>, tensor<64x256xf16> -> tensor<128x256xf32>
// CHECK:         return %[[R]]
func.func @matmul_plain(%a: tensor<128x64xf16>, %b: tensor<64x256xf16>) -> tensor<128x256xf32> {
  %0 = fused.matmul %a, %b : tensor<128x64xf16>, tensor<64x256xf16> -> tensor<128x256xf32>
  return %0 : tensor<128x256xf32>
}

// -----

/// `transpose_a` is a unit attribute: 'a' is [K, M].
// CHECK-LABEL: func.func @matmul_transpose_a_only
// CHECK-SAME:    (%[[A:.*]]: tensor<64x128xbf16>, %[[B:.*]]: tensor<64x256xbf16>)
// CHECK:         %[[R:.*]] = fused.matmul %[[A]], %[[B]] {transpose_a} : tensor<64x128xbf16>, tensor<64x256xbf16> -> tensor<128x256xbf16>
// CHECK:         return %[[R]]
func.func @matmul_transpose_a_only(%a: tensor<64x128xbf16>, %b: tensor<64x256xbf16>) -> tensor<128x256xbf16> {
  %0 = fused.matmul %a, %b {transpose_a} : tensor<64x128xbf16>, tensor<64x256xbf16> -> tensor<128x256xbf16>
  return %0 : tensor<128x256xbf16>
}

// -----

/// `transpose_b`: 'b' is [N, K], the layout of a linear layer's weight.
// CHECK-LABEL: func.func @matmul_transpose_b_only
// CHECK-SAME:    (%[[A:.*]]: tensor<128x64xf32>, %[[B:.*]]: tensor<256x64xf32>)
// CHECK:         %[[R:.*]] = fused.matmul %[[A]], %[[B]] {transpose_b} : tensor<128x64xf32>, tensor<256x64xf32> -> tensor<128x256xf32>
// CHECK:         return %[[R]]
func.func @matmul_transpose_b_only(%a: tensor<128x64xf32>, %b: tensor<256x64xf32>) -> tensor<128x256xf32> {
  %0 = fused.matmul %a, %b {transpose_b} : tensor<128x64xf32>, tensor<256x64xf32> -> tensor<128x256xf32>
  return %0 : tensor<128x256xf32>
}

// -----

/// Both transposes at once; the attributes print in a stable order.
// CHECK-LABEL: func.func @matmul_transpose_both
// CHECK-SAME:    (%[[A:.*]]: tensor<64x128xf16>, %[[B:.*]]: tensor<256x64xf16>)
// CHECK:         %[[R:.*]] = fused.matmul %[[A]], %[[B]] {transpose_a, transpose_b} : tensor<64x128xf16>, tensor<256x64xf16> -> tensor<128x256xf16>
// CHECK:         return %[[R]]
func.func @matmul_transpose_both(%a: tensor<64x128xf16>, %b: tensor<256x64xf16>) -> tensor<128x256xf16> {
  %0 = fused.matmul %a, %b {transpose_b, transpose_a} : tensor<64x128xf16>, tensor<256x64xf16> -> tensor<128x256xf16>
  return %0 : tensor<128x256xf16>
}

// -----

/// An f16 accumulator is allowed for f16 operands.
// CHECK-LABEL: func.func @matmul_acc_f16
// CHECK-SAME:    (%[[A:.*]]: tensor<128x64xf16>, %[[B:.*]]: tensor<64x256xf16>)
// CHECK:         %[[R:.*]] = fused.matmul %[[A]], %[[B]] {acc_type = f16} : tensor<128x64xf16>, tensor<64x256xf16> -> tensor<128x256xf16>
// CHECK:         return %[[R]]
func.func @matmul_acc_f16(%a: tensor<128x64xf16>, %b: tensor<64x256xf16>) -> tensor<128x256xf16> {
  %0 = fused.matmul %a, %b {acc_type = f16} : tensor<128x64xf16>, tensor<64x256xf16> -> tensor<128x256xf16>
  return %0 : tensor<128x256xf16>
}

// -----

/// An explicit f32 accumulator is kept (it is not dropped as a default), and
/// combines with a transpose flag.
// CHECK-LABEL: func.func @matmul_acc_f32_transpose_b
// CHECK-SAME:    (%[[A:.*]]: tensor<128x64xbf16>, %[[B:.*]]: tensor<256x64xbf16>)
// CHECK:         %[[R:.*]] = fused.matmul %[[A]], %[[B]] {acc_type = f32, transpose_b} : tensor<128x64xbf16>, tensor<256x64xbf16> -> tensor<128x256xbf16>
// CHECK:         return %[[R]]
func.func @matmul_acc_f32_transpose_b(%a: tensor<128x64xbf16>, %b: tensor<256x64xbf16>) -> tensor<128x256xbf16> {
  %0 = fused.matmul %a, %b {transpose_b, acc_type = f32} : tensor<128x64xbf16>, tensor<256x64xbf16> -> tensor<128x256xbf16>
  return %0 : tensor<128x256xbf16>
}

// -----

/// Batch dimensions broadcast with numpy rules: [3, 1] and [5] give [3, 5].
// CHECK-LABEL: func.func @matmul_batch_broadcast
// CHECK-SAME:    (%[[A:.*]]: tensor<3x1x128x64xf16>, %[[B:.*]]: tensor<5x64x32xf16>)
// CHECK:         %[[R:.*]] = fused.matmul %[[A]], %[[B]] : tensor<3x1x128x64xf16>, tensor<5x64x32xf16> -> tensor<3x5x128x32xf32>
// CHECK:         return %[[R]]
func.func @matmul_batch_broadcast(%a: tensor<3x1x128x64xf16>, %b: tensor<5x64x32xf16>) -> tensor<3x5x128x32xf32> {
  %0 = fused.matmul %a, %b : tensor<3x1x128x64xf16>, tensor<5x64x32xf16> -> tensor<3x5x128x32xf32>
  return %0 : tensor<3x5x128x32xf32>
}

// -----

/// A rank-2 'b' is shared by every batch of 'a' (the example of the op
/// description).
// CHECK-LABEL: func.func @matmul_shared_weight
// CHECK-SAME:    (%[[A:.*]]: tensor<3x128x64xf16>, %[[B:.*]]: tensor<256x64xf16>)
// CHECK:         %[[R:.*]] = fused.matmul %[[A]], %[[B]] {transpose_b} : tensor<3x128x64xf16>, tensor<256x64xf16> -> tensor<3x128x256xf32>
// CHECK:         return %[[R]]
func.func @matmul_shared_weight(%a: tensor<3x128x64xf16>, %b: tensor<256x64xf16>) -> tensor<3x128x256xf32> {
  %0 = fused.matmul %a, %b {transpose_b} : tensor<3x128x64xf16>, tensor<256x64xf16> -> tensor<3x128x256xf32>
  return %0 : tensor<3x128x256xf32>
}

// -----

/// The two 8-bit float types may be mixed.
// CHECK-LABEL: func.func @matmul_fp8_mixed
// CHECK-SAME:    (%[[A:.*]]: tensor<128x64xf8E4M3FN>, %[[B:.*]]: tensor<64x256xf8E5M2>)
// CHECK:         %[[R:.*]] = fused.matmul %[[A]], %[[B]] : tensor<128x64xf8E4M3FN>, tensor<64x256xf8E5M2> -> tensor<128x256xbf16>
// CHECK:         return %[[R]]
func.func @matmul_fp8_mixed(%a: tensor<128x64xf8E4M3FN>, %b: tensor<64x256xf8E5M2>) -> tensor<128x256xbf16> {
  %0 = fused.matmul %a, %b : tensor<128x64xf8E4M3FN>, tensor<64x256xf8E5M2> -> tensor<128x256xbf16>
  return %0 : tensor<128x256xbf16>
}

// -----

/// Dynamic sizes are accepted anywhere, including K and the batch.
// CHECK-LABEL: func.func @matmul_dynamic
// CHECK-SAME:    (%[[A:.*]]: tensor<?x?x?xf32>, %[[B:.*]]: tensor<?x?xf32>)
// CHECK:         %[[R:.*]] = fused.matmul %[[A]], %[[B]] : tensor<?x?x?xf32>, tensor<?x?xf32> -> tensor<?x?x?xf32>
// CHECK:         return %[[R]]
func.func @matmul_dynamic(%a: tensor<?x?x?xf32>, %b: tensor<?x?xf32>) -> tensor<?x?x?xf32> {
  %0 = fused.matmul %a, %b : tensor<?x?x?xf32>, tensor<?x?xf32> -> tensor<?x?x?xf32>
  return %0 : tensor<?x?x?xf32>
}

// -----

//===----------------------------------------------------------------------===//
// fused.attention
//===----------------------------------------------------------------------===//

/// Multi-head attention (Hq == Hkv) with no optional part.
// CHECK-LABEL: func.func @attention_mha
// CHECK-SAME:    (%[[Q:.*]]: tensor<2x8x128x64xf16>, %[[K:.*]]: tensor<2x8x256x64xf16>, %[[V:.*]]: tensor<2x8x256x64xf16>)
// CHECK:         %[[O:.*]] = fused.attention %[[Q]], %[[K]], %[[V]] : tensor<2x8x128x64xf16>, tensor<2x8x256x64xf16>, tensor<2x8x256x64xf16> -> tensor<2x8x128x64xf16>
// CHECK:         return %[[O]]
func.func @attention_mha(%q: tensor<2x8x128x64xf16>, %k: tensor<2x8x256x64xf16>, %v: tensor<2x8x256x64xf16>) -> tensor<2x8x128x64xf16> {
  %0 = fused.attention %q, %k, %v : tensor<2x8x128x64xf16>, tensor<2x8x256x64xf16>, tensor<2x8x256x64xf16> -> tensor<2x8x128x64xf16>
  return %0 : tensor<2x8x128x64xf16>
}

// -----

/// The value head dimension Dv may differ from the query/key one D.
// CHECK-LABEL: func.func @attention_value_dim
// CHECK-SAME:    (%[[Q:.*]]: tensor<1x4x16x64xbf16>, %[[K:.*]]: tensor<1x4x32x64xbf16>, %[[V:.*]]: tensor<1x4x32x128xbf16>)
// CHECK:         %[[O:.*]] = fused.attention %[[Q]], %[[K]], %[[V]] : tensor<1x4x16x64xbf16>, tensor<1x4x32x64xbf16>, tensor<1x4x32x128xbf16> -> tensor<1x4x16x128xbf16>
// CHECK:         return %[[O]]
func.func @attention_value_dim(%q: tensor<1x4x16x64xbf16>, %k: tensor<1x4x32x64xbf16>, %v: tensor<1x4x32x128xbf16>) -> tensor<1x4x16x128xbf16> {
  %0 = fused.attention %q, %k, %v : tensor<1x4x16x64xbf16>, tensor<1x4x32x64xbf16>, tensor<1x4x32x128xbf16> -> tensor<1x4x16x128xbf16>
  return %0 : tensor<1x4x16x128xbf16>
}

// -----

/// A full-shape [B, Hq, Sq, Skv] bias is printed in its `bias(...)` group.
// CHECK-LABEL: func.func @attention_bias_full
// CHECK-SAME:    (%[[Q:.*]]: tensor<2x8x128x64xf16>, %[[K:.*]]: tensor<2x8x256x64xf16>, %[[V:.*]]: tensor<2x8x256x64xf16>, %[[BIAS:.*]]: tensor<2x8x128x256xf16>)
// CHECK:         %[[O:.*]] = fused.attention %[[Q]], %[[K]], %[[V]] bias(%[[BIAS]] : tensor<2x8x128x256xf16>) : tensor<2x8x128x64xf16>, tensor<2x8x256x64xf16>, tensor<2x8x256x64xf16> -> tensor<2x8x128x64xf16>
// CHECK:         return %[[O]]
func.func @attention_bias_full(%q: tensor<2x8x128x64xf16>, %k: tensor<2x8x256x64xf16>, %v: tensor<2x8x256x64xf16>, %bias: tensor<2x8x128x256xf16>) -> tensor<2x8x128x64xf16> {
  %0 = fused.attention %q, %k, %v bias(%bias : tensor<2x8x128x256xf16>) : tensor<2x8x128x64xf16>, tensor<2x8x256x64xf16>, tensor<2x8x256x64xf16> -> tensor<2x8x128x64xf16>
  return %0 : tensor<2x8x128x64xf16>
}

// -----

/// A lower-rank bias broadcasts (numpy rules): an [Sq, Skv] mask shared by
/// every batch and head, in another float type than the query.
// CHECK-LABEL: func.func @attention_bias_rank2
// CHECK-SAME:    (%[[Q:.*]]: tensor<2x8x128x64xf16>, %[[K:.*]]: tensor<2x8x256x64xf16>, %[[V:.*]]: tensor<2x8x256x64xf16>, %[[BIAS:.*]]: tensor<128x256xf32>)
// CHECK:         %[[O:.*]] = fused.attention %[[Q]], %[[K]], %[[V]] bias(%[[BIAS]] : tensor<128x256xf32>) : tensor<2x8x128x64xf16>, tensor<2x8x256x64xf16>, tensor<2x8x256x64xf16> -> tensor<2x8x128x64xf16>
// CHECK:         return %[[O]]
func.func @attention_bias_rank2(%q: tensor<2x8x128x64xf16>, %k: tensor<2x8x256x64xf16>, %v: tensor<2x8x256x64xf16>, %bias: tensor<128x256xf32>) -> tensor<2x8x128x64xf16> {
  %0 = fused.attention %q, %k, %v bias(%bias : tensor<128x256xf32>) : tensor<2x8x128x64xf16>, tensor<2x8x256x64xf16>, tensor<2x8x256x64xf16> -> tensor<2x8x128x64xf16>
  return %0 : tensor<2x8x128x64xf16>
}

// -----

/// A key-padding mask [B, 1, 1, Skv] broadcasts over heads and query rows.
// CHECK-LABEL: func.func @attention_bias_padding_mask
// CHECK-SAME:    (%[[Q:.*]]: tensor<2x8x128x64xf16>, %[[K:.*]]: tensor<2x8x256x64xf16>, %[[V:.*]]: tensor<2x8x256x64xf16>, %[[BIAS:.*]]: tensor<2x1x1x256xf16>)
// CHECK:         %[[O:.*]] = fused.attention %[[Q]], %[[K]], %[[V]] bias(%[[BIAS]] : tensor<2x1x1x256xf16>) : tensor<2x8x128x64xf16>, tensor<2x8x256x64xf16>, tensor<2x8x256x64xf16> -> tensor<2x8x128x64xf16>
// CHECK:         return %[[O]]
func.func @attention_bias_padding_mask(%q: tensor<2x8x128x64xf16>, %k: tensor<2x8x256x64xf16>, %v: tensor<2x8x256x64xf16>, %bias: tensor<2x1x1x256xf16>) -> tensor<2x8x128x64xf16> {
  %0 = fused.attention %q, %k, %v bias(%bias : tensor<2x1x1x256xf16>) : tensor<2x8x128x64xf16>, tensor<2x8x256x64xf16>, tensor<2x8x256x64xf16> -> tensor<2x8x128x64xf16>
  return %0 : tensor<2x8x128x64xf16>
}

// -----

/// The optional second result is the f32 row logsumexp [B, Hq, Sq].
// CHECK-LABEL: func.func @attention_lse
// CHECK-SAME:    (%[[Q:.*]]: tensor<2x8x128x64xf16>, %[[K:.*]]: tensor<2x8x256x64xf16>, %[[V:.*]]: tensor<2x8x256x64xf16>)
// CHECK:         %[[O:.*]], %[[LSE:.*]] = fused.attention %[[Q]], %[[K]], %[[V]] : tensor<2x8x128x64xf16>, tensor<2x8x256x64xf16>, tensor<2x8x256x64xf16> -> tensor<2x8x128x64xf16>, tensor<2x8x128xf32>
// CHECK:         return %[[O]], %[[LSE]]
func.func @attention_lse(%q: tensor<2x8x128x64xf16>, %k: tensor<2x8x256x64xf16>, %v: tensor<2x8x256x64xf16>) -> (tensor<2x8x128x64xf16>, tensor<2x8x128xf32>) {
  %o, %lse = fused.attention %q, %k, %v : tensor<2x8x128x64xf16>, tensor<2x8x256x64xf16>, tensor<2x8x256x64xf16> -> tensor<2x8x128x64xf16>, tensor<2x8x128xf32>
  return %o, %lse : tensor<2x8x128x64xf16>, tensor<2x8x128xf32>
}

// -----

/// `causal` is a unit attribute.
// CHECK-LABEL: func.func @attention_causal
// CHECK-SAME:    (%[[Q:.*]]: tensor<2x8x128x64xf16>, %[[K:.*]]: tensor<2x8x128x64xf16>, %[[V:.*]]: tensor<2x8x128x64xf16>)
// CHECK:         %[[O:.*]] = fused.attention %[[Q]], %[[K]], %[[V]] {causal} : tensor<2x8x128x64xf16>, tensor<2x8x128x64xf16>, tensor<2x8x128x64xf16> -> tensor<2x8x128x64xf16>
// CHECK:         return %[[O]]
func.func @attention_causal(%q: tensor<2x8x128x64xf16>, %k: tensor<2x8x128x64xf16>, %v: tensor<2x8x128x64xf16>) -> tensor<2x8x128x64xf16> {
  %0 = fused.attention %q, %k, %v {causal} : tensor<2x8x128x64xf16>, tensor<2x8x128x64xf16>, tensor<2x8x128x64xf16> -> tensor<2x8x128x64xf16>
  return %0 : tensor<2x8x128x64xf16>
}

// -----

/// An explicit `scale` is an f32 attribute and keeps its value.
// CHECK-LABEL: func.func @attention_scale
// CHECK-SAME:    (%[[Q:.*]]: tensor<1x2x16x64xf32>, %[[K:.*]]: tensor<1x2x16x64xf32>, %[[V:.*]]: tensor<1x2x16x64xf32>)
// CHECK:         %[[O:.*]] = fused.attention %[[Q]], %[[K]], %[[V]] {scale = 1.250000e-01 : f32} : tensor<1x2x16x64xf32>, tensor<1x2x16x64xf32>, tensor<1x2x16x64xf32> -> tensor<1x2x16x64xf32>
// CHECK:         return %[[O]]
func.func @attention_scale(%q: tensor<1x2x16x64xf32>, %k: tensor<1x2x16x64xf32>, %v: tensor<1x2x16x64xf32>) -> tensor<1x2x16x64xf32> {
  %0 = fused.attention %q, %k, %v {scale = 0.125 : f32} : tensor<1x2x16x64xf32>, tensor<1x2x16x64xf32>, tensor<1x2x16x64xf32> -> tensor<1x2x16x64xf32>
  return %0 : tensor<1x2x16x64xf32>
}

// -----

/// Grouped-query attention: 8 query heads share 2 key/value heads.
// CHECK-LABEL: func.func @attention_gqa
// CHECK-SAME:    (%[[Q:.*]]: tensor<2x8x128x64xf16>, %[[K:.*]]: tensor<2x2x256x64xf16>, %[[V:.*]]: tensor<2x2x256x64xf16>)
// CHECK:         %[[O:.*]] = fused.attention %[[Q]], %[[K]], %[[V]] : tensor<2x8x128x64xf16>, tensor<2x2x256x64xf16>, tensor<2x2x256x64xf16> -> tensor<2x8x128x64xf16>
// CHECK:         return %[[O]]
func.func @attention_gqa(%q: tensor<2x8x128x64xf16>, %k: tensor<2x2x256x64xf16>, %v: tensor<2x2x256x64xf16>) -> tensor<2x8x128x64xf16> {
  %0 = fused.attention %q, %k, %v : tensor<2x8x128x64xf16>, tensor<2x2x256x64xf16>, tensor<2x2x256x64xf16> -> tensor<2x8x128x64xf16>
  return %0 : tensor<2x8x128x64xf16>
}

// -----

/// Multi-query attention: a single key/value head (Hkv = 1), decoding one
/// query row.
// CHECK-LABEL: func.func @attention_mqa
// CHECK-SAME:    (%[[Q:.*]]: tensor<4x16x1x128xbf16>, %[[K:.*]]: tensor<4x1x1024x128xbf16>, %[[V:.*]]: tensor<4x1x1024x128xbf16>)
// CHECK:         %[[O:.*]] = fused.attention %[[Q]], %[[K]], %[[V]] {causal} : tensor<4x16x1x128xbf16>, tensor<4x1x1024x128xbf16>, tensor<4x1x1024x128xbf16> -> tensor<4x16x1x128xbf16>
// CHECK:         return %[[O]]
func.func @attention_mqa(%q: tensor<4x16x1x128xbf16>, %k: tensor<4x1x1024x128xbf16>, %v: tensor<4x1x1024x128xbf16>) -> tensor<4x16x1x128xbf16> {
  %0 = fused.attention %q, %k, %v {causal} : tensor<4x16x1x128xbf16>, tensor<4x1x1024x128xbf16>, tensor<4x1x1024x128xbf16> -> tensor<4x16x1x128xbf16>
  return %0 : tensor<4x16x1x128xbf16>
}

// -----

/// Dynamic batch, heads and sequence lengths, with a dynamic lse.
// CHECK-LABEL: func.func @attention_dynamic
// CHECK-SAME:    (%[[Q:.*]]: tensor<?x?x?x64xf16>, %[[K:.*]]: tensor<?x?x?x64xf16>, %[[V:.*]]: tensor<?x?x?x64xf16>)
// CHECK:         %[[O:.*]], %[[LSE:.*]] = fused.attention %[[Q]], %[[K]], %[[V]] : tensor<?x?x?x64xf16>, tensor<?x?x?x64xf16>, tensor<?x?x?x64xf16> -> tensor<?x?x?x64xf16>, tensor<?x?x?xf32>
// CHECK:         return %[[O]], %[[LSE]]
func.func @attention_dynamic(%q: tensor<?x?x?x64xf16>, %k: tensor<?x?x?x64xf16>, %v: tensor<?x?x?x64xf16>) -> (tensor<?x?x?x64xf16>, tensor<?x?x?xf32>) {
  %o, %lse = fused.attention %q, %k, %v : tensor<?x?x?x64xf16>, tensor<?x?x?x64xf16>, tensor<?x?x?x64xf16> -> tensor<?x?x?x64xf16>, tensor<?x?x?xf32>
  return %o, %lse : tensor<?x?x?x64xf16>, tensor<?x?x?xf32>
}

// -----

/// Every optional part at once: bias, lse, causal and scale on GQA shapes.
// CHECK-LABEL: func.func @attention_everything
// CHECK-SAME:    (%[[Q:.*]]: tensor<2x8x128x64xf16>, %[[K:.*]]: tensor<2x2x256x64xf16>, %[[V:.*]]: tensor<2x2x256x64xf16>, %[[BIAS:.*]]: tensor<1x8x1x256xf16>)
// CHECK:         %[[O:.*]], %[[LSE:.*]] = fused.attention %[[Q]], %[[K]], %[[V]] bias(%[[BIAS]] : tensor<1x8x1x256xf16>) {causal, scale = 5.000000e-01 : f32} : tensor<2x8x128x64xf16>, tensor<2x2x256x64xf16>, tensor<2x2x256x64xf16> -> tensor<2x8x128x64xf16>, tensor<2x8x128xf32>
// CHECK:         return %[[O]], %[[LSE]]
func.func @attention_everything(%q: tensor<2x8x128x64xf16>, %k: tensor<2x2x256x64xf16>, %v: tensor<2x2x256x64xf16>, %bias: tensor<1x8x1x256xf16>) -> (tensor<2x8x128x64xf16>, tensor<2x8x128xf32>) {
  %o, %lse = fused.attention %q, %k, %v bias(%bias : tensor<1x8x1x256xf16>) {scale = 0.5 : f32, causal} : tensor<2x8x128x64xf16>, tensor<2x2x256x64xf16>, tensor<2x2x256x64xf16> -> tensor<2x8x128x64xf16>, tensor<2x8x128xf32>
  return %o, %lse : tensor<2x8x128x64xf16>, tensor<2x8x128xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Unary elementwise ops
//===----------------------------------------------------------------------===//

/// fused.exp on f16.
// CHECK-LABEL: func.func @unary_exp
// CHECK-SAME:    (%[[X:.*]]: tensor<4x8xf16>)
// CHECK:         %[[R:.*]] = fused.exp %[[X]] : tensor<4x8xf16>
// CHECK:         return %[[R]]
func.func @unary_exp(%x: tensor<4x8xf16>) -> tensor<4x8xf16> {
  %0 = fused.exp %x : tensor<4x8xf16>
  return %0 : tensor<4x8xf16>
}

// -----

/// fused.tanh on bf16.
// CHECK-LABEL: func.func @unary_tanh
// CHECK-SAME:    (%[[X:.*]]: tensor<4x8xbf16>)
// CHECK:         %[[R:.*]] = fused.tanh %[[X]] : tensor<4x8xbf16>
// CHECK:         return %[[R]]
func.func @unary_tanh(%x: tensor<4x8xbf16>) -> tensor<4x8xbf16> {
  %0 = fused.tanh %x : tensor<4x8xbf16>
  return %0 : tensor<4x8xbf16>
}

// -----

/// fused.silu on f32.
// CHECK-LABEL: func.func @unary_silu
// CHECK-SAME:    (%[[X:.*]]: tensor<4x8xf32>)
// CHECK:         %[[R:.*]] = fused.silu %[[X]] : tensor<4x8xf32>
// CHECK:         return %[[R]]
func.func @unary_silu(%x: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %0 = fused.silu %x : tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

/// fused.sigmoid on f16.
// CHECK-LABEL: func.func @unary_sigmoid
// CHECK-SAME:    (%[[X:.*]]: tensor<4x8xf16>)
// CHECK:         %[[R:.*]] = fused.sigmoid %[[X]] : tensor<4x8xf16>
// CHECK:         return %[[R]]
func.func @unary_sigmoid(%x: tensor<4x8xf16>) -> tensor<4x8xf16> {
  %0 = fused.sigmoid %x : tensor<4x8xf16>
  return %0 : tensor<4x8xf16>
}

// -----

/// fused.relu on a dynamic shape.
// CHECK-LABEL: func.func @unary_relu
// CHECK-SAME:    (%[[X:.*]]: tensor<?x8xf16>)
// CHECK:         %[[R:.*]] = fused.relu %[[X]] : tensor<?x8xf16>
// CHECK:         return %[[R]]
func.func @unary_relu(%x: tensor<?x8xf16>) -> tensor<?x8xf16> {
  %0 = fused.relu %x : tensor<?x8xf16>
  return %0 : tensor<?x8xf16>
}

// -----

/// fused.neg on a rank-0 tensor (elementwise ops accept any rank).
// CHECK-LABEL: func.func @unary_neg
// CHECK-SAME:    (%[[X:.*]]: tensor<f32>)
// CHECK:         %[[R:.*]] = fused.neg %[[X]] : tensor<f32>
// CHECK:         return %[[R]]
func.func @unary_neg(%x: tensor<f32>) -> tensor<f32> {
  %0 = fused.neg %x : tensor<f32>
  return %0 : tensor<f32>
}

// -----

/// fused.rsqrt on bf16.
// CHECK-LABEL: func.func @unary_rsqrt
// CHECK-SAME:    (%[[X:.*]]: tensor<2x3x4xbf16>)
// CHECK:         %[[R:.*]] = fused.rsqrt %[[X]] : tensor<2x3x4xbf16>
// CHECK:         return %[[R]]
func.func @unary_rsqrt(%x: tensor<2x3x4xbf16>) -> tensor<2x3x4xbf16> {
  %0 = fused.rsqrt %x : tensor<2x3x4xbf16>
  return %0 : tensor<2x3x4xbf16>
}

// -----

/// fused.gelu with the exact (erf) form; the keyword is printed, not the
/// enum's integer value.
// CHECK-LABEL: func.func @gelu_erf
// CHECK-SAME:    (%[[X:.*]]: tensor<4x8xbf16>)
// CHECK:         %[[R:.*]] = fused.gelu erf %[[X]] : tensor<4x8xbf16>
// CHECK:         return %[[R]]
func.func @gelu_erf(%x: tensor<4x8xbf16>) -> tensor<4x8xbf16> {
  %0 = fused.gelu erf %x : tensor<4x8xbf16>
  return %0 : tensor<4x8xbf16>
}

// -----

/// fused.gelu with the tanh approximation.
// CHECK-LABEL: func.func @gelu_tanh
// CHECK-SAME:    (%[[X:.*]]: tensor<4x8xf16>)
// CHECK:         %[[R:.*]] = fused.gelu tanh %[[X]] : tensor<4x8xf16>
// CHECK:         return %[[R]]
func.func @gelu_tanh(%x: tensor<4x8xf16>) -> tensor<4x8xf16> {
  %0 = fused.gelu tanh %x : tensor<4x8xf16>
  return %0 : tensor<4x8xf16>
}

// -----

//===----------------------------------------------------------------------===//
// fused.cast
//===----------------------------------------------------------------------===//

/// Narrowing cast f32 -> bf16.
// CHECK-LABEL: func.func @cast_f32_to_bf16
// CHECK-SAME:    (%[[X:.*]]: tensor<128x256xf32>)
// CHECK:         %[[R:.*]] = fused.cast %[[X]] : tensor<128x256xf32> to tensor<128x256xbf16>
// CHECK:         return %[[R]]
func.func @cast_f32_to_bf16(%x: tensor<128x256xf32>) -> tensor<128x256xbf16> {
  %0 = fused.cast %x : tensor<128x256xf32> to tensor<128x256xbf16>
  return %0 : tensor<128x256xbf16>
}

// -----

/// Casts to and from the 8-bit float type f8E4M3FN.
// CHECK-LABEL: func.func @cast_f8E4M3FN
// CHECK-SAME:    (%[[X:.*]]: tensor<16xf16>)
// CHECK:         %[[Y:.*]] = fused.cast %[[X]] : tensor<16xf16> to tensor<16xf8E4M3FN>
// CHECK:         %[[Z:.*]] = fused.cast %[[Y]] : tensor<16xf8E4M3FN> to tensor<16xf32>
// CHECK:         return %[[Y]], %[[Z]]
func.func @cast_f8E4M3FN(%x: tensor<16xf16>) -> (tensor<16xf8E4M3FN>, tensor<16xf32>) {
  %0 = fused.cast %x : tensor<16xf16> to tensor<16xf8E4M3FN>
  %1 = fused.cast %0 : tensor<16xf8E4M3FN> to tensor<16xf32>
  return %0, %1 : tensor<16xf8E4M3FN>, tensor<16xf32>
}

// -----

/// Casts to and from the 8-bit float type f8E5M2, and between the two fp8
/// types.
// CHECK-LABEL: func.func @cast_f8E5M2
// CHECK-SAME:    (%[[X:.*]]: tensor<16xbf16>)
// CHECK:         %[[Y:.*]] = fused.cast %[[X]] : tensor<16xbf16> to tensor<16xf8E5M2>
// CHECK:         %[[Z:.*]] = fused.cast %[[Y]] : tensor<16xf8E5M2> to tensor<16xf8E4M3FN>
// CHECK:         return %[[Y]], %[[Z]]
func.func @cast_f8E5M2(%x: tensor<16xbf16>) -> (tensor<16xf8E5M2>, tensor<16xf8E4M3FN>) {
  %0 = fused.cast %x : tensor<16xbf16> to tensor<16xf8E5M2>
  %1 = fused.cast %0 : tensor<16xf8E5M2> to tensor<16xf8E4M3FN>
  return %0, %1 : tensor<16xf8E5M2>, tensor<16xf8E4M3FN>
}

// -----

/// A dynamic input size may be refined to a static one in the result.
// CHECK-LABEL: func.func @cast_dynamic
// CHECK-SAME:    (%[[X:.*]]: tensor<?x4xf16>)
// CHECK:         %[[R:.*]] = fused.cast %[[X]] : tensor<?x4xf16> to tensor<8x4xf32>
// CHECK:         return %[[R]]
func.func @cast_dynamic(%x: tensor<?x4xf16>) -> tensor<8x4xf32> {
  %0 = fused.cast %x : tensor<?x4xf16> to tensor<8x4xf32>
  return %0 : tensor<8x4xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Binary elementwise ops
//===----------------------------------------------------------------------===//

/// fused.add with equal shapes.
// CHECK-LABEL: func.func @binary_add
// CHECK-SAME:    (%[[L:.*]]: tensor<4x8xf32>, %[[R:.*]]: tensor<4x8xf32>)
// CHECK:         %[[S:.*]] = fused.add %[[L]], %[[R]] : tensor<4x8xf32>, tensor<4x8xf32> -> tensor<4x8xf32>
// CHECK:         return %[[S]]
func.func @binary_add(%l: tensor<4x8xf32>, %r: tensor<4x8xf32>) -> tensor<4x8xf32> {
  %0 = fused.add %l, %r : tensor<4x8xf32>, tensor<4x8xf32> -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

/// fused.sub broadcasting a lower-rank rhs (trailing dimensions aligned).
// CHECK-LABEL: func.func @binary_sub
// CHECK-SAME:    (%[[L:.*]]: tensor<128x256xf16>, %[[R:.*]]: tensor<256xf16>)
// CHECK:         %[[S:.*]] = fused.sub %[[L]], %[[R]] : tensor<128x256xf16>, tensor<256xf16> -> tensor<128x256xf16>
// CHECK:         return %[[S]]
func.func @binary_sub(%l: tensor<128x256xf16>, %r: tensor<256xf16>) -> tensor<128x256xf16> {
  %0 = fused.sub %l, %r : tensor<128x256xf16>, tensor<256xf16> -> tensor<128x256xf16>
  return %0 : tensor<128x256xf16>
}

// -----

/// fused.mul where size-1 dimensions stretch on both sides.
// CHECK-LABEL: func.func @binary_mul
// CHECK-SAME:    (%[[L:.*]]: tensor<4x1x8xbf16>, %[[R:.*]]: tensor<1x16x8xbf16>)
// CHECK:         %[[S:.*]] = fused.mul %[[L]], %[[R]] : tensor<4x1x8xbf16>, tensor<1x16x8xbf16> -> tensor<4x16x8xbf16>
// CHECK:         return %[[S]]
func.func @binary_mul(%l: tensor<4x1x8xbf16>, %r: tensor<1x16x8xbf16>) -> tensor<4x16x8xbf16> {
  %0 = fused.mul %l, %r : tensor<4x1x8xbf16>, tensor<1x16x8xbf16> -> tensor<4x16x8xbf16>
  return %0 : tensor<4x16x8xbf16>
}

// -----

/// fused.div by a rank-0 (scalar) tensor.
// CHECK-LABEL: func.func @binary_div
// CHECK-SAME:    (%[[L:.*]]: tensor<4x8xf32>, %[[R:.*]]: tensor<f32>)
// CHECK:         %[[S:.*]] = fused.div %[[L]], %[[R]] : tensor<4x8xf32>, tensor<f32> -> tensor<4x8xf32>
// CHECK:         return %[[S]]
func.func @binary_div(%l: tensor<4x8xf32>, %r: tensor<f32>) -> tensor<4x8xf32> {
  %0 = fused.div %l, %r : tensor<4x8xf32>, tensor<f32> -> tensor<4x8xf32>
  return %0 : tensor<4x8xf32>
}

// -----

/// fused.max with dynamic sizes broadcasting against static ones.
// CHECK-LABEL: func.func @binary_max
// CHECK-SAME:    (%[[L:.*]]: tensor<?x8xf16>, %[[R:.*]]: tensor<4x?xf16>)
// CHECK:         %[[S:.*]] = fused.max %[[L]], %[[R]] : tensor<?x8xf16>, tensor<4x?xf16> -> tensor<4x8xf16>
// CHECK:         return %[[S]]
func.func @binary_max(%l: tensor<?x8xf16>, %r: tensor<4x?xf16>) -> tensor<4x8xf16> {
  %0 = fused.max %l, %r : tensor<?x8xf16>, tensor<4x?xf16> -> tensor<4x8xf16>
  return %0 : tensor<4x8xf16>
}

// -----

/// fused.min broadcasting a lower-rank lhs.
// CHECK-LABEL: func.func @binary_min
// CHECK-SAME:    (%[[L:.*]]: tensor<1x8xf32>, %[[R:.*]]: tensor<2x4x8xf32>)
// CHECK:         %[[S:.*]] = fused.min %[[L]], %[[R]] : tensor<1x8xf32>, tensor<2x4x8xf32> -> tensor<2x4x8xf32>
// CHECK:         return %[[S]]
func.func @binary_min(%l: tensor<1x8xf32>, %r: tensor<2x4x8xf32>) -> tensor<2x4x8xf32> {
  %0 = fused.min %l, %r : tensor<1x8xf32>, tensor<2x4x8xf32> -> tensor<2x4x8xf32>
  return %0 : tensor<2x4x8xf32>
}

// -----

//===----------------------------------------------------------------------===//
// Softmax and reductions
//===----------------------------------------------------------------------===//

/// A negative axis is kept as written (it is not normalised when printed).
// CHECK-LABEL: func.func @softmax_negative_axis
// CHECK-SAME:    (%[[X:.*]]: tensor<4x128x128xf32>)
// CHECK:         %[[R:.*]] = fused.softmax %[[X]] axis = -1 : tensor<4x128x128xf32>
// CHECK:         return %[[R]]
func.func @softmax_negative_axis(%x: tensor<4x128x128xf32>) -> tensor<4x128x128xf32> {
  %0 = fused.softmax %x axis = -1 : tensor<4x128x128xf32>
  return %0 : tensor<4x128x128xf32>
}

// -----

/// A non-negative axis on a dynamic shape.
// CHECK-LABEL: func.func @softmax_positive_axis
// CHECK-SAME:    (%[[X:.*]]: tensor<?x?xbf16>)
// CHECK:         %[[R:.*]] = fused.softmax %[[X]] axis = 0 : tensor<?x?xbf16>
// CHECK:         return %[[R]]
func.func @softmax_positive_axis(%x: tensor<?x?xbf16>) -> tensor<?x?xbf16> {
  %0 = fused.softmax %x axis = 0 : tensor<?x?xbf16>
  return %0 : tensor<?x?xbf16>
}

// -----

/// reduce_sum with keepdim keeps the reduced dimension with size 1.
// CHECK-LABEL: func.func @reduce_sum_keepdim
// CHECK-SAME:    (%[[X:.*]]: tensor<4x8xf32>)
// CHECK:         %[[R:.*]] = fused.reduce_sum %[[X]] axis = 1 keepdim : tensor<4x8xf32> -> tensor<4x1xf32>
// CHECK:         return %[[R]]
func.func @reduce_sum_keepdim(%x: tensor<4x8xf32>) -> tensor<4x1xf32> {
  %0 = fused.reduce_sum %x axis = 1 keepdim : tensor<4x8xf32> -> tensor<4x1xf32>
  return %0 : tensor<4x1xf32>
}

// -----

/// reduce_sum without keepdim removes the dimension; negative axis.
// CHECK-LABEL: func.func @reduce_sum_drop
// CHECK-SAME:    (%[[X:.*]]: tensor<2x4x8xf16>)
// CHECK:         %[[R:.*]] = fused.reduce_sum %[[X]] axis = -2 : tensor<2x4x8xf16> -> tensor<2x8xf16>
// CHECK:         return %[[R]]
func.func @reduce_sum_drop(%x: tensor<2x4x8xf16>) -> tensor<2x8xf16> {
  %0 = fused.reduce_sum %x axis = -2 : tensor<2x4x8xf16> -> tensor<2x8xf16>
  return %0 : tensor<2x8xf16>
}

// -----

/// reduce_max with keepdim and a negative axis.
// CHECK-LABEL: func.func @reduce_max_keepdim
// CHECK-SAME:    (%[[X:.*]]: tensor<4x128x128xbf16>)
// CHECK:         %[[R:.*]] = fused.reduce_max %[[X]] axis = -1 keepdim : tensor<4x128x128xbf16> -> tensor<4x128x1xbf16>
// CHECK:         return %[[R]]
func.func @reduce_max_keepdim(%x: tensor<4x128x128xbf16>) -> tensor<4x128x1xbf16> {
  %0 = fused.reduce_max %x axis = -1 keepdim : tensor<4x128x128xbf16> -> tensor<4x128x1xbf16>
  return %0 : tensor<4x128x1xbf16>
}

// -----

/// reduce_max of a rank-1 tensor without keepdim gives a rank-0 tensor.
// CHECK-LABEL: func.func @reduce_max_to_scalar
// CHECK-SAME:    (%[[X:.*]]: tensor<?xf32>)
// CHECK:         %[[R:.*]] = fused.reduce_max %[[X]] axis = 0 : tensor<?xf32> -> tensor<f32>
// CHECK:         return %[[R]]
func.func @reduce_max_to_scalar(%x: tensor<?xf32>) -> tensor<f32> {
  %0 = fused.reduce_max %x axis = 0 : tensor<?xf32> -> tensor<f32>
  return %0 : tensor<f32>
}

// -----

//===----------------------------------------------------------------------===//
// Normalisation
//===----------------------------------------------------------------------===//

/// layernorm without weight or bias; the default epsilon is not printed.
// CHECK-LABEL: func.func @layernorm_plain
// CHECK-SAME:    (%[[X:.*]]: tensor<4x768xf16>)
// CHECK:         %[[R:.*]] = fused.layernorm %[[X]] : tensor<4x768xf16>
// CHECK:         return %[[R]]
func.func @layernorm_plain(%x: tensor<4x768xf16>) -> tensor<4x768xf16> {
  %0 = fused.layernorm %x : tensor<4x768xf16>
  return %0 : tensor<4x768xf16>
}

// -----

/// layernorm with a weight only.
// CHECK-LABEL: func.func @layernorm_weight_only
// CHECK-SAME:    (%[[X:.*]]: tensor<4x768xf16>, %[[W:.*]]: tensor<768xf16>)
// CHECK:         %[[R:.*]] = fused.layernorm %[[X]] weight(%[[W]] : tensor<768xf16>) : tensor<4x768xf16>
// CHECK:         return %[[R]]
func.func @layernorm_weight_only(%x: tensor<4x768xf16>, %w: tensor<768xf16>) -> tensor<4x768xf16> {
  %0 = fused.layernorm %x weight(%w : tensor<768xf16>) : tensor<4x768xf16>
  return %0 : tensor<4x768xf16>
}

// -----

/// layernorm with a bias only: the operand segments tell it from a weight.
// CHECK-LABEL: func.func @layernorm_bias_only
// CHECK-SAME:    (%[[X:.*]]: tensor<4x768xf16>, %[[B:.*]]: tensor<768xf16>)
// CHECK:         %[[R:.*]] = fused.layernorm %[[X]] bias(%[[B]] : tensor<768xf16>) : tensor<4x768xf16>
// CHECK:         return %[[R]]
func.func @layernorm_bias_only(%x: tensor<4x768xf16>, %b: tensor<768xf16>) -> tensor<4x768xf16> {
  %0 = fused.layernorm %x bias(%b : tensor<768xf16>) : tensor<4x768xf16>
  return %0 : tensor<4x768xf16>
}

// -----

/// layernorm with weight, bias (f32 parameters on f16 data) and an explicit
/// epsilon (the example of the op description).
// CHECK-LABEL: func.func @layernorm_weight_bias_epsilon
// CHECK-SAME:    (%[[X:.*]]: tensor<4x128x768xf16>, %[[W:.*]]: tensor<768xf32>, %[[B:.*]]: tensor<768xf32>)
// CHECK:         %[[R:.*]] = fused.layernorm %[[X]] weight(%[[W]] : tensor<768xf32>) bias(%[[B]] : tensor<768xf32>) {epsilon = 1.000000e-03 : f64} : tensor<4x128x768xf16>
// CHECK:         return %[[R]]
func.func @layernorm_weight_bias_epsilon(%x: tensor<4x128x768xf16>, %w: tensor<768xf32>, %b: tensor<768xf32>) -> tensor<4x128x768xf16> {
  %0 = fused.layernorm %x weight(%w : tensor<768xf32>) bias(%b : tensor<768xf32>) {epsilon = 1.0e-03 : f64} : tensor<4x128x768xf16>
  return %0 : tensor<4x128x768xf16>
}

// -----

/// rmsnorm without weight; the default epsilon is not printed.
// CHECK-LABEL: func.func @rmsnorm_plain
// CHECK-SAME:    (%[[X:.*]]: tensor<16x4096xbf16>)
// CHECK:         %[[R:.*]] = fused.rmsnorm %[[X]] : tensor<16x4096xbf16>
// CHECK:         return %[[R]]
func.func @rmsnorm_plain(%x: tensor<16x4096xbf16>) -> tensor<16x4096xbf16> {
  %0 = fused.rmsnorm %x : tensor<16x4096xbf16>
  return %0 : tensor<16x4096xbf16>
}

// -----

/// rmsnorm with a weight and an explicit epsilon, on a dynamic row count.
// CHECK-LABEL: func.func @rmsnorm_weight_epsilon
// CHECK-SAME:    (%[[X:.*]]: tensor<?x4096xbf16>, %[[W:.*]]: tensor<4096xbf16>)
// CHECK:         %[[R:.*]] = fused.rmsnorm %[[X]] weight(%[[W]] : tensor<4096xbf16>) {epsilon = 1.000000e-05 : f64} : tensor<?x4096xbf16>
// CHECK:         return %[[R]]
func.func @rmsnorm_weight_epsilon(%x: tensor<?x4096xbf16>, %w: tensor<4096xbf16>) -> tensor<?x4096xbf16> {
  %0 = fused.rmsnorm %x weight(%w : tensor<4096xbf16>) {epsilon = 1.0e-05 : f64} : tensor<?x4096xbf16>
  return %0 : tensor<?x4096xbf16>
}

// -----

//===----------------------------------------------------------------------===//
// fused.transpose
//===----------------------------------------------------------------------===//

/// Swapping the middle dimensions of a 4-d tensor ([B, S, H, D] to
/// [B, H, S, D]).
// CHECK-LABEL: func.func @transpose_heads
// CHECK-SAME:    (%[[X:.*]]: tensor<2x128x8x64xf16>)
// CHECK:         %[[R:.*]] = fused.transpose %[[X]] permutation = [0, 2, 1, 3] : tensor<2x128x8x64xf16> -> tensor<2x8x128x64xf16>
// CHECK:         return %[[R]]
func.func @transpose_heads(%x: tensor<2x128x8x64xf16>) -> tensor<2x8x128x64xf16> {
  %0 = fused.transpose %x permutation = [0, 2, 1, 3] : tensor<2x128x8x64xf16> -> tensor<2x8x128x64xf16>
  return %0 : tensor<2x8x128x64xf16>
}

// -----

/// A non-involutive permutation on a dynamic shape.
// CHECK-LABEL: func.func @transpose_rotate_dynamic
// CHECK-SAME:    (%[[X:.*]]: tensor<?x4x8xf32>)
// CHECK:         %[[R:.*]] = fused.transpose %[[X]] permutation = [2, 0, 1] : tensor<?x4x8xf32> -> tensor<8x?x4xf32>
// CHECK:         return %[[R]]
func.func @transpose_rotate_dynamic(%x: tensor<?x4x8xf32>) -> tensor<8x?x4xf32> {
  %0 = fused.transpose %x permutation = [2, 0, 1] : tensor<?x4x8xf32> -> tensor<8x?x4xf32>
  return %0 : tensor<8x?x4xf32>
}

// -----

/// A kernel: block arguments mirror the inputs, fused.yield the results.
// CHECK-LABEL: func.func @kernel_gemm_epilogue
// CHECK-SAME: (%[[A:.*]]: tensor<8x4xf16>, %[[B:.*]]: tensor<4x16xf16>, %[[C:.*]]: tensor<16xf32>)
// CHECK: %[[K:.*]] = fused.kernel gemm ins(%[[A]], %[[B]], %[[C]] : tensor<8x4xf16>, tensor<4x16xf16>, tensor<16xf32>) -> tensor<8x16xf32> {
// CHECK-NEXT: ^bb0(%[[X:.*]]: tensor<8x4xf16>, %[[Y:.*]]: tensor<4x16xf16>, %[[Z:.*]]: tensor<16xf32>):
// CHECK-NEXT: %[[M:.*]] = fused.matmul %[[X]], %[[Y]] : tensor<8x4xf16>, tensor<4x16xf16> -> tensor<8x16xf32>
// CHECK-NEXT: %[[S:.*]] = fused.add %[[M]], %[[Z]] : tensor<8x16xf32>, tensor<16xf32> -> tensor<8x16xf32>
// CHECK-NEXT: fused.yield %[[S]] : tensor<8x16xf32>
// CHECK-NEXT: }
// CHECK-NEXT: return %[[K]]
func.func @kernel_gemm_epilogue(%a: tensor<8x4xf16>, %b: tensor<4x16xf16>, %c: tensor<16xf32>) -> tensor<8x16xf32> {
  %k = fused.kernel gemm ins(%a, %b, %c : tensor<8x4xf16>, tensor<4x16xf16>, tensor<16xf32>) -> tensor<8x16xf32> {
  ^bb0(%x: tensor<8x4xf16>, %y: tensor<4x16xf16>, %z: tensor<16xf32>):
    %m = fused.matmul %x, %y : tensor<8x4xf16>, tensor<4x16xf16> -> tensor<8x16xf32>
    %s = fused.add %m, %z : tensor<8x16xf32>, tensor<16xf32> -> tensor<8x16xf32>
    fused.yield %s : tensor<8x16xf32>
  }
  return %k : tensor<8x16xf32>
}

// -----

/// A kernel with two results.
// CHECK-LABEL: func.func @kernel_two_results
// CHECK: %[[K:.*]]:2 = fused.kernel attention ins(%{{.*}}, %{{.*}}, %{{.*}} : tensor<1x2x4x8xf16>, tensor<1x1x4x8xf16>, tensor<1x1x4x8xf16>) -> tensor<1x2x4x8xf16>, tensor<1x2x4xf32> {
// CHECK: fused.yield %{{.*}}, %{{.*}} : tensor<1x2x4x8xf16>, tensor<1x2x4xf32>
// CHECK: return %[[K]]#0, %[[K]]#1
func.func @kernel_two_results(%q: tensor<1x2x4x8xf16>, %k: tensor<1x1x4x8xf16>, %v: tensor<1x1x4x8xf16>) -> (tensor<1x2x4x8xf16>, tensor<1x2x4xf32>) {
  %r:2 = fused.kernel attention ins(%q, %k, %v : tensor<1x2x4x8xf16>, tensor<1x1x4x8xf16>, tensor<1x1x4x8xf16>) -> tensor<1x2x4x8xf16>, tensor<1x2x4xf32> {
  ^bb0(%a: tensor<1x2x4x8xf16>, %b: tensor<1x1x4x8xf16>, %c: tensor<1x1x4x8xf16>):
    %o, %l = fused.attention %a, %b, %c : tensor<1x2x4x8xf16>, tensor<1x1x4x8xf16>, tensor<1x1x4x8xf16> -> tensor<1x2x4x8xf16>, tensor<1x2x4xf32>
    fused.yield %o, %l : tensor<1x2x4x8xf16>, tensor<1x2x4xf32>
  }
  return %r#0, %r#1 : tensor<1x2x4x8xf16>, tensor<1x2x4xf32>
}

// -----

func.func private @kernel_fn(memref<8x4xf16>, memref<8x4xf32>)

/// A launch of a kernel function: one memref per input, then per result;
/// a GEMM configuration attribute round-trips.
// CHECK-LABEL: func.func @launch
// CHECK-SAME: (%[[X:.*]]: tensor<8x4xf16>)
// CHECK: %[[R:.*]] = fused.launch @kernel_fn(%[[X]]) {cfg = #fused.gemm_config<block = [128, 128, 32], warps = [2, 4], stages = 4>} : (tensor<8x4xf16>) -> tensor<8x4xf32>
// CHECK: return %[[R]]
func.func @launch(%x: tensor<8x4xf16>) -> tensor<8x4xf32> {
  %r = fused.launch @kernel_fn(%x) {cfg = #fused.gemm_config<block = [128, 128, 32], warps = [2, 4], stages = 4>} : (tensor<8x4xf16>) -> tensor<8x4xf32>
  return %r : tensor<8x4xf32>
}

// -----

/// Tile-level copies and the async group ops.
// CHECK-LABEL: func.func @tile_copies
// CHECK-SAME: (%[[S:.*]]: memref<?x?xf16, strided<[200, 1], offset: ?>>, %[[D:.*]]: memref<128x32xf16, #gpu.address_space<workgroup>>)
// CHECK: fused.copy_tile %[[S]], %[[D]] : memref<?x?xf16, strided<[200, 1], offset: ?>>, memref<128x32xf16, #gpu.address_space<workgroup>>
// CHECK-NEXT: fused.async_commit
// CHECK-NEXT: fused.async_wait pending = 2
func.func @tile_copies(%s: memref<?x?xf16, strided<[200, 1], offset: ?>>, %d: memref<128x32xf16, #gpu.address_space<workgroup>>) {
  fused.copy_tile %s, %d : memref<?x?xf16, strided<[200, 1], offset: ?>>, memref<128x32xf16, #gpu.address_space<workgroup>>
  fused.async_commit
  fused.async_wait pending = 2
  return
}

// -----

/// The attributes passes leave on kernel functions and their ops round-trip.
// CHECK-LABEL: func.func private @kernel_attributes
// CHECK-SAME: fused.attention_config = #fused.attention_config<block = [64, 32], warps = 4>
// CHECK-SAME: fused.kernel_kind = #fused<kernel_kind attention>
// CHECK-SAME: fused.launch = #fused.launch<grid = [3, 8, 2], block = [128, 1, 1], shared = 40960, outputs = 2>
// CHECK-SAME: fused.promoted
// CHECK: memref.alloc() {fused.swizzle = #fused<swizzle xor16>}
// CHECK: memref.store {{.*}} {fused.role = #fused<role epilogue>}
func.func private @kernel_attributes(%m: memref<4xf32>, %c: f32, %i: index) attributes {fused.attention_config = #fused.attention_config<block = [64, 32], warps = 4>, fused.kernel_kind = #fused<kernel_kind attention>, fused.launch = #fused.launch<grid = [3, 8, 2], block = [128, 1, 1], shared = 40960, outputs = 2>, fused.promoted} {
  %a = memref.alloc() {fused.swizzle = #fused<swizzle xor16>} : memref<4xf32>
  memref.store %c, %m[%i] {fused.role = #fused<role epilogue>} : memref<4xf32>
  return
}

// -----

// CHECK-LABEL: func.func @views
// CHECK: fused.reshape %{{.*}} : tensor<128x768xf16> to tensor<128x12x64xf16>
// CHECK: fused.slice %{{.*}} offsets = [1, 0, 0, 0] : tensor<3x12x128x64xf16> to tensor<1x12x128x64xf16>
func.func @views(%x: tensor<128x768xf16>, %qkv: tensor<3x12x128x64xf16>)
    -> (tensor<128x12x64xf16>, tensor<1x12x128x64xf16>) {
  %h = fused.reshape %x : tensor<128x768xf16> to tensor<128x12x64xf16>
  %k = fused.slice %qkv offsets = [1, 0, 0, 0]
      : tensor<3x12x128x64xf16> to tensor<1x12x128x64xf16>
  return %h, %k : tensor<128x12x64xf16>, tensor<1x12x128x64xf16>
}

// -----

// CHECK-LABEL: func.func @rope
// CHECK: fused.rope %{{.*}}, %{{.*}}, %{{.*}} : tensor<1x4x16x64xbf16>, tensor<16x32xf32>, tensor<16x32xf32>
// CHECK: fused.rope %{{.*}}, %{{.*}}, %{{.*}} {interleaved} : tensor<2x16x64xf16>, tensor<16x16xf16>, tensor<16x16xf16>
func.func @rope(%q: tensor<1x4x16x64xbf16>, %c: tensor<16x32xf32>, %s: tensor<16x32xf32>,
                %x: tensor<2x16x64xf16>, %c2: tensor<16x16xf16>, %s2: tensor<16x16xf16>)
    -> (tensor<1x4x16x64xbf16>, tensor<2x16x64xf16>) {
  %0 = fused.rope %q, %c, %s : tensor<1x4x16x64xbf16>, tensor<16x32xf32>, tensor<16x32xf32>
  %1 = fused.rope %x, %c2, %s2 {interleaved} : tensor<2x16x64xf16>, tensor<16x16xf16>, tensor<16x16xf16>
  return %0, %1 : tensor<1x4x16x64xbf16>, tensor<2x16x64xf16>
}

// -----

/// A Hopper kernel's launch configuration lists its TMA tensor maps.
// CHECK-LABEL: func.func private @hopper_launch
// CHECK-SAME: fused.launch = #fused.launch<grid = [0, 2, 1], block = [384, 1, 1], shared = 133120, outputs = 1, sizes = ["(a2.d0 + 127) / 128", "", ""], tensor_maps = [#fused.tensor_map<arg = 0, box = [128, 64], swizzle = 128>, #fused.tensor_map<arg = 1, box = [64, 64], swizzle = 128>]>
func.func private @hopper_launch() attributes {fused.launch = #fused.launch<grid = [0, 2, 1], block = [384, 1, 1], shared = 133120, outputs = 1, sizes = ["(a2.d0 + 127) / 128", "", ""], tensor_maps = [#fused.tensor_map<arg = 0, box = [128, 64], swizzle = 128>, #fused.tensor_map<arg = 1, box = [64, 64], swizzle = 128>]>}
