/// Without a GPU, --run says so plainly and exits non-zero.
// UNSUPPORTED: cuda
// RUN: not fused-compile --run --device=cuda %s 2>&1 | FileCheck %s --check-prefix=CUDA
// RUN: not fused-compile --run %s 2>&1 | FileCheck %s --check-prefix=AUTO
// RUN: not fused-compile --run --device=emulator %s 2>&1 | FileCheck %s --check-prefix=EMU
// RUN: not fused-compile --run --device=tpu %s 2>&1 | FileCheck %s --check-prefix=BAD
// CUDA: fused-compile: no CUDA driver found ({{.*}}); use --device=emulator
// AUTO: fused-compile: no GPU to run on (no CUDA driver found ({{.*}})) and the emulator backend is not available yet; use --check-host to run the kernels' host form
// EMU: fused-compile: the emulator backend is not available yet; use --check-host
// BAD: fused-compile: unknown device 'tpu' (expected auto, cuda or emulator)

func.func @gemm(%a: tensor<32x32xf16>, %b: tensor<32x32xf16>) -> tensor<32x32xf32> {
  %c = fused.matmul %a, %b : tensor<32x32xf16>, tensor<32x32xf16> -> tensor<32x32xf32>
  return %c : tensor<32x32xf32>
}
