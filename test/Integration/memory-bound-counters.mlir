/// Memory-bound quality of the row-wise, elementwise and RoPE kernels, from the emulator's
/// counters: 16-byte accesses, every sector transferred is one requested
/// (excess 0), no shared-memory bank conflicts, each input read once and
/// each output written once (global bytes = the tensors' bytes), rows that
/// fit in registers included. Affine parameters are read once per block,
/// and a block takes enough rows that they add at most 1/32 to the bytes
/// moved.
// RUN: fused-compile --run --device=emulator --counters --chip=sm_80 %s | FileCheck %s

/// 8 x 1024 f16: 16384 bytes each way, 512 sectors.
// CHECK-LABEL: @sm sm_softmax counters:
// CHECK: global loads: 32 requests, 512 sectors (ideal 512, excess 0)
// CHECK: global stores: 32 requests, 512 sectors (ideal 512, excess 0)
// CHECK: unique global bytes read: 16384
// CHECK: unique global bytes written: 16384
// CHECK: shared loads: 0 requests
// CHECK: global load requests by width: 1B 0, 2B 0, 4B 0, 8B 0, 16B 32
// CHECK: global store requests by width: 1B 0, 2B 0, 4B 0, 8B 0, 16B 32
func.func @sm(%x: tensor<8x1024xf16>) -> tensor<8x1024xf16> {
  %y = fused.softmax %x axis = -1 : tensor<8x1024xf16>
  return %y : tensor<8x1024xf16>
}

/// 16 x 4096 bf16 and a 4096 bf16 weight: 131072 + 8192 bytes read, each
/// once (one block normalises the 16 rows, the weight in registers),
/// 131072 written; four warps exchange partials without bank conflicts.
// CHECK-LABEL: @rms rms_normalization counters:
// CHECK: blocks: 1
// CHECK: global loads: {{[0-9]+}} requests, 4352 sectors (ideal 4352, excess 0)
// CHECK: global stores: 256 requests, 4096 sectors (ideal 4096, excess 0)
// CHECK: unique global bytes read: 139264
// CHECK: unique global bytes written: 131072
// CHECK: shared loads: {{[0-9]+}} requests, [[W:[0-9]+]] wavefronts (ideal [[W]], excess 0)
// CHECK: shared stores: {{[0-9]+}} requests, [[V:[0-9]+]] wavefronts (ideal [[V]], excess 0)
func.func @rms(%x: tensor<16x4096xbf16>, %g: tensor<4096xbf16>) -> tensor<16x4096xbf16> {
  %y = fused.rmsnorm %x weight(%g : tensor<4096xbf16>) : tensor<16x4096xbf16>
  return %y : tensor<16x4096xbf16>
}

/// 4 x 8192 f32: 131072 bytes each way, 4096 sectors.
// CHECK-LABEL: @ln ln_normalization counters:
// CHECK: global loads: 256 requests, 4096 sectors (ideal 4096, excess 0)
// CHECK: global stores: 256 requests, 4096 sectors (ideal 4096, excess 0)
// CHECK: unique global bytes read: 131072
// CHECK: shared loads: {{[0-9]+}} requests, [[W2:[0-9]+]] wavefronts (ideal [[W2]], excess 0)
func.func @ln(%x: tensor<4x8192xf32>) -> tensor<4x8192xf32> {
  %y = fused.layernorm %x : tensor<4x8192xf32>
  return %y : tensor<4x8192xf32>
}

/// An elementwise chain (SwiGLU's silu(a) * b, 7 x 4096 bf16): one kernel,
/// 16-byte accesses, each input read once and the output written once.
// CHECK-LABEL: @swiglu swiglu_elementwise counters:
// CHECK: global loads: 224 requests, 3584 sectors (ideal 3584, excess 0)
// CHECK: global stores: 112 requests, 1792 sectors (ideal 1792, excess 0)
// CHECK: unique global bytes read: 114688
// CHECK: unique global bytes written: 57344
// CHECK: global load requests by width: 1B 0, 2B 0, 4B 0, 8B 0, 16B 224
func.func @swiglu(%a: tensor<7x4096xbf16>, %b: tensor<7x4096xbf16>) -> tensor<7x4096xbf16> {
  %s = fused.silu %a : tensor<7x4096xbf16>
  %y = fused.mul %s, %b : tensor<7x4096xbf16>, tensor<7x4096xbf16> -> tensor<7x4096xbf16>
  return %y : tensor<7x4096xbf16>
}

