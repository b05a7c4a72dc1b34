/// The GPT-2 and Llama blocks of examples/ with every f16 and bf16 tensor
/// made f32: each op compiles in f32 (the GEMMs and the attention on bf16
/// tensor cores with each element split in three bf16 parts), and the
/// blocks match the float64 reference within f32's tolerance at two token
/// counts, from one bundle each, and agree with their PTX.
// RUN: rm -rf %t && mkdir -p %t
// RUN: sed 's/xf16>/xf32>/g' %fused_src_root/examples/gpt2_block.mlir > %t/gpt2.mlir
// RUN: sed 's/xbf16>/xf32>/g; s/xf16>/xf32>/g' %fused_src_root/examples/llama_block.mlir > %t/llama.mlir
// RUN: not grep -q 'f16>' %t/gpt2.mlir %t/llama.mlir
// RUN: fused-compile --emit=bundle --with-reference --sizes=37 %t/gpt2.mlir -o %t/gpt2-37
// RUN: fused-compile --emit=bundle --with-reference --sizes=5 --seed=3 %t/gpt2.mlir -o %t/gpt2-5
// RUN: cmp %t/gpt2-37/kernels.emu.ll %t/gpt2-5/kernels.emu.ll
// RUN: fused-run %t/gpt2-37 --device=emulator --check | FileCheck %s --check-prefix=GPT2
// RUN: fused-run %t/gpt2-5 --device=emulator --check | FileCheck %s --check-prefix=GPT2
// RUN: fused-compile --emit=bundle --with-reference --sizes=37 %t/llama.mlir -o %t/llama-37
// RUN: fused-compile --emit=bundle --with-reference --sizes=5 --seed=3 %t/llama.mlir -o %t/llama-5
// RUN: cmp %t/llama-37/kernels.emu.ll %t/llama-5/kernels.emu.ll
// RUN: fused-run %t/llama-37 --device=emulator --check | FileCheck %s --check-prefix=LLAMA
// RUN: fused-run %t/llama-5 --device=emulator --check | FileCheck %s --check-prefix=LLAMA
// RUN: fused-compile --cross-check-ptx --chip=sm_90 %t/gpt2.mlir | FileCheck %s --check-prefix=XCHECK
// RUN: fused-compile --cross-check-ptx --chip=sm_90 %t/llama.mlir | FileCheck %s --check-prefix=XCHECK
// GPT2: @gpt2_block result 0: relative error {{.*}} (tolerance 1.0e-05{{.*}} PASS
// LLAMA: @llama_block result 0: relative error {{.*}} (tolerance 1.0e-05{{.*}} PASS
// XCHECK: the emulator and the PTX agree
