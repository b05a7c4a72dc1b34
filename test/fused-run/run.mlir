/// fused-run runs a bundle without the compiler: on the emulator here (a
/// full build), against the float64 reference stored by --with-reference,
/// by fused's comparison rule.
// RUN: rm -rf %t.bundle %t.out && mkdir -p %t.out
// RUN: fused-compile --emit=bundle --with-reference --seed=7 --chip=sm_80,sm_90 %s -o %t.bundle
// RUN: fused-run %t.bundle --device=emulator --check | FileCheck %s
// RUN: fused-run %t.bundle --device=emulator --function=mm --outputs=%t.out | FileCheck %s --check-prefix=ONE
// RUN: test -f %t.out/mm.out0.npy
// The outputs written can be fed back as inputs of the same shape: mm's
// output is 64x64, as its first input.
// RUN: cp %t.out/mm.out0.npy %t.out/mm.in0.npy && cp %t.bundle/mm.in1.npy %t.out/mm.in1.npy
// RUN: fused-run %t.bundle --device=emulator --function=mm --inputs=%t.out | FileCheck %s --check-prefix=ONE
// An output over a file-size limit (mm's is 16 KiB of f32; as a full
// disk): an error, and the earlier file stays whole.
// RUN: cp %t.out/mm.out0.npy %t.earlier.npy
// RUN: not bash -c "ulimit -f 8; fused-run %t.bundle --device=emulator --function=mm --outputs=%t.out" 2>&1 | FileCheck %s --check-prefix=FULL
// RUN: cmp %t.out/mm.out0.npy %t.earlier.npy
// RUN: ls %t.out | FileCheck %s --check-prefix=NOTMP --implicit-check-not=tmp
// FULL: fused-run: cannot write {{.*}}mm.out0.npy: File too large
// NOTMP: mm.out0.npy

// CHECK: device: CPU emulator ({{[0-9]+}} host thread{{s?}}) (emulator), image: emulator image
// CHECK: @mm result 0: relative error {{.*}}, 0 of 4096 elements outside {{.*}} (tolerance 1.0e-05, seed 7) PASS
// CHECK: @att result 0: relative error {{.*}}, 0 of 8192 elements outside {{.*}} (tolerance 2.0e-03, seed 7) PASS
// CHECK: @att result 1: relative error {{.*}} (tolerance 1.0e-05, seed 7) PASS
// ONE: @mm result 0: checksum {{[0-9a-f]+}}
// ONE-NOT: @att

func.func @mm(%a: tensor<64x64xf16>, %b: tensor<64x64xf16>) -> tensor<64x64xf32> {
  %c = fused.matmul %a, %b : tensor<64x64xf16>, tensor<64x64xf16> -> tensor<64x64xf32>
  return %c : tensor<64x64xf32>
}

func.func @att(%q: tensor<1x2x64x64xf16>, %k: tensor<1x2x80x64xf16>, %v: tensor<1x2x80x64xf16>) -> (tensor<1x2x64x64xf16>, tensor<1x2x64xf32>) {
  %o, %l = fused.attention %q, %k, %v {causal} : tensor<1x2x64x64xf16>, tensor<1x2x80x64xf16>, tensor<1x2x80x64xf16> -> tensor<1x2x64x64xf16>, tensor<1x2x64xf32>
  return %o, %l : tensor<1x2x64x64xf16>, tensor<1x2x64xf32>
}