/// Reductions read their input once: over rows (4 x 8192 f16: 2048
/// sectors, 16-byte accesses, conflict-free partials) and over columns
/// (300 x 64 bf16: 1200 sectors).
// CHECK-LABEL: @sum_rows sum_rows_reduction counters:
// CHECK: global loads: {{[0-9]+}} requests, 2048 sectors (ideal 2048, excess 0)
// CHECK: unique global bytes read: 65536
// CHECK: shared loads: {{[0-9]+}} requests, [[W3:[0-9]+]] wavefronts (ideal [[W3]], excess 0)
// CHECK: global load requests by width: 1B 0, 2B 0, 4B 0, 8B 0, 16B {{[0-9]+}}
func.func @sum_rows(%x: tensor<4x8192xf16>) -> tensor<4xf16> {
  %y = fused.reduce_sum %x axis = 1 : tensor<4x8192xf16> -> tensor<4xf16>
  return %y : tensor<4xf16>
}

// A block of 256 threads walks the rows 32 at a time: 512 bytes a request.
// CHECK-LABEL: @sum_columns sum_columns_reduction counters:
// CHECK: global loads: 75 requests, 1200 sectors (ideal 1200, excess 0)
// CHECK: global stores: {{[0-9]+}} requests, 4 sectors (ideal 4, excess 0)
func.func @sum_columns(%x: tensor<300x64xbf16>) -> tensor<64xbf16> {
  %y = fused.reduce_sum %x axis = 0 : tensor<300x64xbf16> -> tensor<64xbf16>
  return %y : tensor<64xbf16>
}

/// Transposes read and write every element once, coalesced on both sides:
/// a tiled swap (256 x 512 f32 and f16, 32 x 32 tiles with one word of
/// padding: 0 bank conflicts) and a row copy that keeps the innermost
/// dimension (16-byte accesses).
// CHECK-LABEL: @swap_f32 swap_f32_transpose counters:
// CHECK: global loads: 4096 requests, 16384 sectors (ideal 16384, excess 0)
// CHECK: global stores: 4096 requests, 16384 sectors (ideal 16384, excess 0)
// CHECK: shared loads: 4096 requests, 4096 wavefronts (ideal 4096, excess 0)
// CHECK: shared stores: 4096 requests, 4096 wavefronts (ideal 4096, excess 0)
func.func @swap_f32(%x: tensor<256x512xf32>) -> tensor<512x256xf32> {
  %y = fused.transpose %x permutation = [1, 0] : tensor<256x512xf32> -> tensor<512x256xf32>
  return %y : tensor<512x256xf32>
}

// CHECK-LABEL: @swap_f16 swap_f16_transpose counters:
// CHECK: global loads: 4096 requests, 8192 sectors (ideal 8192, excess 0)
// CHECK: global stores: 4096 requests, 8192 sectors (ideal 8192, excess 0)
// CHECK: shared loads: {{[0-9]+}} requests, [[T1:[0-9]+]] wavefronts (ideal [[T1]], excess 0)
// CHECK: shared stores: {{[0-9]+}} requests, [[T2:[0-9]+]] wavefronts (ideal [[T2]], excess 0)
func.func @swap_f16(%x: tensor<256x512xf16>) -> tensor<512x256xf16> {
  %y = fused.transpose %x permutation = [1, 0] : tensor<256x512xf16> -> tensor<512x256xf16>
  return %y : tensor<512x256xf16>
}

// CHECK-LABEL: @heads heads_transpose counters:
// CHECK: global loads: 512 requests, 8192 sectors (ideal 8192, excess 0)
// CHECK: global stores: 512 requests, 8192 sectors (ideal 8192, excess 0)
// CHECK: global load requests by width: 1B 0, 2B 0, 4B 0, 8B 0, 16B 512
func.func @heads(%x: tensor<2x128x8x64xf16>) -> tensor<2x8x128x64xf16> {
  %y = fused.transpose %x permutation = [0, 2, 1, 3] : tensor<2x128x8x64xf16> -> tensor<2x8x128x64xf16>
  return %y : tensor<2x8x128x64xf16>
}

/// 2000 rows of 64 f16 with a weight and a bias: a block of eight warps
/// normalises 32 rows (four per warp), enough that the parameters add 1/32
/// to the rows' bytes. The block copies the parameters' 256 bytes to shared
/// memory once and every warp reads them from there, so they are read from
/// global memory by 63 blocks, not 2000 rows: 8000 sectors of rows plus
/// 63 x 8 of parameters, and no bank conflicts.
// CHECK-LABEL: @ln_rows ln_rows_normalization counters:
// CHECK: blocks: 63
// CHECK: global loads: {{[0-9]+}} requests, 8504 sectors (ideal 8504, excess 0)
// CHECK: global stores: {{[0-9]+}} requests, 8000 sectors (ideal 8000, excess 0)
// CHECK: shared loads: 1008 requests, 1008 wavefronts (ideal 1008, excess 0)
// CHECK: shared stores: 126 requests, 126 wavefronts (ideal 126, excess 0)
func.func @ln_rows(%x: tensor<2000x64xf16>, %g: tensor<64xf16>, %b: tensor<64xf16>) -> tensor<2000x64xf16> {
  %y = fused.layernorm %x weight(%g : tensor<64xf16>) bias(%b : tensor<64xf16>) : tensor<2000x64xf16>
  return %y : tensor<2000x64xf16>
}

