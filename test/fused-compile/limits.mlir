/// Kernels over a limit of the target chip are refused at compile time with
/// a diagnostic naming the limit (fused-check-limits), on every path: PTX,
/// bundles and runs on the emulator. Threads per block over 1024 are
/// refused earlier, by #fused.gemm_config's verifier (Dialect/Fused/invalid.mlir).
/// Registers: a configuration whose accumulators alone exceed what a thread
/// of its block may hold is refused before code generation.
// RUN: not fused-compile --emit=ptx --chip=sm_80 --entry=grid_x %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=GRIDX
// RUN: not fused-compile --emit=ptx --chip=sm_80 --entry=grid_y %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=GRIDY
// RUN: not fused-compile --emit=ptx --chip=sm_80 --entry=grid_z %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=GRIDZ
// RUN: not fused-compile --run --device=emulator %S/Inputs/limits-grid-z.mlir 2>&1 | FileCheck %s --check-prefix=GRIDZ
// RUN: rm -rf %t.bundle && not fused-compile --emit=bundle --chip=sm_80 --entry=grid_z %s -o %t.bundle 2>&1 | FileCheck %s --check-prefix=GRIDZ
// RUN: not test -e %t.bundle
// RUN: fused-compile --emit=ptx --chip=sm_80 --entry=smem_128k %s -o /dev/null
// RUN: not fused-compile --emit=ptx --chip=sm_86 --entry=smem_128k %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=SMEM86
// RUN: not fused-compile --emit=ptx --chip=sm_89 --entry=smem_128k %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=SMEM89
// RUN: not fused-compile --emit=ptx --chip=sm_80 --entry=smem_240k %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=SMEM80
// RUN: not fused-compile --emit=ptx --chip=sm_90 --entry=smem_240k %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=SMEM90
// RUN: not fused-compile --emit=ptx --chip=sm_80 --entry=index_overflow %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=INDEX
// RUN: not fused-compile --emit=ptx --chip=sm_90 --entry=regs_per_thread %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=REGS255
// RUN: not fused-compile --emit=ptx --chip=sm_80 --entry=regs_per_block %s -o /dev/null 2>&1 | FileCheck %s --check-prefix=REGS64
// RUN: not fused-compile --run --device=emulator %S/Inputs/limits-registers.mlir 2>&1 | FileCheck %s --check-prefix=REGS64
// RUN: fused-compile --emit=ptx --chip=sm_80 --entry=regs_at_budget %s -o /dev/null

// A query length of 2^40: 2^34 blocks of 64 query rows.
// GRIDX: error: kernel 'grid_x_attention' for sm_80: a grid x dimension of 17179869184 blocks exceeds the limit of 2147483647 (2^31 - 1)
func.func @grid_x(%q: tensor<1x1x1099511627776x64xf16>, %k: tensor<1x1x64x64xf16>, %v: tensor<1x1x64x64xf16>) -> tensor<1x1x1099511627776x64xf16> {
  %o = fused.attention %q, %k, %v : tensor<1x1x1099511627776x64xf16>, tensor<1x1x64x64xf16>, tensor<1x1x64x64xf16> -> tensor<1x1x1099511627776x64xf16>
  return %o : tensor<1x1x1099511627776x64xf16>
}

