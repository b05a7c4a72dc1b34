/// The GEMM shape matrix (bf16) compiled to PTX for sm_80, sm_90 and sm_90a and
/// assembled by ptxas: every kernel has 0 bytes of spill stores, spill loads
/// and stack; the PTX holds cp.async, ldmatrix and mma.sync. The kernels are
/// those of gemm-matrix-bf16.mlir.
// REQUIRES: ptxas
// RUN: fused-compile --emit=ptx --chip=sm_80 --print-stats %S/gemm-matrix-bf16.mlir -o %t.sm80.ptx | FileCheck %s
// RUN: fused-compile --emit=ptx --chip=sm_90 --print-stats %S/gemm-matrix-bf16.mlir -o %t.sm90.ptx | FileCheck %s
// RUN: fused-compile --emit=ptx --chip=sm_90a --print-stats %S/gemm-matrix-bf16.mlir -o %t.sm90a.ptx | FileCheck %s --check-prefixes=CHECK,STATS
// RUN: FileCheck %s --check-prefix=HOPPER < %t.sm90a.ptx
// RUN: FileCheck %s --check-prefix=PTX < %t.sm80.ptx
// RUN: FileCheck %s --check-prefix=PTX < %t.sm90.ptx

// CHECK: kernel regs spill-s spill-l stack
// CHECK-DAG: sq128_plain_gemm {{[0-9]+}} 0 0 0 
// CHECK-DAG: sq128_bias_gelu_gemm {{[0-9]+}} 0 0 0 
// CHECK-DAG: sq512_plain_gemm {{[0-9]+}} 0 0 0 
// CHECK-DAG: sq512_bias_gelu_gemm {{[0-9]+}} 0 0 0 
// CHECK-DAG: odd_plain_gemm {{[0-9]+}} 0 0 0 
// CHECK-DAG: odd_bias_gelu_gemm {{[0-9]+}} 0 0 0 
// CHECK-DAG: gemv_plain_gemm {{[0-9]+}} 0 0 0 
// CHECK-DAG: gemv_bias_gelu_gemm {{[0-9]+}} 0 0 0 
// CHECK-DAG: big1000_plain_gemm {{[0-9]+}} 0 0 0 
// CHECK-DAG: big1000_bias_gelu_gemm {{[0-9]+}} 0 0 0 
// CHECK-DAG: batch3_bcast_b_plain_gemm {{[0-9]+}} 0 0 0 
// CHECK-DAG: batch3_bcast_b_bias_gelu_gemm {{[0-9]+}} 0 0 0 
// CHECK-DAG: trans_b_plain_gemm {{[0-9]+}} 0 0 0 
// CHECK-DAG: trans_b_bias_gelu_gemm {{[0-9]+}} 0 0 0 
// CHECK-DAG: trans_a_plain_gemm {{[0-9]+}} 0 0 0 
// CHECK-DAG: trans_a_bias_gelu_gemm {{[0-9]+}} 0 0 0 
// ptxas honours setmaxnreg and says nothing about it or about wgmma (no
// warning, no C75xx advisory such as an injected warpgroup.arrive).
// STATS: registers after setmaxnreg: producer warpgroup 40, consumer warpgroups 232 (168 at launch)
// STATS-NOT: warning
// STATS-NOT: (C75
// PTX-DAG: cp.async.cg.shared.global
// PTX-DAG: ldmatrix.sync.aligned.m8n8.x4.shared.b16
// PTX-DAG: ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16
// PTX-DAG: mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32
// On sm_90a the shapes TMA can load take the Hopper kernel.
// HOPPER: .target sm_90a
// HOPPER-DAG: .param .align 64 .b8 sq128_plain_gemm_param_{{[0-9]+}}[128]
// HOPPER-DAG: cp.async.bulk.tensor.2d.shared::cluster.global.tile.mbarrier::complete_tx::bytes
// HOPPER-DAG: cp.async.bulk.tensor.3d.shared::cluster.global.tile.mbarrier::complete_tx::bytes
// HOPPER-DAG: mbarrier.try_wait.parity.shared.b64
// HOPPER-DAG: wgmma.mma_async.sync.aligned.m64n128k16.f32.bf16.bf16
// Two consumer warpgroups take the producer's registers (setmaxnreg, with
// one block per SM so that ptxas honours it) and keep one wgmma group in
// flight.
// HOPPER-DAG: .minnctapersm 1
// HOPPER-DAG: setmaxnreg.dec.sync.aligned.u32 40;
// HOPPER-DAG: setmaxnreg.inc.sync.aligned.u32 232;
// HOPPER-DAG: wgmma.wait_group.sync.aligned 1;
// HOPPER-DAG: wgmma.mma_async.sync.aligned.m64n64k16.f32.bf16.bf16