/// RoPE of Llama-shaped queries, bf16 with f32 tables (37 positions): x
/// read once, the tables once (each thread applies its cos and sin to
/// every head), 37888 + 18944 bytes read and 37888 written, no excess
/// sectors; 8-byte x accesses, so that each thread's table access is one
/// coalesced 16-byte read.
// CHECK-LABEL: @rope_llama rope_llama_rope counters:
// CHECK: global loads: {{[0-9]+}} requests, 1776 sectors (ideal 1776, excess 0)
// CHECK: global stores: {{[0-9]+}} requests, 1184 sectors (ideal 1184, excess 0)
// CHECK: unique global bytes read: 56832
// CHECK: unique global bytes written: 37888
// CHECK: global load requests by width: 1B 0, 2B 0, 4B 0, 8B {{[1-9][0-9]*}}, 16B {{[1-9][0-9]*}}
func.func @rope_llama(%q: tensor<1x4x37x128xbf16>, %c: tensor<37x64xf32>, %s: tensor<37x64xf32>) -> tensor<1x4x37x128xbf16> {
  %0 = fused.rope %q, %c, %s : tensor<1x4x37x128xbf16>, tensor<37x64xf32>, tensor<37x64xf32>
  return %0 : tensor<1x4x37x128xbf16>
}

/// f16 tables: 16-byte accesses throughout; 131072 + 16384 bytes read,
/// 131072 written.
// CHECK-LABEL: @rope_f16 rope_f16_rope counters:
// CHECK: global loads: {{[0-9]+}} requests, 4608 sectors (ideal 4608, excess 0)
// CHECK: global stores: {{[0-9]+}} requests, 4096 sectors (ideal 4096, excess 0)
// CHECK: unique global bytes read: 147456
// CHECK: unique global bytes written: 131072
// CHECK: global load requests by width: 1B 0, 2B 0, 4B 0, 8B 0, 16B {{[1-9][0-9]*}}
// CHECK: global store requests by width: 1B 0, 2B 0, 4B 0, 8B 0, 16B {{[1-9][0-9]*}}
func.func @rope_f16(%q: tensor<1x8x64x128xf16>, %c: tensor<64x64xf16>, %s: tensor<64x64xf16>) -> tensor<1x8x64x128xf16> {
  %0 = fused.rope %q, %c, %s : tensor<1x8x64x128xf16>, tensor<64x64xf16>, tensor<64x64xf16>
  return %0 : tensor<1x8x64x128xf16>
}

/// A row too long for registers (20000 f32, 80 KB) but not for shared
/// memory: staged there on the first pass, so it is read from global
/// memory once: 160000 bytes each way, 5000 sectors, and no bank conflicts
/// on the staged row.
// CHECK-LABEL: @sm_staged sm_staged_softmax counters:
// CHECK: global loads: {{[0-9]+}} requests, 5000 sectors (ideal 5000, excess 0)
// CHECK: global stores: {{[0-9]+}} requests, 5000 sectors (ideal 5000, excess 0)
// CHECK: unique global bytes read: 160000
// CHECK: shared loads: {{[0-9]+}} requests, [[W:[0-9]+]] wavefronts (ideal [[W]], excess 0)
// CHECK: shared stores: {{[0-9]+}} requests, [[V:[0-9]+]] wavefronts (ideal [[V]], excess 0)
func.func @sm_staged(%x: tensor<2x20000xf32>) -> tensor<2x20000xf32> {
  %y = fused.softmax %x axis = -1 : tensor<2x20000xf32>
  return %y : tensor<2x20000xf32>
}

/// A vocabulary-sized softmax row (50257 bf16: not a multiple of 16
/// bytes) staged in shared memory: its head (before the first 32-byte
/// boundary) and tail one element per thread, in a request each, the rest
/// in 16-byte windows from that boundary. 804112 bytes each way: 25129
/// sectors' worth, 25136 moved (1.0003x: the sectors rows share), no
/// excess.
// CHECK-LABEL: @sm_vocab sm_vocab_softmax counters:
// CHECK: global loads: {{[0-9]+}} requests, 25136 sectors (ideal 25136, excess 0)
// CHECK: global stores: {{[0-9]+}} requests, 25136 sectors (ideal 25136, excess 0)
// CHECK: unique global bytes read: 804112
// CHECK: unique global bytes written: 804112
// CHECK: shared loads: {{[0-9]+}} requests, [[W:[0-9]+]] wavefronts (ideal [[W]], excess 0)
// CHECK: global load requests by width: 1B 0, 2B 14, 4B 0, 8B 0, 16B 1576
func.func @sm_vocab(%x: tensor<8x50257xbf16>) -> tensor<8x50257xbf16> {
  %y = fused.softmax %x axis = -1 : tensor<8x50257xbf16>
  return %y : tensor<8x50257xbf16>
}
