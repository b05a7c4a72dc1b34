/// Transposes against the float64 reference with fresh random inputs each
/// run (the seed is printed): swaps of the two innermost dimensions (tiled
/// through shared memory), permutations that keep the innermost dimension
/// (row copies, 16-byte accesses), rotations of three dimensions; f16,
/// bf16, f32; sizes that are not multiples of the tile. The emulator runs
/// the generated kernels thread by thread.
// RUN: fused-compile --run --device=emulator --check --seed=0 --chip=sm_80 %s | FileCheck %s

// CHECK: @t2d_f16 result 0: relative error {{.*}} PASS
func.func @t2d_f16(%x: tensor<100x70xf16>) -> tensor<70x100xf16> {
  %y = fused.transpose %x permutation = [1, 0] : tensor<100x70xf16> -> tensor<70x100xf16>
  return %y : tensor<70x100xf16>
}
// CHECK: @heads_f16 result 0: relative error {{.*}} PASS
func.func @heads_f16(%x: tensor<2x128x8x64xf16>) -> tensor<2x8x128x64xf16> {
  %y = fused.transpose %x permutation = [0, 2, 1, 3] : tensor<2x128x8x64xf16> -> tensor<2x8x128x64xf16>
  return %y : tensor<2x8x128x64xf16>
}
// CHECK: @batched_last2_f32 result 0: relative error {{.*}} PASS
func.func @batched_last2_f32(%x: tensor<3x33x65xf32>) -> tensor<3x65x33xf32> {
  %y = fused.transpose %x permutation = [0, 2, 1] : tensor<3x33x65xf32> -> tensor<3x65x33xf32>
  return %y : tensor<3x65x33xf32>
}
// CHECK: @rot3_bf16 result 0: relative error {{.*}} PASS
func.func @rot3_bf16(%x: tensor<5x6x7xbf16>) -> tensor<7x5x6xbf16> {
  %y = fused.transpose %x permutation = [2, 0, 1] : tensor<5x6x7xbf16> -> tensor<7x5x6xbf16>
  return %y : tensor<7x5x6xbf16>
}
// CHECK: @big_f32 result 0: relative error {{.*}} PASS
func.func @big_f32(%x: tensor<256x512xf32>) -> tensor<512x256xf32> {
  %y = fused.transpose %x permutation = [1, 0] : tensor<256x512xf32> -> tensor<512x256xf32>
  return %y : tensor<512x256xf32>
}
