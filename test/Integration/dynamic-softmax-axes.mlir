// Softmax over an axis other than the last with a dynamic first dimension
// (?): one compiled kernel for every size. Over the dynamic axis itself
// (the tokens) each thread walks its columns to the input's size, reading
// them twice; over another axis the slabs (or columns) of each index of the
// dynamic dimension, the grid from the manifest's formula.

// RUN: fused-compile --run --device=emulator --check --sizes=37 %s | FileCheck %s
// RUN: fused-compile --run --device=emulator --check --sizes=1 --seed=2 %s | FileCheck %s
// RUN: fused-compile --run --device=emulator --check --sizes=3 --seed=3 %s | FileCheck %s
// RUN: fused-compile --run --device=emulator --check --sizes=0 %s | FileCheck %s
// At 37, bit for bit the kernels compiled for 37.
// RUN: rm -rf %t && mkdir -p %t
// RUN: fused-compile --run --device=emulator --sizes=37 %s | grep checksum > %t/dynamic.txt
// RUN: grep -v RUN: %s | sed 's/?x/37x/g' > %t/static.mlir
// RUN: fused-compile --run --device=emulator %t/static.mlir | grep checksum > %t/static.txt
// RUN: diff %t/dynamic.txt %t/static.txt
// RUN: fused-compile --emit=bundle --chip=sm_80,sm_90 --sizes=37 %s -o %t/a
// RUN: FileCheck %s --input-file=%t/a/manifest.json --check-prefix=MANIFEST

// CHECK: @tokens result 0: relative error {{.*}} PASS
// CHECK: @heads_slab result 0: relative error {{.*}} PASS
// CHECK: @columns_walked result 0: relative error {{.*}} PASS
// CHECK: @columns_in_registers result 0: relative error {{.*}} PASS

// MANIFEST: "grid": [
// MANIFEST-NEXT: 1,
// MANIFEST: "grid": [
// MANIFEST-NEXT: "a0.d0",
// MANIFEST: "grid": [
// MANIFEST-NEXT: "(256 * a0.d0 + 255) / 256",
// MANIFEST: "grid": [
// MANIFEST-NEXT: "(5000 * a0.d0 + 255) / 256",

// Over the tokens: columns walked to the dynamic length.
func.func @tokens(%x: tensor<?x24xf16>) -> tensor<?x24xf16> {
  %y = fused.softmax %x axis = 0 : tensor<?x24xf16>
  return %y : tensor<?x24xf16>
}

// A 960-byte slab per index of the dynamic dimension.
func.func @heads_slab(%x: tensor<?x12x40xbf16>) -> tensor<?x12x40xbf16> {
  %y = fused.softmax %x axis = 1 : tensor<?x12x40xbf16>
  return %y : tensor<?x12x40xbf16>
}

// Slabs of 256 KiB: columns read twice.
func.func @columns_walked(%x: tensor<?x64x1024xf32>) -> tensor<?x64x1024xf32> {
  %y = fused.softmax %x axis = 1 : tensor<?x64x1024xf32>
  return %y : tensor<?x64x1024xf32>
}

// Slabs of 320 KB, columns of 4 x 4 floats in registers.
func.func @columns_in_registers(%x: tensor<?x4x20000xf32>) -> tensor<?x4x20000xf32> {
  %y = fused.softmax %x axis = 1 : tensor<?x4x20000xf32>
  return %y : tensor<?x4x20000xf32>
}
