// GEMMs with a dynamic M (the rows: tokens of a batch): one kernel for
// every row count, with its epilogue (bias, GELU, residual, cast). The grid's
// M axis follows from the output's rows; the edge tiles are clipped.

// RUN: fused-compile --run --device=emulator --check --sizes=37 %s | FileCheck %s
// RUN: fused-compile --run --device=emulator --check --sizes=1 --seed=2 %s | FileCheck %s
// RUN: fused-compile --run --device=emulator --check --sizes=200 --seed=3 %s | FileCheck %s
// RUN: fused-compile --check-host --sizes=37 %s | FileCheck %s --check-prefix=HOST
// RUN: rm -rf %t && mkdir -p %t
// RUN: fused-compile --emit=bundle --chip=sm_80,sm_90 --with-reference --sizes=64 %s -o %t/a
// RUN: fused-compile --emit=bundle --chip=sm_80,sm_90 --with-reference --sizes=3 --seed=9 %s -o %t/b
// RUN: cmp %t/a/kernels.emu.ll %t/b/kernels.emu.ll
// RUN: cmp %t/a/kernels.sm_80.ptx %t/b/kernels.sm_80.ptx
// RUN: fused-run %t/a --device=emulator --check | FileCheck %s
// RUN: fused-run %t/b --device=emulator --check | FileCheck %s
// RUN: FileCheck %s --input-file=%t/a/manifest.json --check-prefix=MANIFEST
// At 37 rows the outputs are bit for bit those of the static kernels.
// RUN: fused-compile --run --device=emulator --sizes=37 %s | grep checksum > %t/dynamic.txt
// RUN: grep -v RUN: %s | sed 's/?x/37x/g' > %t/static.mlir
// RUN: fused-compile --run --device=emulator %t/static.mlir | grep checksum > %t/static.txt
// RUN: diff %t/dynamic.txt %t/static.txt

// CHECK: @mlp_up result 0: relative error {{.*}} PASS
// CHECK: @proj_residual result 0: relative error {{.*}} PASS
// CHECK: @scores_bf16 result 0: relative error {{.*}} PASS
// HOST: @mlp_up result 0: relative error {{.*}} PASS
// HOST: @proj_residual result 0: relative error {{.*}} PASS
// HOST: @scores_bf16 result 0: relative error {{.*}} PASS

// MANIFEST: "kernels": [
// MANIFEST: "grid": [
// MANIFEST-NEXT: 2,
// MANIFEST-NEXT: "(a3.d0 + 127) / 128",
// MANIFEST-NEXT: 1

// x W + b, GELU, to f16: [?, 96] x [96, 200].
func.func @mlp_up(%x: tensor<?x96xf16>, %w: tensor<96x200xf16>,
                  %b: tensor<200xf32>) -> tensor<?x200xf16> {
  %y = fused.matmul %x, %w
      : tensor<?x96xf16>, tensor<96x200xf16> -> tensor<?x200xf32>
  %yb = fused.add %y, %b : tensor<?x200xf32>, tensor<200xf32> -> tensor<?x200xf32>
  %g = fused.gelu tanh %yb : tensor<?x200xf32>
  %h = fused.cast %g : tensor<?x200xf32> to tensor<?x200xf16>
  return %h : tensor<?x200xf16>
}

// A projection with a residual of the same rows.
func.func @proj_residual(%x: tensor<?x64xf16>, %w: tensor<64x64xf16>,
                         %r: tensor<?x64xf16>) -> tensor<?x64xf16> {
  %y = fused.matmul %x, %w
      : tensor<?x64xf16>, tensor<64x64xf16> -> tensor<?x64xf32>
  %c = fused.cast %y : tensor<?x64xf32> to tensor<?x64xf16>
  %o = fused.add %c, %r : tensor<?x64xf16>, tensor<?x64xf16> -> tensor<?x64xf16>
  return %o : tensor<?x64xf16>
}

// bf16 with B transposed: [?, 48] x [80, 48]^T.
func.func @scores_bf16(%q: tensor<?x48xbf16>, %k: tensor<80x48xbf16>)
    -> tensor<?x80xf32> {
  %s = fused.matmul %q, %k {transpose_b}
      : tensor<?x48xbf16>, tensor<80x48xbf16> -> tensor<?x80xf32>
  return %s : tensor<?x80xf32>
}
