// Transposes that move the innermost dimension with a dynamic size (?):
// one compiled kernel for every size. A block moves a 32 x 32 tile through
// shared memory; the tile counts, the grid (the manifest's formula) and the
// tiles' bounds come from the output's sizes.

// RUN: fused-compile --run --device=emulator --check --sizes=37 %s | FileCheck %s
// RUN: fused-compile --run --device=emulator --check --sizes=1 --seed=2 %s | FileCheck %s
// RUN: fused-compile --run --device=emulator --check --sizes=70 --seed=3 %s | FileCheck %s
// RUN: fused-compile --run --device=emulator --check --sizes=0 %s | FileCheck %s
// At 37 the outputs are bit for bit those of the kernels compiled for 37.
// RUN: rm -rf %t && mkdir -p %t
// RUN: fused-compile --run --device=emulator --sizes=37 %s | grep checksum > %t/dynamic.txt
// RUN: grep -v RUN: %s | sed 's/?/37/g' > %t/static.mlir
// RUN: fused-compile --run --device=emulator %t/static.mlir | grep checksum > %t/static.txt
// RUN: diff %t/dynamic.txt %t/static.txt
// One bundle for every size.
// RUN: fused-compile --emit=bundle --chip=sm_80,sm_90 --with-reference --sizes=37 %s -o %t/a
// RUN: fused-compile --emit=bundle --chip=sm_80,sm_90 --with-reference --sizes=100 --seed=5 %s -o %t/b
// RUN: cmp %t/a/kernels.sm_90a.ptx %t/b/kernels.sm_90a.ptx
// RUN: fused-run %t/b --device=emulator --check | FileCheck %s
// RUN: FileCheck %s --input-file=%t/a/manifest.json --check-prefix=MANIFEST

// CHECK: @keys_t result 0: relative error {{.*}} PASS
// CHECK: @plane_t result 0: relative error {{.*}} PASS
// CHECK: @batch_t result 0: relative error {{.*}} PASS

// The grids: the other dimensions' product times the tiles of the two that
// trade places.
// MANIFEST: "grid": [
// MANIFEST-NEXT: "((6) * 2) * ((a1.d3 + 31) / 32)",
// MANIFEST: "grid": [
// MANIFEST-NEXT: "((1) * 2) * ((a1.d1 + 31) / 32)",
// MANIFEST: "grid": [
// MANIFEST-NEXT: "((a1.d0) * 2) * 2",

// Keys transposed for Q . K^T: [B, H, S, D] to [B, H, D, S], S dynamic.
func.func @keys_t(%k: tensor<2x3x?x64xf16>) -> tensor<2x3x64x?xf16> {
  %y = fused.transpose %k permutation = [0, 1, 3, 2] : tensor<2x3x?x64xf16> -> tensor<2x3x64x?xf16>
  return %y : tensor<2x3x64x?xf16>
}

// The moving dimensions' other side dynamic.
func.func @plane_t(%x: tensor<?x40xf32>) -> tensor<40x?xf32> {
  %y = fused.transpose %x permutation = [1, 0] : tensor<?x40xf32> -> tensor<40x?xf32>
  return %y : tensor<40x?xf32>
}

// A dynamic batch of static planes.
func.func @batch_t(%x: tensor<?x37x50xbf16>) -> tensor<?x50x37xbf16> {
  %y = fused.transpose %x permutation = [0, 2, 1] : tensor<?x37x50xbf16> -> tensor<?x50x37xbf16>
  return %y : tensor<?x50x37xbf16>
}
