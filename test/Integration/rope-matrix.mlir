/// Rotary position embeddings against the float64 reference with fresh
/// random inputs each run: the half-split form (GPT-NeoX, Llama) and the
/// interleaved one (GPT-J); every feature rotated or only the first R
/// (partial rotary); f16, bf16 and f32 inputs with f32 or own-type tables;
/// rank 2 to 5; positions and features that are not multiples of anything.
// RUN: fused-compile --run --device=emulator --check --chip=sm_80 %s | FileCheck %s

// CHECK: @llama_bf16 result 0: relative error {{.*}} PASS
func.func @llama_bf16(%q: tensor<1x4x37x128xbf16>, %c: tensor<37x64xf32>, %s: tensor<37x64xf32>) -> tensor<1x4x37x128xbf16> {
  %0 = fused.rope %q, %c, %s : tensor<1x4x37x128xbf16>, tensor<37x64xf32>, tensor<37x64xf32>
  return %0 : tensor<1x4x37x128xbf16>
}

// CHECK: @neox_partial_f16 result 0: relative error {{.*}} PASS
func.func @neox_partial_f16(%q: tensor<2x3x21x80xf16>, %c: tensor<21x20xf16>, %s: tensor<21x20xf16>) -> tensor<2x3x21x80xf16> {
  %0 = fused.rope %q, %c, %s : tensor<2x3x21x80xf16>, tensor<21x20xf16>, tensor<21x20xf16>
  return %0 : tensor<2x3x21x80xf16>
}

// CHECK: @gptj_partial_f16 result 0: relative error {{.*}} PASS
func.func @gptj_partial_f16(%q: tensor<2x19x64xf16>, %c: tensor<19x16xf32>, %s: tensor<19x16xf32>) -> tensor<2x19x64xf16> {
  %0 = fused.rope %q, %c, %s {interleaved} : tensor<2x19x64xf16>, tensor<19x16xf32>, tensor<19x16xf32>
  return %0 : tensor<2x19x64xf16>
}

// CHECK: @interleaved_odd_f32 result 0: relative error {{.*}} PASS
func.func @interleaved_odd_f32(%q: tensor<5x50xf32>, %c: tensor<5x9xf32>, %s: tensor<5x9xf32>) -> tensor<5x50xf32> {
  %0 = fused.rope %q, %c, %s {interleaved} : tensor<5x50xf32>, tensor<5x9xf32>, tensor<5x9xf32>
  return %0 : tensor<5x50xf32>
}

// CHECK: @half_odd_bf16 result 0: relative error {{.*}} PASS
func.func @half_odd_bf16(%q: tensor<3x11x33xbf16>, %c: tensor<11x13xbf16>, %s: tensor<11x13xbf16>) -> tensor<3x11x33xbf16> {
  %0 = fused.rope %q, %c, %s : tensor<3x11x33xbf16>, tensor<11x13xbf16>, tensor<11x13xbf16>
  return %0 : tensor<3x11x33xbf16>
}

// CHECK: @decode_rank5_f16 result 0: relative error {{.*}} PASS
func.func @decode_rank5_f16(%q: tensor<2x2x4x1x64xf16>, %c: tensor<1x32xf32>, %s: tensor<1x32xf32>) -> tensor<2x2x4x1x64xf16> {
  %0 = fused.rope %q, %c, %s : tensor<2x2x4x1x64xf16>, tensor<1x32xf32>, tensor<1x32xf32>
  return %0 : tensor<2x2x4x1x64xf16>
}
