// Attention with a dynamic batch as well as dynamic sequence lengths, and
// a bias of [Sq, Skv] that is dynamic in both: one kernel for every batch
// and length; the grid's z axis follows Q's batch, its x axis Q's length.
// RUN: fused-compile --run --device=emulator --check --sizes=3,37,70 %s | FileCheck %s
// RUN: fused-compile --run --device=emulator --check --sizes=1,1,9 --seed=2 %s | FileCheck %s
// RUN: fused-compile --run --device=emulator --check --sizes=0,5,5 --seed=3 %s | FileCheck %s
// RUN: rm -rf %t && mkdir -p %t
// RUN: fused-compile --emit=bundle --chip=sm_80,sm_90 --with-reference --sizes=2,64,64 %s -o %t/a
// RUN: FileCheck %s --input-file=%t/a/manifest.json --check-prefix=MANIFEST
// RUN: fused-run %t/a --device=emulator --check | FileCheck %s
// RUN: fused-compile --cross-check-ptx --chip=sm_90 %s | FileCheck %s --check-prefix=XCHECK
// At 2 x 64 x 64 the outputs are bit for bit those of the static kernel.
// RUN: fused-compile --run --device=emulator --sizes=2,64,64 %s | grep checksum > %t/dynamic.txt
// RUN: grep -v RUN: %s | sed 's/tensor<?x4x?x/tensor<2x4x64x/g; s/tensor<?x2x?x/tensor<2x2x64x/g; s/tensor<?x4x?xf32>/tensor<2x4x64xf32>/g; s/tensor<?x?xf32>/tensor<64x64xf32>/g' > %t/static.mlir
// RUN: not grep -q '?' %t/static.mlir
// RUN: fused-compile --run --device=emulator %t/static.mlir | grep checksum > %t/static.txt
// RUN: diff %t/dynamic.txt %t/static.txt

// CHECK: @batch_bias result 0: relative error {{.*}} PASS
// CHECK: @batch_bias result 1: relative error {{.*}} PASS
// XCHECK: the emulator and the PTX agree

// MANIFEST: "grid": [
// MANIFEST-NEXT: "(a0.d2 + 63) / 64",
// MANIFEST-NEXT: 4,
// MANIFEST-NEXT: "a0.d0"

func.func @batch_bias(%q: tensor<?x4x?x64xf16>, %k: tensor<?x2x?x64xf16>,
                      %v: tensor<?x2x?x64xf16>, %bias: tensor<?x?xf32>)
    -> (tensor<?x4x?x64xf16>, tensor<?x4x?xf32>) {
  %o, %lse = fused.attention %q, %k, %v bias(%bias : tensor<?x?xf32>) {causal}
      : tensor<?x4x?x64xf16>, tensor<?x2x?x64xf16>, tensor<?x2x?x64xf16>
      -> tensor<?x4x?x64xf16>, tensor<?x4x?xf32>
  return %o, %lse : tensor<?x4x?x64xf16>, tensor<?x4x?xf32>
}
