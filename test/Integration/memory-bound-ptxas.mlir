/// Row-wise, elementwise, reduction, transpose and RoPE kernels, and the kernels with dynamic sizes (GEMMs included), assembled by ptxas for sm_80 and sm_90: 0 bytes of
/// spill stores, spill loads and stack, rows in registers and streamed,
/// every dtype; the PTX holds 16-byte global accesses and butterfly
/// shuffles (shfl.sync.bfly) for the reductions.
// REQUIRES: ptxas
// RUN: fused-compile --emit=ptx --chip=sm_80 --print-stats %S/rowwise-matrix.mlir -o %t.sm80.ptx | FileCheck %s
// RUN: fused-compile --emit=ptx --chip=sm_90 --print-stats %S/rowwise-matrix.mlir -o %t.sm90.ptx | FileCheck %s
// RUN: fused-compile --emit=ptx --chip=sm_80 --print-stats %S/elementwise-matrix.mlir -o %t.ew80.ptx | FileCheck %s --check-prefix=EW
// RUN: fused-compile --emit=ptx --chip=sm_90 --print-stats %S/elementwise-matrix.mlir -o %t.ew90.ptx | FileCheck %s --check-prefix=EW
// RUN: fused-compile --emit=ptx --chip=sm_80 --print-stats %S/reduction-matrix.mlir -o %t.red80.ptx | FileCheck %s --check-prefix=RED
// RUN: fused-compile --emit=ptx --chip=sm_90 --print-stats %S/reduction-matrix.mlir -o %t.red90.ptx | FileCheck %s --check-prefix=RED
// RUN: fused-compile --emit=ptx --chip=sm_80 --print-stats %S/transpose-matrix.mlir -o %t.tr80.ptx | FileCheck %s --check-prefix=TR
// RUN: fused-compile --emit=ptx --chip=sm_90 --print-stats %S/transpose-matrix.mlir -o %t.tr90.ptx | FileCheck %s --check-prefix=TR
// RUN: fused-compile --emit=ptx --chip=sm_80 --print-stats %S/rope-matrix.mlir -o %t.rope80.ptx | FileCheck %s --check-prefix=ROPE
// RUN: fused-compile --emit=ptx --chip=sm_90 --print-stats %S/rope-matrix.mlir -o %t.rope90.ptx | FileCheck %s --check-prefix=ROPE
// RUN: fused-compile --emit=ptx --chip=sm_80 --print-stats %S/dynamic-rows.mlir -o %t.dyn80.ptx | FileCheck %s --check-prefix=DYN
// RUN: fused-compile --emit=ptx --chip=sm_90 --print-stats %S/dynamic-rows.mlir -o %t.dyn90.ptx | FileCheck %s --check-prefix=DYN
// RUN: fused-compile --emit=ptx --chip=sm_80 --print-stats %S/dynamic-gemm.mlir -o %t.dg80.ptx | FileCheck %s --check-prefix=DYNGEMM
// RUN: fused-compile --emit=ptx --chip=sm_90 --print-stats %S/dynamic-gemm.mlir -o %t.dg90.ptx | FileCheck %s --check-prefix=DYNGEMM
// RUN: fused-compile --emit=ptx --chip=sm_80 --print-stats %S/dynamic-attention.mlir -o %t.da80.ptx | FileCheck %s --check-prefix=DYNATT
// RUN: fused-compile --emit=ptx --chip=sm_90 --print-stats %S/dynamic-attention.mlir -o %t.da90.ptx | FileCheck %s --check-prefix=DYNATT
// RUN: fused-compile --emit=ptx --chip=sm_80 --print-stats %S/dynamic-ops.mlir -o %t.do80.ptx | FileCheck %s --check-prefix=DYNOPS
// RUN: fused-compile --emit=ptx --chip=sm_90 --print-stats %S/dynamic-ops.mlir -o %t.do90.ptx | FileCheck %s --check-prefix=DYNOPS
// RUN: fused-compile --emit=ptx --chip=sm_80 --print-stats %S/dynamic-row-length.mlir -o %t.dl80.ptx | FileCheck %s --check-prefix=DYNLEN
// RUN: fused-compile --emit=ptx --chip=sm_90 --print-stats %S/dynamic-row-length.mlir -o %t.dl90.ptx | FileCheck %s --check-prefix=DYNLEN
// RUN: fused-compile --emit=ptx --chip=sm_80 --print-stats %S/dynamic-transposes.mlir -o %t.dt80.ptx | FileCheck %s --check-prefix=DYNTR
// RUN: fused-compile --emit=ptx --chip=sm_90 --print-stats %S/dynamic-transposes.mlir -o %t.dt90.ptx | FileCheck %s --check-prefix=DYNTR
// RUN: fused-compile --emit=ptx --chip=sm_80 --print-stats %S/dynamic-softmax-axes.mlir -o %t.dsa80.ptx | FileCheck %s --check-prefix=DYNAXES
// RUN: fused-compile --emit=ptx --chip=sm_90 --print-stats %S/dynamic-softmax-axes.mlir -o %t.dsa90.ptx | FileCheck %s --check-prefix=DYNAXES
// RUN: FileCheck %s --check-prefix=PTX < %t.sm80.ptx
// RUN: FileCheck %s --check-prefix=PTX < %t.sm90.ptx

