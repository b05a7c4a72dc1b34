// A Llama transformer block: any number of tokens (the dynamic dimension
// ?; the rotary tables have a row per token), model width 128, 4 query heads and
// 2 key/value heads of 32 (grouped-query attention), rotary embeddings on
// Q and K, SwiGLU MLP of width 256; bf16 activations and weights, f32
// rotary tables and norm weights.
//
//   fused-compile --run --check --sizes=96 examples/llama_block.mlir
//
// compiles it to 12 kernels, the same for every token count: RMSNorm; the fused QKV projection; the heads'
// transpose (Q, K and V are then views of it); RoPE on Q and on K; one
// causal GQA attention; the transpose of its output back to tokens; the
// output projection with the residual add in its epilogue; RMSNorm; the up projection; the gate projection with SiLU and
// the product with the up projection (SwiGLU) in its epilogue; the down
// projection with the residual add; and checks the result against the
// float64 reference.

func.func @llama_block(%x: tensor<?x128xbf16>, %norm1: tensor<128xf32>,
    %w_qkv: tensor<128x256xbf16>, %cos: tensor<?x16xf32>,
    %sin: tensor<?x16xf32>, %w_o: tensor<128x128xbf16>,
    %norm2: tensor<128xf32>, %w_up: tensor<128x256xbf16>,
    %w_gate: tensor<128x256xbf16>, %w_down: tensor<256x128xbf16>)
    -> tensor<?x128xbf16> {
  // Attention.
  %h = fused.rmsnorm %x weight(%norm1 : tensor<128xf32>) : tensor<?x128xbf16>
  %qkv = fused.matmul %h, %w_qkv
      : tensor<?x128xbf16>, tensor<128x256xbf16> -> tensor<?x256xbf16>
  %split = fused.reshape %qkv : tensor<?x256xbf16> to tensor<?x8x32xbf16>
  %heads = fused.transpose %split permutation = [1, 0, 2]
      : tensor<?x8x32xbf16> -> tensor<8x?x32xbf16>
  %q3 = fused.slice %heads offsets = [0, 0, 0]
      : tensor<8x?x32xbf16> to tensor<4x?x32xbf16>
  %k3 = fused.slice %heads offsets = [4, 0, 0]
      : tensor<8x?x32xbf16> to tensor<2x?x32xbf16>
  %v3 = fused.slice %heads offsets = [6, 0, 0]
      : tensor<8x?x32xbf16> to tensor<2x?x32xbf16>
  %q = fused.reshape %q3 : tensor<4x?x32xbf16> to tensor<1x4x?x32xbf16>
  %k = fused.reshape %k3 : tensor<2x?x32xbf16> to tensor<1x2x?x32xbf16>
  %v = fused.reshape %v3 : tensor<2x?x32xbf16> to tensor<1x2x?x32xbf16>
  %qr = fused.rope %q, %cos, %sin
      : tensor<1x4x?x32xbf16>, tensor<?x16xf32>, tensor<?x16xf32>
  %kr = fused.rope %k, %cos, %sin
      : tensor<1x2x?x32xbf16>, tensor<?x16xf32>, tensor<?x16xf32>
  // The scale stands for the weights' magnitude: random inputs (uniform in
  // [-1, 1]) make Q and K far larger than a trained model's, and at
  // 1/sqrt(32) one rounding of Q in bf16 could move the softmax.
  %o = fused.attention %qr, %kr, %v {causal, scale = 0.01 : f32}
      : tensor<1x4x?x32xbf16>, tensor<1x2x?x32xbf16>, tensor<1x2x?x32xbf16>
      -> tensor<1x4x?x32xbf16>
  %o_t = fused.transpose %o permutation = [0, 2, 1, 3]
      : tensor<1x4x?x32xbf16> -> tensor<1x?x4x32xbf16>
  %o_m = fused.reshape %o_t : tensor<1x?x4x32xbf16> to tensor<?x128xbf16>
  %attn = fused.matmul %o_m, %w_o
      : tensor<?x128xbf16>, tensor<128x128xbf16> -> tensor<?x128xbf16>
  %x1 = fused.add %attn, %x
      : tensor<?x128xbf16>, tensor<?x128xbf16> -> tensor<?x128xbf16>

  // SwiGLU MLP.
  %h2 = fused.rmsnorm %x1 weight(%norm2 : tensor<128xf32>) : tensor<?x128xbf16>
  %up = fused.matmul %h2, %w_up
      : tensor<?x128xbf16>, tensor<128x256xbf16> -> tensor<?x256xbf16>
  %gate = fused.matmul %h2, %w_gate
      : tensor<?x128xbf16>, tensor<128x256xbf16> -> tensor<?x256xbf16>
  %act = fused.silu %gate : tensor<?x256xbf16>
  %swiglu = fused.mul %act, %up
      : tensor<?x256xbf16>, tensor<?x256xbf16> -> tensor<?x256xbf16>
  %down = fused.matmul %swiglu, %w_down
      : tensor<?x256xbf16>, tensor<256x128xbf16> -> tensor<?x128xbf16>
  %y = fused.add %down, %x1
      : tensor<?x128xbf16>, tensor<?x128xbf16> -> tensor<?x128xbf16>
  return %y : tensor<?x128xbf16>
}
