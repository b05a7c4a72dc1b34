/// GEMMs on the Hopper path (--chip=sm_90a): a producer warpgroup loads A
/// and B by TMA into a ring of mbarrier-guarded stages, consumer warpgroups
/// multiply them with wgmma (lib/Conversion/HopperGemm.cpp). Each function
/// runs on the emulator against the float64 reference; the counters show
/// which kernel ran: wgmma and TMA bytes, and no mma.sync, except where a
/// shape or an explicit #fused.gemm_config keeps the Ampere-class kernel.
/// Then the PTX through ptxas (0 spills), and a bundle whose manifest lists
/// the tensor maps, run by fused-run on the emulator.
// RUN: fused-compile --run --device=emulator --check --counters --chip=sm_90a %s | FileCheck %s
// RUN: fused-compile --run --device=emulator --check --counters --chip=sm_90a --sizes=1 %S/Inputs/hopper-gemm-dynamic.mlir | FileCheck %s --check-prefix=DYN
// RUN: fused-compile --run --device=emulator --check --counters --chip=sm_90a --sizes=333 %S/Inputs/hopper-gemm-dynamic.mlir | FileCheck %s --check-prefix=DYN
// RUN: rm -rf %t.bundle && fused-compile --emit=bundle --chip=sm_90a --with-reference --entry=tails_bias_gelu %s -o %t.bundle
// RUN: FileCheck %s --check-prefix=MANIFEST < %t.bundle/manifest.json
// RUN: fused-run %t.bundle --device=emulator --check | FileCheck %s --check-prefix=BUNDLE

// One block, two consumer warpgroups, one K step of four wgmma each. The
// output goes out by TMA stores: each consumer warp stages 16 rows of 128
// bytes in shared memory (8-byte stores spread over every bank), then one
// of its lanes stores the box.
// CHECK-LABEL: @square square_gemm counters:
// CHECK: global stores: 0 requests
// CHECK: shared stores: 256 requests, 512 wavefronts (ideal 512, excess 0)
// CHECK: mma.sync: 0
// CHECK: wgmma: 8
// CHECK: wgmma FLOPs: 2097152
// CHECK: TMA bytes loaded: 32768
// CHECK: TMA bytes stored: 65536
// CHECK: TMA bytes of tensor map 0: 16384
// CHECK: TMA bytes of tensor map 1: 16384
// CHECK: TMA bytes of tensor map 2: 65536
// CHECK: mbarrier waits: 257
// CHECK: @square result 0: relative error {{.*}} PASS
func.func @square(%a: tensor<128x64xf16>, %b: tensor<64x128xf16>) -> tensor<128x128xf32> {
  %c = fused.matmul %a, %b : tensor<128x64xf16>, tensor<64x128xf16> -> tensor<128x128xf32>
  return %c : tensor<128x128xf32>
}

// K of 576: nine K steps through a ring of four stages, whose barriers go
// round three times (phases and parities).
// CHECK-LABEL: @long_k long_k_gemm counters:
// CHECK: mma.sync: 0
// CHECK: wgmma: 72
// CHECK: @long_k result 0: relative error {{.*}} PASS
func.func @long_k(%a: tensor<128x576xbf16>, %b: tensor<576x128xbf16>) -> tensor<128x128xf32> {
  %c = fused.matmul %a, %b : tensor<128x576xbf16>, tensor<576x128xbf16> -> tensor<128x128xf32>
  return %c : tensor<128x128xf32>
}

// Tails in M, N and K (TMA fills zeros, the stores are predicated) and an
// epilogue of bias and GELU in registers.
// CHECK-LABEL: @tails_bias_gelu tails_bias_gelu_gemm counters:
// CHECK: mma.sync: 0
// CHECK: wgmma:
// CHECK: @tails_bias_gelu result 0: relative error {{.*}} PASS
func.func @tails_bias_gelu(%a: tensor<200x72xbf16>, %b: tensor<72x136xbf16>, %bias: tensor<136xbf16>) -> tensor<200x136xbf16> {
  %c = fused.matmul %a, %b : tensor<200x72xbf16>, tensor<72x136xbf16> -> tensor<200x136xbf16>
  %d = fused.add %c, %bias : tensor<200x136xbf16>, tensor<136xbf16> -> tensor<200x136xbf16>
  %e = fused.gelu tanh %d : tensor<200x136xbf16>
  return %e : tensor<200x136xbf16>
}

// Both operands transposed (A M-major, B K-major), batched.
// CHECK-LABEL: @transposed_batch transposed_batch_gemm counters:
// CHECK: mma.sync: 0
// CHECK: @transposed_batch result 0: relative error {{.*}} PASS
func.func @transposed_batch(%a: tensor<3x96x80xf16>, %b: tensor<3x120x96xf16>) -> tensor<3x80x120xf16> {
  %c = fused.matmul %a, %b {transpose_a, transpose_b} : tensor<3x96x80xf16>, tensor<3x120x96xf16> -> tensor<3x80x120xf16>
  return %c : tensor<3x80x120xf16>
}

