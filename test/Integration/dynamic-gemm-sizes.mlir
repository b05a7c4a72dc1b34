// GEMMs whose batch, N and K are dynamic as well as M: one kernel for every
// size. The grid's x axis follows N, its z axis the batch; the K loop runs
// to ceil(K / block_k) with its prologue guarded; the tiles clip to the
// sizes. A dynamic row length (K of a row-major A, N of the output) makes
// the row stride a kernel argument: the kernel uses 16-byte copies and
// stores when it is a multiple of 16 bytes and element accesses otherwise,
// one uniform branch. Both paths run here: sizes whose rows are whole
// 16-byte chunks and odd ones, down to 1.

// Rows of 16-byte chunks (K = 40, N = 72) and odd ones (45, 37), edges.
// RUN: fused-compile --run --device=emulator --check --sizes=2,72,40 %s | FileCheck %s
// RUN: fused-compile --run --device=emulator --check --sizes=3,37,45 --seed=2 %s | FileCheck %s
// RUN: fused-compile --run --device=emulator --check --sizes=1,1,1 --seed=3 %s | FileCheck %s
// RUN: fused-compile --run --device=emulator --check --sizes=2,130,67 --seed=4 %s | FileCheck %s
// A K of 0 at run time: the K loop runs no step, the results are the
// epilogue of zeros (and empty where M or N is 0).
// RUN: fused-compile --run --device=emulator --check --sizes=2,5,0 %s | FileCheck %s
// RUN: fused-compile --run --device=emulator --check --sizes=2,0,7 %s | FileCheck %s
// RUN: fused-compile --check-host --sizes=3,37,45 %s | FileCheck %s
// One bundle for every size: the same kernels at two sets of sizes.
// RUN: rm -rf %t && mkdir -p %t
// RUN: fused-compile --emit=bundle --chip=sm_80,sm_90 --with-reference --sizes=2,72,40 %s -o %t/a
// RUN: fused-compile --emit=bundle --chip=sm_80,sm_90 --with-reference --sizes=3,37,45 --seed=9 %s -o %t/b
// RUN: cmp %t/a/kernels.emu.ll %t/b/kernels.emu.ll
// RUN: cmp %t/a/kernels.sm_90a.ptx %t/b/kernels.sm_90a.ptx
// RUN: fused-run %t/a --device=emulator --check | FileCheck %s
// RUN: fused-run %t/b --device=emulator --check | FileCheck %s
// RUN: FileCheck %s --input-file=%t/a/manifest.json --check-prefix=MANIFEST
// The PTX has both paths: cp.async and 16-byte stores, element loads.
// RUN: FileCheck %s --input-file=%t/a/kernels.sm_80.ptx --check-prefix=PTX
// What the emulator executes agrees with the PTX on both chips.
// RUN: fused-compile --cross-check-ptx --chip=sm_80 %s | FileCheck %s --check-prefix=XCHECK
// RUN: fused-compile --cross-check-ptx --chip=sm_90 %s | FileCheck %s --check-prefix=XCHECK
// At equal sizes the outputs are bit for bit those of the static kernels,
// on the 16-byte path (40) and the element path (37).
// RUN: fused-compile --run --device=emulator --sizes=40,40,40 %s | grep checksum > %t/dynamic40.txt
// RUN: grep -v RUN: %s | sed 's/?/40/g' > %t/static40.mlir
// RUN: fused-compile --run --device=emulator %t/static40.mlir | grep checksum > %t/static40.txt
// RUN: diff %t/dynamic40.txt %t/static40.txt
// RUN: fused-compile --run --device=emulator --sizes=37,37,37 %s | grep checksum > %t/dynamic37.txt
// RUN: grep -v RUN: %s | sed 's/?/37/g' > %t/static37.mlir
// RUN: fused-compile --run --device=emulator %t/static37.mlir | grep checksum > %t/static37.txt
// RUN: diff %t/dynamic37.txt %t/static37.txt
// The counters of the two paths at M = 256, N = 256: with K = 64 the
// operands arrive by 16-byte cp.async (A and B each read twice: 128 KiB)
// and the output leaves in 16-byte stores, as from the static kernel; with
// K = 63 and N = 255, element by element.
// RUN: fused-compile --run --device=emulator --check --counters --entry=up_bias --sizes=256,64,256 %s | FileCheck %s --check-prefix=COUNTERS
// RUN: fused-compile --run --device=emulator --check --counters --entry=up_bias --sizes=256,63,255 %s | FileCheck %s --check-prefix=ODD

