// RUN: fused-compile --reference %s --print-values=16 | FileCheck %s

/// Softmax of [0, log 2, log 3] is [1/6, 2/6, 3/6].
// CHECK-LABEL: reference evaluation of @softmax_known_vector
// CHECK: result 0: tensor<3xf32>
// CHECK-NEXT: shape [3]
// CHECK-NEXT: values 0.166667 0.333333 0.5{{$}}
func.func @softmax_known_vector() -> tensor<3xf32> {
  %x = arith.constant dense<[0.0, 0.69314718055994529, 1.0986122886681098]> : tensor<3xf32>
  %s = fused.softmax %x axis = 0 : tensor<3xf32>
  return %s : tensor<3xf32>
}

/// The second key's score dominates (100 * scale), so the output is its value
/// row and lse is its score.
// CHECK-LABEL: reference evaluation of @attention_one_key_wins
// CHECK: result 0: tensor<1x1x1x2xf32>
// CHECK: values 7 -3{{$}}
// CHECK: result 1: tensor<1x1x1xf32>
// CHECK: values 100{{$}}
func.func @attention_one_key_wins() -> (tensor<1x1x1x2xf32>, tensor<1x1x1xf32>) {
  %q = arith.constant dense<[[[[1.0, 0.0]]]]> : tensor<1x1x1x2xf32>
  %k = arith.constant dense<[[[[0.0, 1.0], [100.0, 0.0]]]]> : tensor<1x1x2x2xf32>
  %v = arith.constant dense<[[[[1.0, 2.0], [7.0, -3.0]]]]> : tensor<1x1x2x2xf32>
  %o, %l = fused.attention %q, %k, %v {scale = 1.0 : f32}
      : tensor<1x1x1x2xf32>, tensor<1x1x2x2xf32>, tensor<1x1x2x2xf32>
      -> tensor<1x1x1x2xf32>, tensor<1x1x1xf32>
  return %o, %l : tensor<1x1x1x2xf32>, tensor<1x1x1xf32>
}

/// Causal with Sq = Skv: the first query row sees only the first key.
// CHECK-LABEL: reference evaluation of @attention_causal_first_row
// CHECK: result 0: tensor<1x1x2x1xf32>
// CHECK: values 5 {{.*}}
func.func @attention_causal_first_row() -> tensor<1x1x2x1xf32> {
  %q = arith.constant dense<[[[[1.0], [1.0]]]]> : tensor<1x1x2x1xf32>
  %k = arith.constant dense<[[[[1.0], [2.0]]]]> : tensor<1x1x2x1xf32>
  %v = arith.constant dense<[[[[5.0], [9.0]]]]> : tensor<1x1x2x1xf32>
  %o = fused.attention %q, %k, %v {causal}
      : tensor<1x1x2x1xf32>, tensor<1x1x2x1xf32>, tensor<1x1x2x1xf32>
      -> tensor<1x1x2x1xf32>
  return %o : tensor<1x1x2x1xf32>
}

/// Bottom-right alignment with Sq = 2 > Skv = 1: row 0 sees no key (zeros,
/// lse = -inf), row 1 sees key 0.
// CHECK-LABEL: reference evaluation of @attention_causal_bottom_right
// CHECK: result 0: tensor<1x1x2x1xf32>
// CHECK: values 0 4{{$}}
// CHECK: result 1: tensor<1x1x2xf32>
// CHECK: values -inf 3{{$}}
func.func @attention_causal_bottom_right() -> (tensor<1x1x2x1xf32>, tensor<1x1x2xf32>) {
  %q = arith.constant dense<[[[[1.0], [1.0]]]]> : tensor<1x1x2x1xf32>
  %k = arith.constant dense<[[[[3.0]]]]> : tensor<1x1x1x1xf32>
  %v = arith.constant dense<[[[[4.0]]]]> : tensor<1x1x1x1xf32>
  %o, %l = fused.attention %q, %k, %v {causal}
      : tensor<1x1x2x1xf32>, tensor<1x1x1x1xf32>, tensor<1x1x1x1xf32>
      -> tensor<1x1x2x1xf32>, tensor<1x1x2xf32>
  return %o, %l : tensor<1x1x2x1xf32>, tensor<1x1x2xf32>
}

/// GQA: query heads 0 and 1 read KV head 0, heads 2 and 3 read KV head 1.
// CHECK-LABEL: reference evaluation of @attention_gqa_head_mapping
// CHECK: result 0: tensor<1x4x1x1xf32>
// CHECK: values 10 10 20 20{{$}}
func.func @attention_gqa_head_mapping() -> tensor<1x4x1x1xf32> {
  %q = arith.constant dense<1.0> : tensor<1x4x1x1xf32>
  %k = arith.constant dense<1.0> : tensor<1x2x1x1xf32>
  %v = arith.constant dense<[[[[10.0]], [[20.0]]]]> : tensor<1x2x1x1xf32>
  %o = fused.attention %q, %k, %v
      : tensor<1x4x1x1xf32>, tensor<1x2x1x1xf32>, tensor<1x2x1x1xf32>
      -> tensor<1x4x1x1xf32>
  return %o : tensor<1x4x1x1xf32>
}

/// Batched matmul with a broadcast B and transpose_b.
// CHECK-LABEL: reference evaluation of @matmul_broadcast_transpose
// CHECK: result 0: tensor<2x1x2xf32>
// CHECK: values 3 4 -3 -4{{$}}
func.func @matmul_broadcast_transpose() -> tensor<2x1x2xf32> {
  %a = arith.constant dense<[[[1.0, 1.0]], [[-1.0, -1.0]]]> : tensor<2x1x2xf32>
  %b = arith.constant dense<[[1.0, 2.0], [3.0, 1.0]]> : tensor<2x2xf32>
  %c = fused.matmul %a, %b {transpose_b}
      : tensor<2x1x2xf32>, tensor<2x2xf32> -> tensor<2x1x2xf32>
  return %c : tensor<2x1x2xf32>
}

/// layernorm of [1, 2, 3, 4] (mean 2.5, variance 1.25) with weight 2, bias 1.
// CHECK-LABEL: reference evaluation of @layernorm_affine
// CHECK: values -1.68328 0.105573 1.89443 3.68328{{$}}
func.func @layernorm_affine() -> tensor<1x4xf32> {
  %x = arith.constant dense<[[1.0, 2.0, 3.0, 4.0]]> : tensor<1x4xf32>
  %w = arith.constant dense<2.0> : tensor<4xf32>
  %b = arith.constant dense<1.0> : tensor<4xf32>
  %y = fused.layernorm %x weight(%w : tensor<4xf32>) bias(%b : tensor<4xf32>)
      {epsilon = 0.0 : f64} : tensor<1x4xf32>
  return %y : tensor<1x4xf32>
}

/// A cast to f16 rounds to nearest even: 1 + 2^-11 -> 1, 1 + 3 * 2^-11 -> 1 + 2^-9.
// CHECK-LABEL: reference evaluation of @cast_rounds
// CHECK: values 1 1.00195{{$}}
func.func @cast_rounds() -> tensor<2xf16> {
  %x = arith.constant dense<[1.00048828125, 1.00146484375]> : tensor<2xf32>
  %y = fused.cast %x : tensor<2xf32> to tensor<2xf16>
  return %y : tensor<2xf16>
}