// Kernels with a dynamic row count (the streamed one staged in shared
// memory).
// DYN: kernel regs spill-s spill-l stack
// DYN-DAG: swiglu_elementwise {{[0-9]+}} 0 0 0 
// DYN-DAG: rmsnorm_vocab_normalization {{[0-9]+}} 0 0 0 {{[0-9]+}} {{[0-9][0-9][0-9][0-9][0-9]+}} 512x1x1
// DYN-DAG: softmax_heads_softmax {{[0-9]+}} 0 0 0 
// DYN-DAG: residual_norm_gelu_elementwise {{[0-9]+}} 0 0 0 
// DYN-DAG: residual_norm_gelu_normalization {{[0-9]+}} 0 0 0 

// GEMMs with a dynamic M.
// DYNGEMM: kernel regs spill-s spill-l stack
// DYNGEMM-DAG: scores_bf16_gemm {{[0-9]+}} 0 0 0 
// DYNGEMM-DAG: proj_residual_gemm {{[0-9]+}} 0 0 0 
// DYNGEMM-DAG: mlp_up_gemm {{[0-9]+}} 0 0 0 

// Attention and the heads' transposes with dynamic lengths (the
// non-causal D = 64 kernel, gqa_lse, spills 16 bytes: bench/RESULTS.md).
// DYNATT: kernel regs spill-s spill-l stack
// DYNATT-DAG: self_transpose_0 {{[0-9]+}} 0 0 0 
// DYNATT-DAG: self_transpose {{[0-9]+}} 0 0 0 
// DYNATT-DAG: heads_transpose {{[0-9]+}} 0 0 0 
// DYNATT-DAG: heads_transpose_0 {{[0-9]+}} 0 0 0 
// DYNATT-DAG: self_attention {{[0-9]+}} 0 0 0 
// DYNATT-DAG: causal_attention {{[0-9]+}} 0 0 0 

// Rows of a dynamic length: 48 KiB of shared memory stage the rows that
// fit; at least two blocks per SM (nvvm.minctasm), without which ptxas
// kept 32 registers and spilled.
// DYNLEN: kernel regs spill-s spill-l stack
// DYNLEN-DAG: softmax_f16_softmax {{[0-9]+}} 0 0 0 {{[0-9]+}} 49152 256x1x1
// DYNLEN-DAG: softmax_heads_bf16_softmax {{[0-9]+}} 0 0 0 
// DYNLEN-DAG: layernorm_bf16_f32params_normalization {{[0-9]+}} 0 0 0 
// DYNLEN-DAG: rmsnorm_f16_normalization {{[0-9]+}} 0 0 0 
// DYNLEN-DAG: add_rmsnorm_f32_normalization {{[0-9]+}} 0 0 0 
// DYNLEN-DAG: layernorm_f32_normalization {{[0-9]+}} 0 0 0 

// Tiled transposes with dynamic sizes.
// DYNTR: kernel regs spill-s spill-l stack
// DYNTR-DAG: keys_t_transpose {{[0-9]+}} 0 0 0 
// DYNTR-DAG: plane_t_transpose {{[0-9]+}} 0 0 0 
// DYNTR-DAG: batch_t_transpose {{[0-9]+}} 0 0 0 

// Softmax over other axes with a dynamic first dimension.
// DYNAXES: kernel regs spill-s spill-l stack
// DYNAXES-DAG: tokens_softmax {{[0-9]+}} 0 0 0 
// DYNAXES-DAG: heads_slab_softmax {{[0-9]+}} 0 0 0 
// DYNAXES-DAG: columns_walked_softmax {{[0-9]+}} 0 0 0 
// DYNAXES-DAG: columns_in_registers_softmax {{[0-9]+}} 0 0 0 

