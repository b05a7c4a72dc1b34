// RUN: fused-opt %s -fused-lower-attention | FileCheck %s

/// fused-lower-attention on its own level: a fused.kernel attention as
/// fused-fuse leaves it (grouped-query, causal, Sq = 70, Skv = 90, D = 64),
/// written out here. It becomes a launch of a GPU kernel on memrefs: 64
/// query rows per block of 4 warps, grid (query blocks, query heads,
/// batch) = (2, 2, 1), Q and the K/V ring in 40 KiB of dynamic shared
/// memory; K and V tiles by cp.async, S and P V by mma.sync.
// CHECK-LABEL: func.func @attn
// CHECK-NOT: fused.kernel
// CHECK: fused.launch @fused_kernels::@attn_attention(%{{.*}}, %{{.*}}, %{{.*}}) : (tensor<1x2x70x64xf16>, tensor<1x1x90x64xf16>, tensor<1x1x90x64xf16>) -> tensor<1x2x70x64xf16>
// CHECK: gpu.module @fused_kernels
// CHECK: gpu.func @attn_attention(%{{.*}}: memref<1x2x70x64xf16>, %{{.*}}: memref<1x1x90x64xf16>, %{{.*}}: memref<1x1x90x64xf16>, %{{.*}}: memref<1x2x70x64xf16>) kernel
// CHECK-SAME: fused.attention_config = #fused.attention_config<block = [64, 64], warps = 4>
// CHECK-SAME: fused.launch = #fused.launch<grid = [2, 2, 1], block = [128, 1, 1], shared = 40960, outputs = 1>
// CHECK: nvgpu.device_async_copy
// CHECK: scf.for
// CHECK: nvgpu.ldmatrix
// CHECK: nvgpu.mma.sync
// CHECK: gpu.return
func.func @attn(%arg0: tensor<1x2x70x64xf16>, %arg1: tensor<1x1x90x64xf16>, %arg2: tensor<1x1x90x64xf16>) -> tensor<1x2x70x64xf16> {
  %0 = fused.kernel attention ins(%arg0, %arg1, %arg2 : tensor<1x2x70x64xf16>, tensor<1x1x90x64xf16>, tensor<1x1x90x64xf16>) -> tensor<1x2x70x64xf16> {
  ^bb0(%arg3: tensor<1x2x70x64xf16>, %arg4: tensor<1x1x90x64xf16>, %arg5: tensor<1x1x90x64xf16>):
    %output = fused.attention %arg3, %arg4, %arg5 {causal} : tensor<1x2x70x64xf16>, tensor<1x1x90x64xf16>, tensor<1x1x90x64xf16> -> tensor<1x2x70x64xf16>
    fused.yield %output : tensor<1x2x70x64xf16>
  }
  return %0 : tensor<1x2x70x64xf16>
}
