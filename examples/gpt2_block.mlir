// A GPT-2 transformer block (pre-norm): any number of tokens (the dynamic
// dimension ?), model width 128, 4 heads of 32, MLP width 512, f16
// activations and weights, f32 norms and biases.
//
//   fused-compile --run --check --sizes=96 examples/gpt2_block.mlir
//
// compiles it to 9 kernels, the same for every token count, (the norms, four GEMMs with their bias, GELU,
// cast and residual epilogues, the heads' transposes and one causal
// attention) and runs them on the best device present (the emulator when
// there is no GPU) against the float64 reference. The heads come from the
// QKV projection by views: a reshape and three slices move no data.

func.func @gpt2_block(%x: tensor<?x128xf16>,
    %ln1_g: tensor<128xf32>, %ln1_b: tensor<128xf32>,
    %w_qkv: tensor<128x384xf16>, %b_qkv: tensor<384xf32>,
    %w_proj: tensor<128x128xf16>, %b_proj: tensor<128xf32>,
    %ln2_g: tensor<128xf32>, %ln2_b: tensor<128xf32>,
    %w_fc: tensor<128x512xf16>, %b_fc: tensor<512xf32>,
    %w_out: tensor<512x128xf16>, %b_out: tensor<128xf32>)
    -> tensor<?x128xf16> {
  // Attention.
  %h = fused.layernorm %x weight(%ln1_g : tensor<128xf32>)
      bias(%ln1_b : tensor<128xf32>) : tensor<?x128xf16>
  %qkv = fused.matmul %h, %w_qkv
      : tensor<?x128xf16>, tensor<128x384xf16> -> tensor<?x384xf32>
  %qkv_b = fused.add %qkv, %b_qkv
      : tensor<?x384xf32>, tensor<384xf32> -> tensor<?x384xf32>
  %qkv_h = fused.cast %qkv_b : tensor<?x384xf32> to tensor<?x384xf16>
  %split = fused.reshape %qkv_h : tensor<?x384xf16> to tensor<?x3x4x32xf16>
  %heads = fused.transpose %split permutation = [1, 2, 0, 3]
      : tensor<?x3x4x32xf16> -> tensor<3x4x?x32xf16>
  %q = fused.slice %heads offsets = [0, 0, 0, 0]
      : tensor<3x4x?x32xf16> to tensor<1x4x?x32xf16>
  %k = fused.slice %heads offsets = [1, 0, 0, 0]
      : tensor<3x4x?x32xf16> to tensor<1x4x?x32xf16>
  %v = fused.slice %heads offsets = [2, 0, 0, 0]
      : tensor<3x4x?x32xf16> to tensor<1x4x?x32xf16>
  // The scale stands for the weights' magnitude: random inputs (uniform in
  // [-1, 1]) make Q and K about 50 times larger than a trained model's, and
  // at 1/sqrt(32) the scores would be so large that one rounding of Q in f16
  // could move the softmax.
  %o = fused.attention %q, %k, %v {causal, scale = 0.01 : f32}
      : tensor<1x4x?x32xf16>, tensor<1x4x?x32xf16>, tensor<1x4x?x32xf16>
      -> tensor<1x4x?x32xf16>
  %o_t = fused.transpose %o permutation = [0, 2, 1, 3]
      : tensor<1x4x?x32xf16> -> tensor<1x?x4x32xf16>
  %o_m = fused.reshape %o_t : tensor<1x?x4x32xf16> to tensor<?x128xf16>
  %proj = fused.matmul %o_m, %w_proj
      : tensor<?x128xf16>, tensor<128x128xf16> -> tensor<?x128xf32>
  %proj_b = fused.add %proj, %b_proj
      : tensor<?x128xf32>, tensor<128xf32> -> tensor<?x128xf32>
  %proj_h = fused.cast %proj_b : tensor<?x128xf32> to tensor<?x128xf16>
  %x1 = fused.add %proj_h, %x
      : tensor<?x128xf16>, tensor<?x128xf16> -> tensor<?x128xf16>

  // MLP.
  %h2 = fused.layernorm %x1 weight(%ln2_g : tensor<128xf32>)
      bias(%ln2_b : tensor<128xf32>) : tensor<?x128xf16>
  %fc = fused.matmul %h2, %w_fc
      : tensor<?x128xf16>, tensor<128x512xf16> -> tensor<?x512xf32>
  %fc_b = fused.add %fc, %b_fc
      : tensor<?x512xf32>, tensor<512xf32> -> tensor<?x512xf32>
  %act = fused.gelu tanh %fc_b : tensor<?x512xf32>
  %act_h = fused.cast %act : tensor<?x512xf32> to tensor<?x512xf16>
  %out = fused.matmul %act_h, %w_out
      : tensor<?x512xf16>, tensor<512x128xf16> -> tensor<?x128xf32>
  %out_b = fused.add %out, %b_out
      : tensor<?x128xf32>, tensor<128xf32> -> tensor<?x128xf32>
  %out_h = fused.cast %out_b : tensor<?x128xf32> to tensor<?x128xf16>
  %y = fused.add %out_h, %x1
      : tensor<?x128xf16>, tensor<?x128xf16> -> tensor<?x128xf16>
  return %y : tensor<?x128xf16>
}