// Reductions, RoPE and copied slices with a dynamic size.
// DYNOPS: kernel regs spill-s spill-l stack
// DYNOPS-DAG: slice_columns_elementwise {{[0-9]+}} 0 0 0 
// DYNOPS-DAG: slice_columns_transpose {{[0-9]+}} 0 0 0 
// DYNOPS-DAG: rope_interleaved_partial_rope {{[0-9]+}} 0 0 0 
// DYNOPS-DAG: rope_half_rope {{[0-9]+}} 0 0 0 
// DYNOPS-DAG: sum_vector_reduction {{[0-9]+}} 0 0 0 
// DYNOPS-DAG: sum_tokens_reduction {{[0-9]+}} 0 0 0 
// DYNOPS-DAG: max_middle_reduction {{[0-9]+}} 0 0 0 
// DYNOPS-DAG: sum_rows_reduction {{[0-9]+}} 0 0 0 

// CHECK: kernel regs spill-s spill-l stack
// CHECK-DAG: sm_f16_3d_softmax {{[0-9]+}} 0 0 0 
// CHECK-DAG: sm_bf16_1000_softmax {{[0-9]+}} 0 0 0 
// CHECK-DAG: sm_f16_vocab_softmax {{[0-9]+}} 0 0 0 
// CHECK-DAG: sm_bf16_llama_vocab_softmax {{[0-9]+}} 0 0 0 
// CHECK-DAG: sm_f32_256k_softmax {{[0-9]+}} 0 0 0 
// CHECK-DAG: ln_bf16_affine_f32_normalization {{[0-9]+}} 0 0 0 
// CHECK-DAG: ln_f16_long_affine_normalization {{[0-9]+}} 0 0 0 
// CHECK-DAG: rms_bf16_llama_normalization {{[0-9]+}} 0 0 0 
// CHECK-DAG: rms_f16_long_normalization {{[0-9]+}} 0 0 0 

// PTX-DAG: ld.global.v4
// PTX-DAG: st.global.v4
// PTX-DAG: shfl.sync.bfly.b32

// EW: kernel regs spill-s spill-l stack
// EW-DAG: swiglu_elementwise {{[0-9]+}} 0 0 0 
// EW-DAG: bias_gelu_bcast_elementwise {{[0-9]+}} 0 0 0 
// EW-DAG: every_op_elementwise {{[0-9]+}} 0 0 0 
// EW-DAG: bcast_both_sides_elementwise {{[0-9]+}} 0 0 0 

// RED: kernel regs spill-s spill-l stack
// RED-DAG: sum_last_reduction {{[0-9]+}} 0 0 0 
// RED-DAG: max_last_keep_odd_reduction {{[0-9]+}} 0 0 0 
// RED-DAG: sum_first_reduction {{[0-9]+}} 0 0 0 
// RED-DAG: max_middle_keep_reduction {{[0-9]+}} 0 0 0 
// RED-DAG: sum_vector_reduction {{[0-9]+}} 0 0 0 
// RED-DAG: sum_first_walked_reduction {{[0-9]+}} 0 0 0 
// RED-DAG: sum_first_wide_reduction {{[0-9]+}} 0 0 0 
// RED-DAG: sum_middle_block_reduction {{[0-9]+}} 0 0 0 

// TR: kernel regs spill-s spill-l stack
// TR-DAG: t2d_f16_transpose {{[0-9]+}} 0 0 0 
// TR-DAG: heads_f16_transpose {{[0-9]+}} 0 0 0 
// TR-DAG: batched_last2_f32_transpose {{[0-9]+}} 0 0 0 
// TR-DAG: rot3_bf16_transpose {{[0-9]+}} 0 0 0 

// ROPE: kernel regs spill-s spill-l stack
// ROPE-DAG: llama_bf16_rope {{[0-9]+}} 0 0 0 
// ROPE-DAG: neox_partial_f16_rope {{[0-9]+}} 0 0 0 
// ROPE-DAG: gptj_partial_f16_rope {{[0-9]+}} 0 0 0 
// ROPE-DAG: interleaved_odd_f32_rope {{[0-9]+}} 0 0 0 
// ROPE-DAG: half_odd_bf16_rope {{[0-9]+}} 0 0 0 
// ROPE-DAG: decode_rank5_f16_rope {{[0-9]+}} 0 0 0 
