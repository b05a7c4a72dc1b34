/// A kernel that assumes an alignment of an argument's base cannot take a
/// view that starts off it: a diagnostic at compile time (bundle and run),
/// not a misaligned access at run time.
// RUN: not fused-compile --emit=bundle %s -o %t.a 2>&1 | FileCheck %s
// RUN: not test -e %t.a/manifest.json
// RUN: not fused-compile --run --device=emulator %s 2>&1 | FileCheck %s
// CHECK: error: 'fused.launch' op passes a view that starts 4 bytes into its buffer as argument 0 of kernel 'misaligned_elementwise', which assumes 16-byte alignment: slice at a multiple of 16 bytes

func.func @misaligned(%x: tensor<10xf32>) -> tensor<8xf32> {
  %s = fused.slice %x offsets = [1] : tensor<10xf32> to tensor<8xf32>
  %e = fused.exp %s : tensor<8xf32>
  return %e : tensor<8xf32>
}
