// Dynamic dimensions (?) in the memory-bound kernels: one compiled kernel
// for every size of the first dimension. The sizes are the kernels'
// arguments (the memrefs' descriptors), the grids follow from them by the
// manifest's expressions, and the runtime takes the sizes from the inputs.

// RUN: fused-compile --run --device=emulator --check --sizes=37 %s | FileCheck %s
// RUN: fused-compile --run --device=emulator --check --sizes=1 --seed=2 %s | FileCheck %s
// RUN: fused-compile --run --device=emulator --check --sizes=70 --seed=3 %s | FileCheck %s
// No rows: empty results and no launch.
// RUN: fused-compile --run --device=emulator --check --sizes=0 %s | FileCheck %s
// One bundle: the same images at any size; two sizes' reference data.
// RUN: rm -rf %t && mkdir -p %t
// RUN: fused-compile --emit=bundle --chip=sm_80,sm_90 --with-reference --sizes=37 %s -o %t/a
// RUN: fused-compile --emit=bundle --chip=sm_80,sm_90 --with-reference --sizes=5 --seed=7 %s -o %t/b
// RUN: cmp %t/a/kernels.emu.ll %t/b/kernels.emu.ll
// RUN: cmp %t/a/kernels.sm_90a.ptx %t/b/kernels.sm_90a.ptx
// RUN: fused-run %t/a --device=emulator --check | FileCheck %s
// RUN: fused-run %t/b --device=emulator --check | FileCheck %s
// RUN: fused-run %t/a --device=emulator --sizes=129 | FileCheck %s --check-prefix=RAN
// RUN: FileCheck %s --input-file=%t/a/manifest.json --check-prefix=MANIFEST
// At 37 rows the outputs are bit for bit those of the kernels compiled for
// 37 rows (static shapes).
// RUN: fused-compile --run --device=emulator --sizes=37 %s | grep checksum > %t/dynamic.txt
// RUN: grep -v RUN: %s | sed 's/?x/37x/g' > %t/static.mlir
// RUN: fused-compile --run --device=emulator %t/static.mlir | grep checksum > %t/static.txt
// RUN: diff %t/dynamic.txt %t/static.txt
// Without sizes, or with sizes that disagree, there is no run.
// RUN: not fused-compile --run --device=emulator %s 2>&1 | FileCheck %s --check-prefix=NOSIZES
// RUN: not fused-run %t/a --device=emulator 2>&1 | FileCheck %s --check-prefix=RUNNOSIZES

// CHECK: @residual_norm_gelu result 0: relative error {{.*}} PASS
// CHECK: @residual_norm_gelu result 1: relative error {{.*}} PASS
// CHECK: @softmax_heads result 0: relative error {{.*}} PASS
// CHECK: @rmsnorm_vocab result 0: relative error {{.*}} PASS
// CHECK: @swiglu result 0: relative error {{.*}} PASS

// RAN: @residual_norm_gelu result 0: checksum
// RAN: @swiglu result 0: checksum

// The buffers' shapes are expressions of the size s0, the kernels take
// any size ("?") and their grids follow from their arguments' sizes (keys
// are sorted: functions come before kernels).
// MANIFEST: "functions": [
// MANIFEST: "buffers": [
// MANIFEST: "shape": [
// MANIFEST-NEXT: "s0",
// MANIFEST-NEXT: 768
// MANIFEST: "kernels": [
// MANIFEST: "shape": [
// MANIFEST-NEXT: "?",
// MANIFEST-NEXT: 768
// MANIFEST: "grid": [
// MANIFEST-NEXT: "(a5.d0 + 31) / 32"
// MANIFEST: "version": 3

// NOSIZES: @residual_norm_gelu has 1 dynamic size, got 0 (give them with --sizes=N,...)
// RUNNOSIZES: @residual_norm_gelu has dynamic dimensions: give their sizes with --sizes=N,... (s0, s1, ...)

// Residual add + layernorm (both results), then GELU: two kernels.
func.func @residual_norm_gelu(%x: tensor<?x768xf16>, %r: tensor<?x768xf16>,
                              %w: tensor<768xf32>, %b: tensor<768xf32>)
    -> (tensor<?x768xf16>, tensor<?x768xf16>) {
  %h = fused.add %x, %r
      : tensor<?x768xf16>, tensor<?x768xf16> -> tensor<?x768xf16>
  %n = fused.layernorm %h weight(%w : tensor<768xf32>)
      bias(%b : tensor<768xf32>) : tensor<?x768xf16>
  %g = fused.gelu tanh %n : tensor<?x768xf16>
  return %h, %g : tensor<?x768xf16>, tensor<?x768xf16>
}

// A softmax over rows of 50 with a static middle dimension.
func.func @softmax_heads(%s: tensor<?x3x50xbf16>) -> tensor<?x3x50xbf16> {
  %p = fused.softmax %s axis = -1 : tensor<?x3x50xbf16>
  return %p : tensor<?x3x50xbf16>
}

// Rows longer than the registers hold: streamed, staged in shared memory.
func.func @rmsnorm_vocab(%x: tensor<?x40000xbf16>, %w: tensor<40000xf32>)
    -> tensor<?x40000xbf16> {
  %y = fused.rmsnorm %x weight(%w : tensor<40000xf32>) : tensor<?x40000xbf16>
  return %y : tensor<?x40000xbf16>
}

// An elementwise chain with a broadcast operand.
func.func @swiglu(%a: tensor<?x200xf16>, %g: tensor<?x200xf16>,
                  %s: tensor<200xf16>) -> tensor<?x200xf16> {
  %sa = fused.silu %a : tensor<?x200xf16>
  %m = fused.mul %sa, %g
      : tensor<?x200xf16>, tensor<?x200xf16> -> tensor<?x200xf16>
  %y = fused.mul %m, %s
      : tensor<?x200xf16>, tensor<200xf16> -> tensor<?x200xf16>
  return %y : tensor<?x200xf16>
}
