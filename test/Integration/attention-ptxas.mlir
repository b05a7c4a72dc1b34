/// Attention kernels compiled to PTX for sm_80 and sm_90 and assembled by
/// ptxas: 0 bytes of spill stores, spill loads and stack for head dims 64
/// and 128, f16 and bf16, causal and not, with bias and LSE; the PTX holds
/// cp.async, ldmatrix (.trans for V), mma.sync and quad shuffles.
// REQUIRES: ptxas
// RUN: fused-compile --emit=ptx --chip=sm_80 --print-stats %s -o %t.sm80.ptx | FileCheck %s
// RUN: fused-compile --emit=ptx --chip=sm_90 --print-stats %s -o %t.sm90.ptx | FileCheck %s
// RUN: FileCheck %s --check-prefix=PTX < %t.sm80.ptx
// RUN: FileCheck %s --check-prefix=PTX < %t.sm90.ptx

// CHECK: kernel regs spill-s spill-l stack
// CHECK-DAG: d64_f16_causal_lse_attention {{[0-9]+}} 0 0 0 
// CHECK-DAG: d64_f16_bias_attention {{[0-9]+}} 0 0 0 
// CHECK-DAG: d64_bf16_causal_lse_attention {{[0-9]+}} 0 0 0 
// CHECK-DAG: d64_bf16_bias_attention {{[0-9]+}} 0 0 0 
// CHECK-DAG: d128_f16_causal_lse_attention {{[0-9]+}} 0 0 0 
// CHECK-DAG: d128_f16_bias_attention {{[0-9]+}} 0 0 0 
// CHECK-DAG: d128_bf16_causal_lse_attention {{[0-9]+}} 0 0 0 
// CHECK-DAG: d128_bf16_bias_attention {{[0-9]+}} 0 0 0 
// PTX: cp.async.cg.shared.global
// PTX: ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16
// PTX: mma.sync.aligned.m16n8k16.row.col.f32
// PTX: shfl.sync.bfly.b32

func.func @d64_f16_causal_lse(%q: tensor<2x8x1023x64xf16>, %k: tensor<2x2x1024x64xf16>, %v: tensor<2x2x1024x64xf16>) -> (tensor<2x8x1023x64xf16>, tensor<2x8x1023xf32>) {
  %o, %lse = fused.attention %q, %k, %v {causal} : tensor<2x8x1023x64xf16>, tensor<2x2x1024x64xf16>, tensor<2x2x1024x64xf16> -> tensor<2x8x1023x64xf16>, tensor<2x8x1023xf32>
  return %o, %lse : tensor<2x8x1023x64xf16>, tensor<2x8x1023xf32>
}

func.func @d64_f16_bias(%q: tensor<2x8x1023x64xf16>, %k: tensor<2x2x1024x64xf16>, %v: tensor<2x2x1024x64xf16>, %bias: tensor<1023x1024xf32>) -> (tensor<2x8x1023x64xf16>) {
  %o = fused.attention %q, %k, %v bias(%bias : tensor<1023x1024xf32>) : tensor<2x8x1023x64xf16>, tensor<2x2x1024x64xf16>, tensor<2x2x1024x64xf16> -> tensor<2x8x1023x64xf16>
  return %o : tensor<2x8x1023x64xf16>
}

func.func @d64_bf16_causal_lse(%q: tensor<2x8x1023x64xbf16>, %k: tensor<2x2x1024x64xbf16>, %v: tensor<2x2x1024x64xbf16>) -> (tensor<2x8x1023x64xbf16>, tensor<2x8x1023xf32>) {
  %o, %lse = fused.attention %q, %k, %v {causal} : tensor<2x8x1023x64xbf16>, tensor<2x2x1024x64xbf16>, tensor<2x2x1024x64xbf16> -> tensor<2x8x1023x64xbf16>, tensor<2x8x1023xf32>
  return %o, %lse : tensor<2x8x1023x64xbf16>, tensor<2x8x1023xf32>
}

func.func @d64_bf16_bias(%q: tensor<2x8x1023x64xbf16>, %k: tensor<2x2x1024x64xbf16>, %v: tensor<2x2x1024x64xbf16>, %bias: tensor<1023x1024xf32>) -> (tensor<2x8x1023x64xbf16>) {
  %o = fused.attention %q, %k, %v bias(%bias : tensor<1023x1024xf32>) : tensor<2x8x1023x64xbf16>, tensor<2x2x1024x64xbf16>, tensor<2x2x1024x64xbf16> -> tensor<2x8x1023x64xbf16>
  return %o : tensor<2x8x1023x64xbf16>
}

func.func @d128_f16_causal_lse(%q: tensor<2x8x1023x128xf16>, %k: tensor<2x2x1024x128xf16>, %v: tensor<2x2x1024x128xf16>) -> (tensor<2x8x1023x128xf16>, tensor<2x8x1023xf32>) {
  %o, %lse = fused.attention %q, %k, %v {causal} : tensor<2x8x1023x128xf16>, tensor<2x2x1024x128xf16>, tensor<2x2x1024x128xf16> -> tensor<2x8x1023x128xf16>, tensor<2x8x1023xf32>
  return %o, %lse : tensor<2x8x1023x128xf16>, tensor<2x8x1023xf32>
}

func.func @d128_f16_bias(%q: tensor<2x8x1023x128xf16>, %k: tensor<2x2x1024x128xf16>, %v: tensor<2x2x1024x128xf16>, %bias: tensor<1023x1024xf32>) -> (tensor<2x8x1023x128xf16>) {
  %o = fused.attention %q, %k, %v bias(%bias : tensor<1023x1024xf32>) : tensor<2x8x1023x128xf16>, tensor<2x2x1024x128xf16>, tensor<2x2x1024x128xf16> -> tensor<2x8x1023x128xf16>
  return %o : tensor<2x8x1023x128xf16>
}

func.func @d128_bf16_causal_lse(%q: tensor<2x8x1023x128xbf16>, %k: tensor<2x2x1024x128xbf16>, %v: tensor<2x2x1024x128xbf16>) -> (tensor<2x8x1023x128xbf16>, tensor<2x8x1023xf32>) {
  %o, %lse = fused.attention %q, %k, %v {causal} : tensor<2x8x1023x128xbf16>, tensor<2x2x1024x128xbf16>, tensor<2x2x1024x128xbf16> -> tensor<2x8x1023x128xbf16>, tensor<2x8x1023xf32>
  return %o, %lse : tensor<2x8x1023x128xbf16>, tensor<2x8x1023xf32>
}

func.func @d128_bf16_bias(%q: tensor<2x8x1023x128xbf16>, %k: tensor<2x2x1024x128xbf16>, %v: tensor<2x2x1024x128xbf16>, %bias: tensor<1023x1024xf32>) -> (tensor<2x8x1023x128xbf16>) {
  %o = fused.attention %q, %k, %v bias(%bias : tensor<1023x1024xf32>) : tensor<2x8x1023x128xbf16>, tensor<2x2x1024x128xbf16>, tensor<2x2x1024x128xbf16> -> tensor<2x8x1023x128xbf16>
  return %o : tensor<2x8x1023x128xbf16>
}

