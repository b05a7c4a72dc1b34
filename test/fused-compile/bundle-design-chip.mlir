/// A bundle's one set of kernels is designed for the chip with the least
/// shared memory among those requested: a softmax row of 48000 f32
/// (192 KB) is staged in shared memory for sm_90 alone (227 KB per block)
/// but streamed twice, without the staging, in a bundle that must also
/// load on sm_80 (163 KB), in whichever order the chips are given.
// RUN: rm -rf %t.90 %t.both %t.rev
// RUN: fused-compile --emit=bundle --chip=sm_90 %s -o %t.90
// RUN: fused-compile --emit=bundle --chip=sm_90,sm_80 %s -o %t.both
// RUN: fused-compile --emit=bundle --chip=sm_80,sm_90 %s -o %t.rev
// RUN: FileCheck %s --check-prefix=STAGED --input-file=%t.90/manifest.json
// RUN: FileCheck %s --check-prefix=STREAMED --input-file=%t.both/manifest.json
// RUN: FileCheck %s --check-prefix=STREAMED --input-file=%t.rev/manifest.json
// STAGED: "dynamic_shared_memory": 192128,
// STREAMED: "dynamic_shared_memory": 128,

func.func @vocab(%x: tensor<2x48000xf32>) -> tensor<2x48000xf32> {
  %y = fused.softmax %x axis = -1 : tensor<2x48000xf32>
  return %y : tensor<2x48000xf32>
}
