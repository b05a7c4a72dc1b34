// RUN: fused-compile --emit=ptx --chip=sm_80 %s | FileCheck %s --check-prefix=PTX
// RUN: fused-compile --emit=ptx --chip=sm_90 %s | FileCheck %s --check-prefix=PTX90
// RUN: fused-compile --emit=mlir --after=mma %s | FileCheck %s --check-prefix=MMA
// RUN: fused-compile --emit=mlir --after=nvvm --chip=sm_80 %s | FileCheck %s --check-prefix=NVVM
// RUN: fused-compile --emit=mlir --after=tile %s | FileCheck %s --check-prefix=TILE
// RUN: fused-compile --emit=llvm %s | FileCheck %s --check-prefix=LLVM
// RUN: rm -rf %t.bundle && fused-compile --emit=bundle --chip=sm_80 %s -o %t.bundle && FileCheck %s --check-prefix=MANIFEST < %t.bundle/manifest.json
// RUN: FileCheck %s --check-prefix=PTX < %t.bundle/kernels.sm_80.ptx

/// A GEMM with an f16 epilogue compiled to PTX, with cp.async copies (16-byte,
/// zero-fill), ldmatrix (plain for A, transposed for the K-major B tile),
/// mma.sync m16n8k16 with f32 accumulation and 16-byte output stores.
// PTX: .target sm_80
// PTX: .visible .entry gemm_gemm(
// PTX-DAG: cp.async.cg.shared.global [{{.*}}], [{{.*}}], 16, {{.*}};
// PTX-DAG: cp.async.commit_group;
// PTX-DAG: cp.async.wait_group 1;
// PTX-DAG: ldmatrix.sync.aligned.m8n8.x4.shared.b16
// PTX-DAG: ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16
// PTX-DAG: mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32
// PTX-DAG: bar.sync 0;
// PTX-DAG: st.global.v4.b32
// PTX90: .target sm_90

// TILE: fused.launch @gemm_gemm
// TILE: func.func private @gemm_gemm
// MMA: module attributes {fused.target = "{{sm_[0-9a]+}}", gpu.container_module}
// MMA: fused.launch @fused_kernels::@gemm_gemm
// MMA: gpu.module @fused_kernels
// MMA: gpu.func @gemm_gemm({{.*}}) kernel attributes {fused.gemm_config = #fused.gemm_config<block = [128, 128, 32], warps = [2, 4], stages = 3>, fused.kernel_kind = #fused<kernel_kind gemm>, fused.launch = #fused.launch<grid = [2, 3, 1], block = [256, 1, 1], shared = 49152, outputs = 1>, known_block_size = array<i32: 256, 1, 1>}
// MMA: gpu.dynamic_shared_memory
// MMA: nvgpu.device_async_copy
// MMA: nvvm.cp.async.commit.group
// MMA: scf.for {{.*}} iter_args
// MMA: nvvm.cp.async.wait.group 1
// MMA: gpu.barrier
// MMA: nvgpu.ldmatrix {{.*}} {numTiles = 4 : i32, transpose = false}
// MMA: nvgpu.ldmatrix {{.*}} {numTiles = 4 : i32, transpose = true}
// MMA: nvgpu.mma.sync
// NVVM: gpu.module @fused_kernels [#nvvm.target<O = 3, chip = "sm_80"{{.*}}>]
// NVVM-DAG: nvvm.cp.async.shared.global
// NVVM-DAG: nvvm.ldmatrix
// NVVM-DAG: nvvm.mma.sync
// LLVM: define ptx_kernel void @gemm_gemm(
// LLVM: call {{.*}}@llvm.nvvm.ldmatrix.sync.aligned.m8n8.x4.b16
// LLVM: call {{.*}}@llvm.nvvm.mma.m16n8k16.row.col.f32.f32

// MANIFEST: "chips": [
// MANIFEST-NEXT: "sm_80"
// MANIFEST: "format": "fused-bundle",
// MANIFEST: "functions": [
// MANIFEST: "launches": [
// MANIFEST: "kernel": "gemm_gemm"
// MANIFEST: "images": [
// MANIFEST: "chip": "sm_80",
// MANIFEST-NEXT: "file": "kernels.sm_80.ptx",
// MANIFEST-NEXT: "format": "ptx"
// MANIFEST: "kernels": [
// A and B (16-byte rows) are read with 16-byte cp.async; the bias with
// element loads; the output's rows (400 bytes) take 16-byte stores.
// MANIFEST: "alignment": 16,
// MANIFEST-NEXT: "dtype": "f16",
// MANIFEST-NEXT: "index": 0,
// MANIFEST: "alignment": 16,
// MANIFEST-NEXT: "dtype": "f16",
// MANIFEST-NEXT: "index": 1,
// MANIFEST: "alignment": 2,
// MANIFEST-NEXT: "dtype": "f16",
// MANIFEST-NEXT: "index": 2,
// MANIFEST: "alignment": 16,
// MANIFEST-NEXT: "dtype": "f16",
// MANIFEST-NEXT: "index": 3,
// MANIFEST-NEXT: "role": "output",
// MANIFEST: "block": [
// MANIFEST-NEXT: 256,
// MANIFEST: "dynamic_shared_memory": 49152,
// MANIFEST: "grid": [
// MANIFEST-NEXT: 2,
// MANIFEST-NEXT: 3,
// MANIFEST-NEXT: 1
func.func @gemm(%a: tensor<300x96xf16>, %b: tensor<96x200xf16>, %bias: tensor<200xf16>) -> tensor<300x200xf16> {
  %c = fused.matmul %a, %b {fused.config = #fused.gemm_config<block = [128, 128, 32], warps = [2, 4], stages = 3>} : tensor<300x96xf16>, tensor<96x200xf16> -> tensor<300x200xf16>
  %d = fused.add %c, %bias : tensor<300x200xf16>, tensor<200xf16> -> tensor<300x200xf16>
  return %d : tensor<300x200xf16>
}