// CHECK: @scores result 0: relative error {{.*}} PASS
// CHECK: @pv result 0: relative error {{.*}} PASS
// CHECK: @up_bias result 0: relative error {{.*}} PASS
// CHECK: @transposed_a result 0: relative error {{.*}} PASS

// XCHECK: up_bias_gemm: agree
// XCHECK: the emulator and the PTX agree

// MANIFEST: "grid": [
// MANIFEST-NEXT: "(a2.d2 + 127) / 128",
// MANIFEST-NEXT: "(a2.d1 + 127) / 128",
// MANIFEST-NEXT: "a2.d0"
// MANIFEST: "name": "scores_gemm"
// MANIFEST: "grid": [
// MANIFEST-NEXT: 1,
// MANIFEST-NEXT: "(a2.d1 + 127) / 128",
// MANIFEST-NEXT: "a2.d0"
// MANIFEST: "name": "pv_gemm"
// MANIFEST: "grid": [
// MANIFEST-NEXT: "(a3.d1 + 127) / 128",
// MANIFEST-NEXT: "(a3.d0 + 127) / 128",
// MANIFEST-NEXT: 1
// MANIFEST: "name": "up_bias_gemm"

// PTX-LABEL: .entry up_bias_gemm
// PTX-DAG: cp.async.cg.shared.global
// PTX-DAG: ld.global.b16
// PTX-DAG: st.global.v4.b32
// PTX-DAG: st.global.b16

// COUNTERS: @up_bias up_bias_gemm counters:
// COUNTERS: global loads: {{[0-9]+}} requests, [[LOADS:[0-9]+]] sectors (ideal [[LOADS]], excess 0)
// COUNTERS-NEXT: global stores: {{[0-9]+}} requests, [[STORES:[0-9]+]] sectors (ideal [[STORES]], excess 0)
// COUNTERS: cp.async bytes: 131072
// COUNTERS: global store requests by width: 1B 0, 2B 0, 4B 0, 8B 0, 16B 256
// COUNTERS: @up_bias result 0: relative error {{.*}} PASS
// ODD: cp.async bytes: 0
// ODD: global store requests by width: 1B 0, 2B 2048, 4B 0, 8B 0, 16B 0
// ODD: @up_bias result 0: relative error {{.*}} PASS

// Q Kᵀ per head, the batch and both sequence lengths dynamic.
func.func @scores(%q: tensor<?x?x64xf16>, %k: tensor<?x?x64xf16>)
    -> tensor<?x?x?xf32> {
  %s = fused.matmul %q, %k {transpose_b}
      : tensor<?x?x64xf16>, tensor<?x?x64xf16> -> tensor<?x?x?xf32>
  return %s : tensor<?x?x?xf32>
}

// P V: K (the keys) dynamic, so A's rows are.
func.func @pv(%p: tensor<?x?x?xf16>, %v: tensor<?x?x64xf16>)
    -> tensor<?x?x64xf16> {
  %o = fused.matmul %p, %v
      : tensor<?x?x?xf16>, tensor<?x?x64xf16> -> tensor<?x?x64xf32>
  %h = fused.cast %o : tensor<?x?x64xf32> to tensor<?x?x64xf16>
  return %h : tensor<?x?x64xf16>
}

// M, K and N dynamic, a bias of N elements, GELU, f16 rows of N.
func.func @up_bias(%x: tensor<?x?xf16>, %w: tensor<?x?xf16>,
                   %b: tensor<?xf32>) -> tensor<?x?xf16> {
  %y = fused.matmul %x, %w
      : tensor<?x?xf16>, tensor<?x?xf16> -> tensor<?x?xf32>
  %yb = fused.add %y, %b : tensor<?x?xf32>, tensor<?xf32> -> tensor<?x?xf32>
  %g = fused.gelu tanh %yb : tensor<?x?xf32>
  %h = fused.cast %g : tensor<?x?xf32> to tensor<?x?xf16>
  return %h : tensor<?x?xf16>
}

// bf16, A transposed: [K, M]ᵀ x [K, N], every size dynamic.
func.func @transposed_a(%a: tensor<?x?xbf16>, %b: tensor<?x?xbf16>)
    -> tensor<?x?xf32> {
  %c = fused.matmul %a, %b {transpose_a}
      : tensor<?x?xbf16>, tensor<?x?xbf16> -> tensor<?x?xf32>
  %r = fused.relu %c : tensor<?x?xf32>
  return %r : tensor<?x?xf32>
}
