/// A bundle for several chips carries each chip's PTX (and its cubin when
/// ptxas is present) and lists them in the manifest (version 2); the limits
/// of every chip apply, and nothing is written when one is exceeded.
// RUN: rm -rf %t.bundle && fused-compile --emit=bundle --chip=sm_80,sm_90 --entry=small %s -o %t.bundle
// RUN: FileCheck %s < %t.bundle/manifest.json
// RUN: FileCheck %s --check-prefix=PTX80 < %t.bundle/kernels.sm_80.ptx
// RUN: FileCheck %s --check-prefix=PTX90 < %t.bundle/kernels.sm_90a.ptx
// RUN: not fused-compile --emit=ptx --chip=sm_80,sm_90 %s 2>&1 | FileCheck %s --check-prefix=LIST
/// sm_90 and sm_90a are one chip, whose code is for sm_90a (the Hopper
/// path's wgmma and setmaxnreg exist only there): with sm_80 in the list
/// the bundle's one set of kernels is sm_80's, compiled for both; sm_90
/// (or sm_90a) on its own gets the Hopper GEMM with its tensor maps.
// RUN: not grep -q wgmma %t.bundle/kernels.sm_90a.ptx
// RUN: FileCheck %s --check-prefix=MIXED < %t.bundle/manifest.json
// RUN: rm -rf %t.arch && fused-compile --emit=bundle --chip=sm_90,sm_90a --entry=small %s -o %t.arch
// RUN: FileCheck %s --check-prefix=ARCH < %t.arch/manifest.json
// RUN: grep -q wgmma %t.arch/kernels.sm_90a.ptx
// RUN: rm -rf %t.over && not fused-compile --emit=bundle --chip=sm_80,sm_86 --entry=smem_128k %s -o %t.over 2>&1 | FileCheck %s --check-prefix=OVER
// RUN: not test -e %t.over
// RUN: not fused-compile --emit=bundle --chip=sm_80,sm_70 %s -o %t.bad 2>&1 | FileCheck %s --check-prefix=BADCHIP

// CHECK: "chips": [
// CHECK-NEXT: "sm_80",
// CHECK-NEXT: "sm_90a"
// CHECK: "format": "fused-bundle",
// CHECK: "images": [
// CHECK: "chip": "sm_80",
// CHECK-NEXT: "file": "kernels.sm_80.ptx",
// CHECK-NEXT: "format": "ptx"
// CHECK: "chip": "sm_90a",
// CHECK-NEXT: "file": "kernels.sm_90a.ptx",
// CHECK-NEXT: "format": "ptx"
// CHECK: "version": 3
// MIXED: "kernels": [
// MIXED-NOT: tensor_maps
// ARCH: "chips": [
// ARCH-NEXT: "sm_90a"
// ARCH-NEXT: ],
// ARCH: "block": [
// ARCH-NEXT: 256,
// ARCH: "tensor_maps": [
// PTX80: .target sm_80
// PTX90: .target sm_90a
// LIST: fused-compile: a list of chips (--chip=sm_80,sm_90) goes with --emit=bundle
// OVER: error: kernel 'smem_128k_gemm' for sm_86: 131072 bytes of dynamic shared memory per block exceed the chip's opt-in maximum of 101376 bytes (99 KiB)
// BADCHIP: fused-compile: unknown chip 'sm_70' (expected auto, sm_80, sm_86, sm_89, sm_90 or sm_90a)

func.func @small(%a: tensor<64x64xf16>, %b: tensor<64x64xf16>) -> tensor<64x64xf32> {
  %c = fused.matmul %a, %b : tensor<64x64xf16>, tensor<64x64xf16> -> tensor<64x64xf32>
  return %c : tensor<64x64xf32>
}

func.func @smem_128k(%a: tensor<256x256xf16>, %b: tensor<256x256xf16>) -> tensor<256x256xf32> {
  %c = fused.matmul %a, %b {fused.config = #fused.gemm_config<block = [128, 128, 64], warps = [2, 4], stages = 4>} : tensor<256x256xf16>, tensor<256x256xf16> -> tensor<256x256xf32>
  return %c : tensor<256x256xf32>
}
