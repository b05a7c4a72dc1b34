// Softmax and norms over rows of a dynamic length (?): one compiled kernel
// for every row length and row count. A block streams its row in two
// passes, staged in shared memory when it fits (48 KiB), read twice
// otherwise; 16-byte accesses where the length is a whole number of them,
// else 16-byte windows from the row's first sector boundary with head and
// tail one element per thread (rows without affine parameters) or single
// elements. Sizes: s0 rows, s1 elements per row.

// Odd lengths (windows; single elements with parameters), staged.
// RUN: fused-compile --run --device=emulator --check --sizes=5,37 %s | FileCheck %s
// Whole 16-byte chunks, staged.
// RUN: fused-compile --run --device=emulator --check --sizes=3,40 --seed=2 %s | FileCheck %s
// RUN: fused-compile --run --device=emulator --check --sizes=2,4096 --seed=3 %s | FileCheck %s
// Rows too long to stage (read twice), odd and whole.
// RUN: fused-compile --run --device=emulator --check --sizes=2,30001 --seed=4 %s | FileCheck %s
// RUN: fused-compile --run --device=emulator --check --sizes=1,32768 --seed=5 %s | FileCheck %s
// One element per row, empty rows, no rows.
// RUN: fused-compile --run --device=emulator --check --sizes=4,1 %s | FileCheck %s
// RUN: fused-compile --run --device=emulator --check --sizes=3,0 %s | FileCheck %s
// RUN: fused-compile --run --device=emulator --check --sizes=0,5 %s | FileCheck %s
// One bundle for every size: the grid follows the rows only.
// RUN: rm -rf %t && mkdir -p %t
// RUN: fused-compile --emit=bundle --chip=sm_80,sm_90 --with-reference --sizes=5,37 %s -o %t/a
// RUN: fused-compile --emit=bundle --chip=sm_80,sm_90 --with-reference --sizes=2,4100 --seed=9 %s -o %t/b
// RUN: cmp %t/a/kernels.emu.ll %t/b/kernels.emu.ll
// RUN: cmp %t/a/kernels.sm_90a.ptx %t/b/kernels.sm_90a.ptx
// RUN: fused-run %t/a --device=emulator --check | FileCheck %s
// RUN: fused-run %t/b --device=emulator --check | FileCheck %s
// RUN: FileCheck %s --input-file=%t/a/manifest.json --check-prefix=MANIFEST
// Traffic (emulator counters): odd rows in windows and whole 16-byte rows
// move each sector once, with no excess.
// RUN: fused-compile --run --device=emulator --counters --sizes=8,4095 %s | FileCheck %s --check-prefix=ODD
// RUN: fused-compile --run --device=emulator --counters --sizes=8,4096 %s | FileCheck %s --check-prefix=WHOLE

// CHECK: @softmax_f16 result 0: relative error {{.*}} PASS
// CHECK: @softmax_heads_bf16 result 0: relative error {{.*}} PASS
// CHECK: @layernorm_bf16_f32params result 0: relative error {{.*}} PASS
// CHECK: @rmsnorm_f16 result 0: relative error {{.*}} PASS
// CHECK: @add_rmsnorm_f32 result 0: relative error {{.*}} PASS
// CHECK: @add_rmsnorm_f32 result 1: relative error {{.*}} PASS
// CHECK: @layernorm_f32 result 0: relative error {{.*}} PASS

// The kernels' shapes keep their ?; the grid is the rows (the output's
// dimensions before the last), not the row length.
// MANIFEST: "kernels": [
// MANIFEST: "grid": [
// MANIFEST-NEXT: "a1.d0",
// MANIFEST: "shape": [
// MANIFEST-NEXT: "?",
// MANIFEST-NEXT: 3,
// MANIFEST-NEXT: "?"
// MANIFEST: "grid": [
// MANIFEST-NEXT: "3 * a1.d0",

// 8 rows of 4095 f16: 65520 bytes each way, 2047.5 sectors; the windows
// start on each row's first sector boundary.
// ODD-LABEL: @softmax_f16 softmax_f16_softmax counters:
// ODD: global loads: {{[0-9]+}} requests, 2062 sectors (ideal 2062, excess 0)
// ODD: global stores: {{[0-9]+}} requests, 2062 sectors (ideal 2062, excess 0)
// ODD: global load requests by width: 1B 0, 2B {{[0-9]+}}, 4B 0, 8B 0, 16B {{[1-9][0-9]*}}
// 8 rows of 4096: 2048 sectors each way, 16-byte accesses only.
// WHOLE-LABEL: @softmax_f16 softmax_f16_softmax counters:
// WHOLE: global loads: 128 requests, 2048 sectors (ideal 2048, excess 0)
// WHOLE: global stores: 128 requests, 2048 sectors (ideal 2048, excess 0)
// WHOLE: global load requests by width: 1B 0, 2B 0, 4B 0, 8B 0, 16B 128

func.func @softmax_f16(%x: tensor<?x?xf16>) -> tensor<?x?xf16> {
  %y = fused.softmax %x axis = -1 : tensor<?x?xf16>
  return %y : tensor<?x?xf16>
}

// A static middle dimension.
func.func @softmax_heads_bf16(%x: tensor<?x3x?xbf16>) -> tensor<?x3x?xbf16> {
  %y = fused.softmax %x axis = -1 : tensor<?x3x?xbf16>
  return %y : tensor<?x3x?xbf16>
}

// f32 parameters beside bf16 rows: 16-byte accesses of the parameters are
// 8 bytes of the row.
func.func @layernorm_bf16_f32params(%x: tensor<?x?xbf16>, %w: tensor<?xf32>,
                                    %b: tensor<?xf32>) -> tensor<?x?xbf16> {
  %y = fused.layernorm %x weight(%w : tensor<?xf32>) bias(%b : tensor<?xf32>)
      : tensor<?x?xbf16>
  return %y : tensor<?x?xbf16>
}

func.func @rmsnorm_f16(%x: tensor<?x?xf16>, %w: tensor<?xf16>) -> tensor<?x?xf16> {
  %y = fused.rmsnorm %x weight(%w : tensor<?xf16>) : tensor<?x?xf16>
  return %y : tensor<?x?xf16>
}

// Residual add + rmsnorm, both results: the first pass stores the sum.
func.func @add_rmsnorm_f32(%a: tensor<?x?xf32>, %r: tensor<?x?xf32>,
                           %w: tensor<?xbf16>)
    -> (tensor<?x?xf32>, tensor<?x?xf32>) {
  %s = fused.add %a, %r : tensor<?x?xf32>, tensor<?x?xf32> -> tensor<?x?xf32>
  %y = fused.rmsnorm %s weight(%w : tensor<?xbf16>) : tensor<?x?xf32>
  return %s, %y : tensor<?x?xf32>, tensor<?x?xf32>
}

func.func @layernorm_f32(%x: tensor<?x?xf32>) -> tensor<?x?xf32> {
  %y = fused.layernorm %x : tensor<?x?xf32>
  return %y : tensor<?x?xf32>
}
