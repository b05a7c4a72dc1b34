/// The emulator's memory instructions against the PTX, site for site
/// (fused-compile --cross-check-ptx). The attention copy-out is one 16-byte
/// global store per chunk in the PTX (st.global.v4) and in the emulator's
/// counters; the GEMM's staging pair stores are 8-byte (f32) stores in
/// both. A kernel whose declared alignment is below what the backend
/// proves is a disagreement, with a non-zero exit.
// RUN: fused-compile --cross-check-ptx --chip=sm_80 %s | FileCheck %s
// RUN: fused-compile --cross-check-ptx --chip=sm_90 %s | FileCheck %s --check-prefix=SM90
// RUN: fused-compile --run --device=emulator --counters %s | FileCheck %s --check-prefix=COUNTERS
// RUN: not fused-compile --cross-check-ptx --chip=sm_80 %S/Inputs/underaligned-kernel.mlir | FileCheck %s --check-prefix=BAD

// CHECK-DAG: attn_attention: agree ({{[0-9]+}} sites); PTX: cp.async 16B x{{[0-9]+}}, ld.shared 16B x4, ldmatrix.x4 x{{[0-9]+}}, ldmatrix.x4.trans x{{[0-9]+}}, st.global 16B x4, st.global 4B x2, st.shared 4B x16
// CHECK-DAG: mm_gemm: agree ({{[0-9]+}} sites); PTX: cp.async 16B x{{[0-9]+}}, ld.shared 16B x{{[0-9]+}}, ldmatrix.x4 x{{[0-9]+}}, ldmatrix.x4.trans x{{[0-9]+}}, st.global 16B x{{[0-9]+}}, st.shared 8B x{{[0-9]+}}
// CHECK-NOT: DISAGREE
// CHECK: PTX cross-check (sm_80): the emulator and the PTX agree
// SM90: PTX cross-check (sm_90a): the emulator and the PTX agree

// One block of 4 warps. O is 64 rows x 128 bytes = 512 chunks of 16 bytes,
// 4 per thread: 16 warp-wide 16-byte stores (and 16-byte staging loads);
// the LSE is 2 four-byte stores per warp (8); the staging pair stores are
// 4-byte (f16 pairs), 16 per warp.
// COUNTERS-LABEL: @attn attn_attention counters:
// COUNTERS: global store requests by width: 1B 0, 2B 0, 4B 8, 8B 0, 16B 16
// COUNTERS-NEXT: shared load requests by width: 1B 0, 2B 0, 4B 0, 8B 0, 16B 16
// COUNTERS-NEXT: shared store requests by width: 1B 0, 2B 0, 4B 64, 8B 0, 16B 0
// COUNTERS-LABEL: @mm mm_gemm counters:
// COUNTERS: global store requests by width: 1B 0, 2B 0, 4B 0, 8B 0, 16B {{[1-9][0-9]*}}
// COUNTERS-NEXT: shared load requests by width: 1B 0, 2B 0, 4B 0, 8B 0, 16B {{[1-9][0-9]*}}
// COUNTERS-NEXT: shared store requests by width: 1B 0, 2B 0, 4B 0, 8B {{[1-9][0-9]*}}, 16B 0

// BAD: underaligned: DISAGREE (3 sites); PTX: ld.shared 2B x1, st.global 2B x1, st.shared 4B x1
// BAD-NEXT: site 0 (llvm.store): the emulator executes st.shared 2B x2 per execution; the PTX has st.shared 4B x1
// BAD: PTX cross-check (sm_80): DISAGREEMENT

func.func @attn(%q: tensor<1x1x64x64xf16>, %k: tensor<1x1x64x64xf16>, %v: tensor<1x1x64x64xf16>) -> (tensor<1x1x64x64xf16>, tensor<1x1x64xf32>) {
  %o, %l = fused.attention %q, %k, %v : tensor<1x1x64x64xf16>, tensor<1x1x64x64xf16>, tensor<1x1x64x64xf16> -> tensor<1x1x64x64xf16>, tensor<1x1x64xf32>
  return %o, %l : tensor<1x1x64x64xf16>, tensor<1x1x64xf32>
}

func.func @mm(%a: tensor<128x64xf16>, %b: tensor<64x128xf16>) -> tensor<128x128xf32> {
  %c = fused.matmul %a, %b : tensor<128x64xf16>, tensor<64x128xf16> -> tensor<128x128xf32>
  return %c : tensor<128x128xf32>
}