// Enough 128 x 256 tiles to fill the SMs, with N padded no further than
// by 128-column tiles: wgmma m64n256k16 (one block per batch, tails in M,
// N and K).
// CHECK-LABEL: @wide wide_gemm counters:
// CHECK: blocks: 132
// CHECK: mma.sync: 0
// CHECK: wgmma: 1056
// CHECK: wgmma FLOPs: 553648128
// CHECK: @wide result 0: relative error {{.*}} PASS
func.func @wide(%a: tensor<132x100x40xf16>, %b: tensor<40x248xf16>) -> tensor<132x100x248xf16> {
  %c = fused.matmul %a, %b : tensor<132x100x40xf16>, tensor<40x248xf16> -> tensor<132x100x248xf16>
  return %c : tensor<132x100x248xf16>
}

// A rank-2 B shared by every batch, small M and N (one consumer
// warpgroup, N = 64), a residual add.
// CHECK-LABEL: @broadcast_residual broadcast_residual_gemm counters:
// CHECK: threads: 512
// CHECK: mma.sync: 0
// CHECK: @broadcast_residual result 0: relative error {{.*}} PASS
func.func @broadcast_residual(%a: tensor<2x40x64xf16>, %b: tensor<64x48xf16>, %r: tensor<2x40x48xf32>) -> tensor<2x40x48xf32> {
  %c = fused.matmul %a, %b : tensor<2x40x64xf16>, tensor<64x48xf16> -> tensor<2x40x48xf32>
  %d = fused.add %c, %r : tensor<2x40x48xf32>, tensor<2x40x48xf32> -> tensor<2x40x48xf32>
  return %d : tensor<2x40x48xf32>
}

// Output rows of 100 f16 elements are not whole 16-byte units, which a TMA
// store needs: each thread stores its own elements, two columns at a time.
// CHECK-LABEL: @direct_stores direct_stores_gemm counters:
// CHECK: global stores: 117 requests
// CHECK: mma.sync: 0
// CHECK: TMA bytes stored: 0
// CHECK: @direct_stores result 0: relative error {{.*}} PASS
func.func @direct_stores(%a: tensor<70x48xf16>, %b: tensor<100x48xf16>) -> tensor<70x100xf16> {
  %c = fused.matmul %a, %b {transpose_b} : tensor<70x48xf16>, tensor<100x48xf16> -> tensor<70x100xf16>
  return %c : tensor<70x100xf16>
}

// Rows of B of 129 elements are not whole 16-byte units, which TMA needs:
// the Ampere-class kernel.
// CHECK-LABEL: @odd_rows odd_rows_gemm counters:
// CHECK-NOT: wgmma
// CHECK: mma.sync: {{[1-9]}}
// CHECK: @odd_rows result 0: relative error {{.*}} PASS
func.func @odd_rows(%a: tensor<77x200xf16>, %b: tensor<200x129xf16>) -> tensor<77x129xf32> {
  %c = fused.matmul %a, %b : tensor<77x200xf16>, tensor<200x129xf16> -> tensor<77x129xf32>
  return %c : tensor<77x129xf32>
}

// An explicit configuration names the Ampere-class kernel.
// CHECK-LABEL: @configured configured_gemm counters:
// CHECK-NOT: wgmma
// CHECK: mma.sync: {{[1-9]}}
// CHECK: @configured result 0: relative error {{.*}} PASS
func.func @configured(%a: tensor<128x64xf16>, %b: tensor<64x128xf16>) -> tensor<128x128xf32> {
  %c = fused.matmul %a, %b {fused.config = #fused.gemm_config<block = [64, 64, 32], warps = [2, 2], stages = 2>} : tensor<128x64xf16>, tensor<64x128xf16> -> tensor<128x128xf32>
  return %c : tensor<128x128xf32>
}

// A dynamic M (Inputs/hopper-gemm-dynamic.mlir): one kernel for every
// size, its tensor maps encoded at each launch.
// DYN: mma.sync: 0
// DYN: wgmma:
// DYN: @dynamic_m result 0: relative error {{.*}} PASS

// MANIFEST: "name": "tails_bias_gelu_gemm"
// MANIFEST: "tensor_maps": [
// MANIFEST-NEXT: {
// MANIFEST-NEXT: "arg": 0,
// MANIFEST-NEXT: "box": [
// MANIFEST-NEXT: 128,
// MANIFEST-NEXT: 64
// MANIFEST-NEXT: ],
// MANIFEST-NEXT: "swizzle": 128
// BUNDLE: @tails_bias_gelu result 0: relative error {{.*}} PASS
