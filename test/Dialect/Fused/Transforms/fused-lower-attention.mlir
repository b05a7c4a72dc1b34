// RUN: fused-opt %s -split-input-file -fused-fuse -fused-lower-attention -verify-diagnostics | FileCheck %s

/// GQA attention with LSE: one kernel, launched on (query blocks, heads,
/// batch); Q, K and V copied by cp.async; a loop over KV tiles with
/// ldmatrix, mma.sync, quad shuffles for the row maximum, exp2; the KV head
/// is the query head divided by the group size (8 / 2 = 4).
// CHECK: module attributes {gpu.container_module}
// CHECK-LABEL: func.func @gqa
// CHECK: %{{.*}}:2 = fused.launch @fused_kernels::@gqa_attention(%{{.*}}, %{{.*}}, %{{.*}})
// CHECK: gpu.module @fused_kernels
// CHECK: gpu.func @gqa_attention(%{{.*}}: memref<2x8x100x64xf16>, %{{.*}}: memref<2x2x300x64xf16>, %{{.*}}: memref<2x2x300x64xf16>, %{{.*}}: memref<2x8x100x64xf16>, %{{.*}}: memref<2x8x100xf32>) kernel
// CHECK-SAME: fused.attention_config = #fused.attention_config<block = [64, 64], warps = 4>
// CHECK-SAME: fused.launch = #fused.launch<grid = [2, 8, 2], block = [128, 1, 1], shared = 40960, outputs = 2>
// CHECK: %[[HEAD:.*]] = gpu.block_id  y
// CHECK: arith.divui %[[HEAD]], %{{.*}}
// CHECK: nvgpu.device_async_copy
// CHECK: scf.for
// CHECK: nvvm.cp.async.wait.group 1
// CHECK: nvgpu.ldmatrix
// CHECK: nvgpu.mma.sync
// CHECK: gpu.shuffle  xor
// CHECK: math.exp2
// CHECK: nvgpu.ldmatrix %{{.*}} {numTiles = 4 : i32, transpose = true}
// CHECK: scf.yield
func.func @gqa(%q: tensor<2x8x100x64xf16>, %k: tensor<2x2x300x64xf16>, %v: tensor<2x2x300x64xf16>) -> (tensor<2x8x100x64xf16>, tensor<2x8x100xf32>) {
  %o, %l = fused.attention %q, %k, %v : tensor<2x8x100x64xf16>, tensor<2x2x300x64xf16>, tensor<2x2x300x64xf16> -> tensor<2x8x100x64xf16>, tensor<2x8x100xf32>
  return %o, %l : tensor<2x8x100x64xf16>, tensor<2x8x100xf32>
}

// -----

/// f32 operands: 16-byte cp.async of 4 elements, Q and K tiles with the
/// xor16_pairs swizzle (read as f32 pairs along D), V with xor16 (read as
/// single elements), no ldmatrix, bf16 mma.sync on the three parts of
/// each element: six per fragment pair.
// CHECK-LABEL: gpu.func @f32_attention_attention
// CHECK: %[[SQ:.*]] = memref.view {{.*}} {fused.swizzle = #fused<swizzle xor16_pairs>} {{.*}} to memref<64x64xf32
// CHECK: %[[SK:.*]] = memref.view {{.*}} {fused.swizzle = #fused<swizzle xor16_pairs>} {{.*}} to memref<64x64xf32
// CHECK: %[[SV:.*]] = memref.view {{.*}}[] : {{.*}} to memref<64x64xf32
// CHECK: nvgpu.device_async_copy {{.*}}, %[[SQ]][{{.*}}], 4, {{.*}} : memref<1x2x100x64xf32> to memref<64x64xf32
// CHECK-NOT: nvgpu.ldmatrix
// CHECK: vector.load %[[SQ]][{{.*}}] {alignment = 8 : i64} : memref<64x64xf32, #gpu.address_space<workgroup>>, vector<2xf32>
// CHECK: arith.truncf %{{.*}} : f32 to bf16
// CHECK-COUNT-6: nvvm.mma.sync {{.*}}multiplicandAPtxType = #nvvm.mma_type<bf16>
// CHECK-NOT: nvgpu.ldmatrix
// CHECK: memref.load %[[SV]]
// CHECK-NOT: nvgpu.ldmatrix
// CHECK: gpu.return
func.func @f32_attention(%q: tensor<1x2x100x64xf32>, %k: tensor<1x2x150x64xf32>, %v: tensor<1x2x150x64xf32>) -> tensor<1x2x100x64xf32> {
  %o = fused.attention %q, %k, %v : tensor<1x2x100x64xf32>, tensor<1x2x150x64xf32>, tensor<1x2x150x64xf32> -> tensor<1x2x100x64xf32>
  return %o : tensor<1x2x100x64xf32>
}

