// Attention and the heads' transposes with a dynamic sequence length: one
// kernel for every length. Sq and Skv come from Q's and K's descriptors,
// the grid's query blocks from Q's length; causal masks stay bottom-right
// aligned when Sq and Skv differ.

// Sq and Skv are two sizes (s0, s1) unless one tensor gives both.
// RUN: fused-compile --run --device=emulator --check --entry=causal --sizes=37,37 %s | FileCheck %s --check-prefix=CAUSAL
// RUN: fused-compile --run --device=emulator --check --entry=causal --sizes=20,75 --seed=2 %s | FileCheck %s --check-prefix=CAUSAL
// RUN: fused-compile --run --device=emulator --check --entry=causal --sizes=130,1 --seed=3 %s | FileCheck %s --check-prefix=CAUSAL
// RUN: fused-compile --run --device=emulator --check --entry=heads --sizes=37 %s | FileCheck %s --check-prefix=HEADS
// RUN: fused-compile --run --device=emulator --check --entry=heads --sizes=1 %s | FileCheck %s --check-prefix=HEADS
// RUN: fused-compile --run --device=emulator --check --entry=gqa_lse --sizes=70,45 %s | FileCheck %s --check-prefix=GQA
// RUN: fused-compile --run --device=emulator --check --entry=gqa_lse --sizes=1,130 --seed=4 %s | FileCheck %s --check-prefix=GQA
// RUN: fused-compile --run --device=emulator --check --entry=self --sizes=53 %s | FileCheck %s --check-prefix=SELF
// At 37 tokens the outputs are bit for bit those of the static kernels.
// RUN: rm -rf %t && mkdir -p %t
// RUN: fused-compile --run --device=emulator --entry=self --sizes=37 %s | grep checksum > %t/dynamic.txt
// RUN: grep -v RUN: %s | sed 's/x?x/x37x/g; s/<?x/<37x/g' > %t/static.mlir
// RUN: fused-compile --run --device=emulator --entry=self %t/static.mlir | grep checksum > %t/static.txt
// RUN: diff %t/dynamic.txt %t/static.txt

// CAUSAL: @causal result 0: relative error {{.*}} PASS
// HEADS: @heads result 0: relative error {{.*}} PASS
// GQA: @gqa_lse result 0: relative error {{.*}} PASS
// GQA: @gqa_lse result 1: relative error {{.*}} PASS
// SELF: @self result 0: relative error {{.*}} PASS

func.func @causal(%q: tensor<1x4x?x32xf16>, %k: tensor<1x4x?x32xf16>,
                  %v: tensor<1x4x?x32xf16>) -> tensor<1x4x?x32xf16> {
  %o = fused.attention %q, %k, %v {causal, scale = 0.1 : f32}
      : tensor<1x4x?x32xf16>, tensor<1x4x?x32xf16>, tensor<1x4x?x32xf16>
      -> tensor<1x4x?x32xf16>
  return %o : tensor<1x4x?x32xf16>
}

// The heads of a [T, 3 * 2 * 64] QKV projection, to [3, 2, T, 64] and
// back: row copies of 64 elements (an op between them, or the two
// transposes would fold away).
func.func @heads(%qkv: tensor<?x3x2x64xbf16>) -> tensor<?x3x2x64xbf16> {
  %h = fused.transpose %qkv permutation = [1, 2, 0, 3]
      : tensor<?x3x2x64xbf16> -> tensor<3x2x?x64xbf16>
  %e = fused.exp %h : tensor<3x2x?x64xbf16>
  %y = fused.transpose %e permutation = [2, 0, 1, 3]
      : tensor<3x2x?x64xbf16> -> tensor<?x3x2x64xbf16>
  return %y : tensor<?x3x2x64xbf16>
}

// GQA (4 query heads on 2 KV heads), bf16, with the LSE.
func.func @gqa_lse(%q: tensor<2x4x?x64xbf16>, %k: tensor<2x2x?x64xbf16>,
                   %v: tensor<2x2x?x64xbf16>)
    -> (tensor<2x4x?x64xbf16>, tensor<2x4x?xf32>) {
  %o, %lse = fused.attention %q, %k, %v {scale = 0.125 : f32}
      : tensor<2x4x?x64xbf16>, tensor<2x2x?x64xbf16>, tensor<2x2x?x64xbf16>
      -> tensor<2x4x?x64xbf16>, tensor<2x4x?xf32>
  return %o, %lse : tensor<2x4x?x64xbf16>, tensor<2x4x?xf32>
}

// Self-attention on the heads of one QKV projection: one size, the
// tokens. The heads are views (a reshape, a transpose, slices whose offsets
// follow from the tokens).
func.func @self(%qkv: tensor<?x384xf16>) -> tensor<?x128xf16> {
  %split = fused.reshape %qkv : tensor<?x384xf16> to tensor<?x3x4x32xf16>
  %heads = fused.transpose %split permutation = [1, 2, 0, 3]
      : tensor<?x3x4x32xf16> -> tensor<3x4x?x32xf16>
  %q = fused.slice %heads offsets = [0, 0, 0, 0]
      : tensor<3x4x?x32xf16> to tensor<1x4x?x32xf16>
  %k = fused.slice %heads offsets = [1, 0, 0, 0]
      : tensor<3x4x?x32xf16> to tensor<1x4x?x32xf16>
  %v = fused.slice %heads offsets = [2, 0, 0, 0]
      : tensor<3x4x?x32xf16> to tensor<1x4x?x32xf16>
  %o = fused.attention %q, %k, %v {causal, scale = 0.1 : f32}
      : tensor<1x4x?x32xf16>, tensor<1x4x?x32xf16>, tensor<1x4x?x32xf16>
      -> tensor<1x4x?x32xf16>
  %o_t = fused.transpose %o permutation = [0, 2, 1, 3]
      : tensor<1x4x?x32xf16> -> tensor<1x?x4x32xf16>
  %o_m = fused.reshape %o_t : tensor<1x?x4x32xf16> to tensor<?x128xf16>
  return %o_m : tensor<?x128xf16>
}
