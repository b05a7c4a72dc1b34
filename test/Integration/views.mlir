/// Reshapes and slices against the float64 reference: contiguous ones are
/// views (no kernel; the manifest passes the base buffer's memory from an
/// offset), others are copied by a kernel. Fresh random inputs each run on
/// the emulator (the API's device runner), then the same functions from a
/// bundle through the runtime's loader (fused-run).
// RUN: fused-compile --run --device=emulator --check --chip=sm_80 %s | FileCheck %s
// RUN: rm -rf %t.bundle
// RUN: fused-compile --emit=bundle --with-reference --seed=3 --chip=sm_80 %s -o %t.bundle
// RUN: fused-run %t.bundle --device=emulator --check | FileCheck %s
// RUN: FileCheck %s --input-file=%t.bundle/manifest.json --check-prefix=MANIFEST

// CHECK: @heads result 0: relative error {{.*}} PASS
// CHECK: @heads result 1: relative error {{.*}} PASS
// CHECK: @heads result 2: relative error {{.*}} PASS
// CHECK: @strided result 0: relative error {{.*}} PASS
// CHECK: @strided_vec result 0: relative error {{.*}} PASS
// CHECK: @arg_views result 0: relative error {{.*}} PASS

// The QKV split of an attention block: a GEMM, heads by a reshape (a view
// of the GEMM's result), [3, H, S, D] by a transpose, Q/K/V by slices of
// the leading dimension (views at offsets 0, H*S*D and 2*H*S*D elements).
// MANIFEST: "functions"
// MANIFEST: "of": 2,
// MANIFEST-NEXT: "offset": 0,
// MANIFEST-NEXT: "origin": "view",
// MANIFEST-NEXT: "shape": [
// MANIFEST-NEXT: 24,
// MANIFEST-NEXT: 3,
// MANIFEST: "of": 4,
// MANIFEST-NEXT: "offset": 768,
// MANIFEST-NEXT: "origin": "view",
// MANIFEST: "of": 4,
// MANIFEST-NEXT: "offset": 1536,
// MANIFEST-NEXT: "origin": "view",
// MANIFEST: "name": "heads"
func.func @heads(%x: tensor<24x32xf16>, %w: tensor<32x48xf16>)
    -> (tensor<1x2x24x8xf16>, tensor<1x2x24x8xf16>, tensor<24x48xf16>) {
  %m = fused.matmul %x, %w : tensor<24x32xf16>, tensor<32x48xf16> -> tensor<24x48xf32>
  %c = fused.cast %m : tensor<24x48xf32> to tensor<24x48xf16>
  %r = fused.reshape %c : tensor<24x48xf16> to tensor<24x3x2x8xf16>
  %t = fused.transpose %r permutation = [1, 2, 0, 3]
      : tensor<24x3x2x8xf16> -> tensor<3x2x24x8xf16>
  %k = fused.slice %t offsets = [1, 0, 0, 0] : tensor<3x2x24x8xf16> to tensor<1x2x24x8xf16>
  %v = fused.slice %t offsets = [2, 0, 0, 0] : tensor<3x2x24x8xf16> to tensor<1x2x24x8xf16>
  %e = fused.exp %k : tensor<1x2x24x8xf16>
  %n = fused.neg %v : tensor<1x2x24x8xf16>
  // A reshape of a whole kernel result may be returned: it is that result.
  %back = fused.reshape %t : tensor<3x2x24x8xf16> to tensor<24x48xf16>
  return %e, %n, %back : tensor<1x2x24x8xf16>, tensor<1x2x24x8xf16>, tensor<24x48xf16>
}

/// A slice of the innermost dimension is not contiguous: a kernel copies it
/// (element by element here, as the offset of 1 allows no wider access).
func.func @strided(%x: tensor<4x10xf32>) -> tensor<4x8xf32> {
  %s = fused.slice %x offsets = [0, 1] : tensor<4x10xf32> to tensor<4x8xf32>
  %e = fused.exp %s : tensor<4x8xf32>
  return %e : tensor<4x8xf32>
}

/// 16-byte copies where the offsets and row lengths allow.
func.func @strided_vec(%x: tensor<3x40x72xbf16>) -> tensor<2x33x64xbf16> {
  %s = fused.slice %x offsets = [1, 5, 8] : tensor<3x40x72xbf16> to tensor<2x33x64xbf16>
  return %s : tensor<2x33x64xbf16>
}

/// Views of an argument: a GEMM reads the second of three row blocks of its
/// input (2560 bytes into the argument's memory), reshaped.
func.func @arg_views(%x: tensor<3x32x40xf16>, %w: tensor<40x24xf16>) -> tensor<32x24xf32> {
  %s = fused.slice %x offsets = [1, 0, 0] : tensor<3x32x40xf16> to tensor<1x32x40xf16>
  %r = fused.reshape %s : tensor<1x32x40xf16> to tensor<32x40xf16>
  %m = fused.matmul %r, %w : tensor<32x40xf16>, tensor<40x24xf16> -> tensor<32x24xf32>
  return %m : tensor<32x24xf32>
}