// -----

func.func @head_dim_40(%q: tensor<1x1x16x40xf16>, %k: tensor<1x1x16x40xf16>, %v: tensor<1x1x16x40xf16>) -> tensor<1x1x16x40xf16> {
  // expected-error @+1 {{code generation needs head dimensions that are multiples of 16 up to 256, got 40 and 40}}
  %o = fused.attention %q, %k, %v : tensor<1x1x16x40xf16>, tensor<1x1x16x40xf16>, tensor<1x1x16x40xf16> -> tensor<1x1x16x40xf16>
  return %o : tensor<1x1x16x40xf16>
}

// -----

func.func @dynamic_head_dim(%q: tensor<1x1x16x?xf16>, %k: tensor<1x1x16x?xf16>, %v: tensor<1x1x16x64xf16>) -> tensor<1x1x16x64xf16> {
  // expected-error @+1 {{code generation takes dynamic sizes (?) in the batch and the sequence lengths only, so far, got 'tensor<1x1x16x?xf16>'}}
  %o = fused.attention %q, %k, %v {scale = 0.125 : f32} : tensor<1x1x16x?xf16>, tensor<1x1x16x?xf16>, tensor<1x1x16x64xf16> -> tensor<1x1x16x64xf16>
  return %o : tensor<1x1x16x64xf16>
}

// -----

func.func @not_alone(%q: tensor<1x1x16x64xf16>) -> tensor<1x1x16x64xf16> {
  // expected-error @+1 {{attention code generation handles a kernel holding one fused.attention and nothing else}}
  %0 = fused.kernel attention ins(%q : tensor<1x1x16x64xf16>) -> tensor<1x1x16x64xf16> {
  ^bb0(%a: tensor<1x1x16x64xf16>):
    %o = fused.attention %a, %a, %a : tensor<1x1x16x64xf16>, tensor<1x1x16x64xf16>, tensor<1x1x16x64xf16> -> tensor<1x1x16x64xf16>
    %n = fused.neg %o : tensor<1x1x16x64xf16>
    fused.yield %n : tensor<1x1x16x64xf16>
  }
  return %0 : tensor<1x1x16x64xf16>
}

// -----

func.func @drops_lse(%q: tensor<1x1x16x64xf16>) -> tensor<1x1x16x64xf16> {
  // expected-error @+1 {{must yield the attention's results, in order}}
  %0 = fused.kernel attention ins(%q : tensor<1x1x16x64xf16>) -> tensor<1x1x16x64xf16> {
  ^bb0(%a: tensor<1x1x16x64xf16>):
    %o, %l = fused.attention %a, %a, %a : tensor<1x1x16x64xf16>, tensor<1x1x16x64xf16>, tensor<1x1x16x64xf16> -> tensor<1x1x16x64xf16>, tensor<1x1x16xf32>
    fused.yield %o : tensor<1x1x16x64xf16>
  }
  return %0 : tensor<1x1x16x64xf16>
}