// 128 * 65536 rows in 128-row blocks: 65536 blocks along y.
// GRIDY: error: kernel 'grid_y_gemm' for sm_80: a grid y dimension of 65536 blocks exceeds the limit of 65535
func.func @grid_y(%a: tensor<8388608x64xf16>, %b: tensor<64x128xf16>) -> tensor<8388608x128xf32> {
  %c = fused.matmul %a, %b {fused.config = #fused.gemm_config<block = [128, 128, 32], warps = [2, 4], stages = 2>} : tensor<8388608x64xf16>, tensor<64x128xf16> -> tensor<8388608x128xf32>
  return %c : tensor<8388608x128xf32>
}

// A batch of 65536.
// GRIDZ: error: kernel '{{.*}}grid_z_attention' for {{sm_[0-9]+}}: a grid z dimension of 65536 blocks exceeds the limit of 65535
func.func @grid_z(%q: tensor<65536x1x16x16xf16>, %k: tensor<65536x1x16x16xf16>, %v: tensor<65536x1x16x16xf16>) -> tensor<65536x1x16x16xf16> {
  %o = fused.attention %q, %k, %v : tensor<65536x1x16x16xf16>, tensor<65536x1x16x16xf16>, tensor<65536x1x16x16xf16> -> tensor<65536x1x16x16xf16>
  return %o : tensor<65536x1x16x16xf16>
}

// 4 stages of 128x64 + 64x128 f16 tiles: 131072 bytes, within sm_80's 163
// KiB, over sm_86's and sm_89's 99 KiB.
// SMEM86: error: kernel 'smem_128k_gemm' for sm_86: 131072 bytes of dynamic shared memory per block exceed the chip's opt-in maximum of 101376 bytes (99 KiB)
// SMEM89: error: kernel 'smem_128k_gemm' for sm_89: 131072 bytes of dynamic shared memory per block exceed the chip's opt-in maximum of 101376 bytes (99 KiB)
func.func @smem_128k(%a: tensor<256x256xf16>, %b: tensor<256x256xf16>) -> tensor<256x256xf32> {
  %c = fused.matmul %a, %b {fused.config = #fused.gemm_config<block = [128, 128, 64], warps = [2, 4], stages = 4>} : tensor<256x256xf16>, tensor<256x256xf16> -> tensor<256x256xf32>
  return %c : tensor<256x256xf32>
}

// 5 stages of 256x64 + 64x128 f16 tiles: 245760 bytes, over sm_80's 163
// KiB and sm_90's 227 KiB.
// SMEM80: error: kernel 'smem_240k_gemm' for sm_80: 245760 bytes of dynamic shared memory per block exceed the chip's opt-in maximum of 166912 bytes (163 KiB)
// SMEM90: error: kernel 'smem_240k_gemm' for sm_90a: 245760 bytes of dynamic shared memory per block exceed the chip's opt-in maximum of 232448 bytes (227 KiB)
func.func @smem_240k(%a: tensor<512x512xf16>, %b: tensor<512x512xf16>) -> tensor<512x512xf32> {
  %c = fused.matmul %a, %b {fused.config = #fused.gemm_config<block = [256, 128, 64], warps = [4, 2], stages = 5>} : tensor<512x512xf16>, tensor<512x512xf16> -> tensor<512x512xf32>
  return %c : tensor<512x512xf32>
}

// 2^57 query rows of 64 f16 elements: 2^64 bytes, beyond 64-bit offsets.
// INDEX: error: function 'index_overflow': argument 0 ('tensor<1x1x144115188075855872x64xf16>') spans more bytes than the kernels' 64-bit index arithmetic can address
// INDEX: error: function 'index_overflow': result 0 ('tensor<1x1x144115188075855872x64xf16>') spans more bytes than the kernels' 64-bit index arithmetic can address
func.func @index_overflow(%q: tensor<1x1x144115188075855872x64xf16>, %k: tensor<1x1x64x64xf16>, %v: tensor<1x1x64x64xf16>) -> tensor<1x1x144115188075855872x64xf16> {
  %o = fused.attention %q, %k, %v : tensor<1x1x144115188075855872x64xf16>, tensor<1x1x64x64xf16>, tensor<1x1x64x64xf16> -> tensor<1x1x144115188075855872x64xf16>
  return %o : tensor<1x1x144115188075855872x64xf16>
}

// Warp tiles of 128 x 128: 512 f32 accumulators per thread, over the 255
// registers a thread may have.
// REGS255: error: 'fused.matmul' op #fused.gemm_config's accumulators alone take 512 registers per thread, over the 255 registers a thread of a 128-thread block has on sm_90a (65536 per block, at most 255 per thread): use more warps or a smaller block
func.func @regs_per_thread(%a: tensor<256x64xf16>, %b: tensor<64x256xf16>) -> tensor<256x256xf32> {
  %c = fused.matmul %a, %b {fused.config = #fused.gemm_config<block = [256, 256, 32], warps = [2, 2], stages = 2>} : tensor<256x64xf16>, tensor<64x256xf16> -> tensor<256x256xf32>
  return %c : tensor<256x256xf32>
}

// 32 warps (1024 threads) of 128 x 32 warp tiles: 128 accumulators per
// thread, over the 65536 / 1024 = 64 registers each thread may have.
// REGS64: error: 'fused.matmul' op #fused.gemm_config's accumulators alone take 128 registers per thread, over the 64 registers a thread of a 1024-thread block has on {{sm_[0-9]+}} (65536 per block, at most 255 per thread): use a smaller block{{$}}
func.func @regs_per_block(%a: tensor<512x64xf16>, %b: tensor<64x256xf16>) -> tensor<512x256xf32> {
  %c = fused.matmul %a, %b {fused.config = #fused.gemm_config<block = [512, 256, 16], warps = [4, 8], stages = 2>} : tensor<512x64xf16>, tensor<64x256xf16> -> tensor<512x256xf32>
  return %c : tensor<512x256xf32>
}

/// 1024 threads of 64 x 32 warp tiles: 64 accumulators, exactly the budget.
func.func @regs_at_budget(%a: tensor<256x64xf16>, %b: tensor<64x256xf16>) -> tensor<256x256xf16> {
  %c = fused.matmul %a, %b {fused.config = #fused.gemm_config<block = [256, 256, 16], warps = [4, 8], stages = 2>} : tensor<256x64xf16>, tensor<64x256xf16> -> tensor<256x256xf16>
  return %c : tensor<256x256xf16>
}
